import { describe, expect, it } from 'vitest';
import { createBatchingEventSource } from '../../src/cloudflare/batching-event-source.js';
import { type BudgetSpender, createMemoryRequestBudget } from '../../src/cloudflare/request-budget.js';
import type { ScopedEventSource } from '../../src/cloudflare/scoped-ports.js';
import { createUpstreamGuard, isShareRefusal } from '../../src/cloudflare/upstream-guard.js';
import type { EventLookup } from '../../src/core/ports.js';

/** Records each upstream call's Ray IDs and answers "not found" for all of them. */
function recordingSource() {
  const calls: string[][] = [];
  const source: ScopedEventSource = {
    async findByRayIds(rayIds) {
      calls.push([...rayIds]);
      const at = new Date(0);
      const searched = {
        oldest: at,
        newest: at,
        windows: 0,
        limitedBy: 'retention',
        oldestReachable: at,
      } as const;
      return new Map(rayIds.map((id): [string, EventLookup] => [id, { kind: 'not_found', searched }]));
    },
  };
  return { calls, source };
}

const ray = (n: number) => n.toString(16).padStart(16, 'a');
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batching window', () => {
  it('after a quiet spell a batch closes at the end of the turn: a lone lookup waits for no timer', async () => {
    let clock = 1_000;
    const { calls, source } = recordingSource();
    // A window far longer than the test: were it used, the lookup would not be sent below.
    const batching = createBatchingEventSource(source, { windowMs: 60_000, now: () => clock });
    const now = new Date();
    const first = batching.findByRayIds([ray(1)], { now });
    const second = batching.findByRayIds([ray(2)], { now });
    await Promise.all([first, second]);
    expect(calls).toEqual([[ray(1), ray(2)]]);
    clock += 1_000;
    await batching.findByRayIds([ray(3)], { now });
    expect(calls).toHaveLength(2);
  });

  it('while lookups keep coming, a new batch waits its window and gathers those of later turns', async () => {
    const clock = 1_000;
    const { calls, source } = recordingSource();
    const batching = createBatchingEventSource(source, { windowMs: 30, now: () => clock });
    const now = new Date();
    await batching.findByRayIds([ray(1)], { now });
    // Busy now: the next batch is held for its window, across several turns of the event loop.
    const later = [batching.findByRayIds([ray(2)], { now })];
    await nextTurn();
    later.push(batching.findByRayIds([ray(3)], { now }));
    await nextTurn();
    later.push(batching.findByRayIds([ray(4)], { now }));
    await Promise.all(later);
    expect(calls).toEqual([[ray(1)], [ray(2), ray(3), ray(4)]]);
  });

  it("one asker's spent share does not refuse the batch: a joiner's share pays for it", async () => {
    const ann: BudgetSpender = { id: 'U0ANN', staff: false };
    const bob: BudgetSpender = { id: 'U0BOB', staff: false };
    const cat: BudgetSpender = { id: 'U0CAT', staff: true };
    const budget = createMemoryRequestBudget();
    // Ann and Bob spend their whole shares of the GraphQL budget first.
    for (const spender of [ann, bob]) while (budget.take('graphql', spender).ok);
    const guard = createUpstreamGuard({ budget });
    const paidBy: (string | undefined)[] = [];
    const { source } = recordingSource();
    const guarded: ScopedEventSource = {
      findByRayIds: (rayIds, options, scope) =>
        guard.call(
          'graphql',
          async () => {
            paidBy.push(scope?.spender?.id);
            return source.findByRayIds(rayIds, options, scope);
          },
          scope,
        ),
    };
    const batching = createBatchingEventSource(guarded);
    const now = new Date();
    const [forAnn, forCat] = await Promise.all([
      batching.findByRayIds([ray(1)], { now }, guard.newScope(ann)),
      batching.findByRayIds([ray(2)], { now }, guard.newScope(cat)),
    ]);
    expect(paidBy).toEqual(['U0CAT']);
    expect([...forAnn.keys()]).toEqual([ray(1)]);
    expect([...forCat.keys()]).toEqual([ray(2)]);
    // Everyone in the batch has spent their share: all of them hear so, nothing is sent.
    const refused = await Promise.allSettled([
      batching.findByRayIds([ray(3)], { now }, guard.newScope(ann)),
      batching.findByRayIds([ray(4)], { now }, guard.newScope(bob)),
    ]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(refused.every((r) => r.status === 'rejected' && isShareRefusal(r.reason))).toBe(true);
    expect(paidBy).toEqual(['U0CAT']);
  });
});
