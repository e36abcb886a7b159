import { describe, expect, it } from 'vitest';
import { createBatchingEventSource } from '../../src/cloudflare/batching-event-source.js';
import type { ScopedEventSource } from '../../src/cloudflare/scoped-ports.js';
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
});
