import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRequestBudget } from '../../src/cloudflare/redis-request-budget.js';
import {
  type BudgetSpender,
  type CloudflareApi,
  createMemoryRequestBudget,
} from '../../src/cloudflare/request-budget.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis-connection.js';
import {
  freePort,
  REDIS_SERVER_INSTALLED,
  type RedisPair,
  type RedisServer,
  startRedisPair,
} from '../helpers/redis-server.js';

const suite = REDIS_SERVER_INSTALLED ? describe : describe.skip;
const title = REDIS_SERVER_INSTALLED
  ? 'Redis request budget (Lua sliding window) against a real redis-server'
  : 'Redis request budget — SKIPPED: redis-server is not installed';

let server: RedisServer;
let redis: RedisConnection;
let other: RedisConnection;
const logs: Record<string, unknown>[] = [];
let prefixes = 0;
const prefix = () => `budget-test-${++prefixes}:`;

suite(title, () => {
  let pair: RedisPair | undefined;
  beforeAll(async () => {
    pair = await startRedisPair((entry) => logs.push(entry));
    ({ server, a: redis, b: other } = pair);
  });
  afterAll(() => pair?.close());

  const limits = { graphql: 10, rest: 7 };
  const shares = { userPercent: 30, staffReservePercent: 20 };

  type Step =
    | { kind: 'take'; advanceMs: number; api: CloudflareApi; spender: BudgetSpender | undefined }
    | { kind: 'pause'; advanceMs: number; api: CloudflareApi; seconds: number };
  const spenderArb = fc.constantFrom<BudgetSpender | undefined>(
    undefined,
    { id: 'U0STAFF', staff: true },
    { id: 'U0ANN', staff: false },
    { id: 'U0BOB', staff: false },
    { id: 'U0CAT', staff: false },
  );
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record({
        kind: fc.constant('take' as const),
        advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90_000 })),
        api: fc.constantFrom<CloudflareApi>('graphql', 'rest'),
        spender: spenderArb,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('pause' as const),
        advanceMs: fc.integer({ min: 0, max: 20_000 }),
        api: fc.constantFrom<CloudflareApi>('graphql', 'rest'),
        seconds: fc.integer({ min: 0, max: 40 }),
      }),
    },
  );

  it('makes the same decision as the in-memory budget for every sequence of takes and pauses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 60 }), async (steps) => {
        let now = 1_700_000_000_000;
        const clock = () => now;
        const memory = createMemoryRequestBudget({ limits, shares, clock });
        const shared = createRedisRequestBudget({ redis, keyPrefix: prefix(), limits, shares, clock });
        for (const step of steps) {
          now += step.advanceMs;
          if (step.kind === 'pause') {
            memory.pause(step.api, step.seconds);
            await shared.pause(step.api, step.seconds);
          } else {
            expect(await shared.take(step.api, step.spender)).toEqual(memory.take(step.api, step.spender));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses with the reason and the wait the in-memory budget gives (share, reserve, budget, pause)', async () => {
    let now = 0;
    const budget = createRedisRequestBudget({ redis, keyPrefix: prefix(), limits, shares, clock: () => now });
    const ann = { id: 'U0ANN', staff: false };
    // One user's share of 10 is 3.
    for (let i = 0; i < 3; i++) expect(await budget.take('graphql', ann)).toEqual({ ok: true });
    now = 100_000;
    expect(await budget.take('graphql', ann)).toEqual({
      ok: false,
      reason: 'user_share',
      limit: 3,
      retryAfterSeconds: 200,
    });
    // Non-staff together may spend 8; staff and the bot itself the rest.
    for (const id of ['U0B', 'U0C'])
      for (let i = 0; i < 3; i++) await budget.take('graphql', { id, staff: false });
    expect(await budget.take('graphql', { id: 'U0D', staff: false })).toMatchObject({
      ok: false,
      reason: 'staff_reserve',
      limit: 8,
    });
    expect(await budget.take('graphql', { id: 'U0STAFF', staff: true })).toEqual({ ok: true });
    expect(await budget.take('graphql')).toEqual({ ok: true });
    expect(await budget.take('graphql')).toMatchObject({ ok: false, reason: 'budget', limit: 10 });
    await budget.pause('rest', 7);
    expect(await budget.take('rest')).toEqual({ ok: false, reason: 'paused', retryAfterSeconds: 7 });
    now += 7_000;
    expect(await budget.take('rest')).toEqual({ ok: true });
  });

  it('two replicas hammering one budget at once let exactly the limit through (the script is atomic)', async () => {
    const keyPrefix = prefix();
    const a = createRedisRequestBudget({ redis, keyPrefix, limits: { graphql: 50 } });
    const b = createRedisRequestBudget({ redis: other, keyPrefix, limits: { graphql: 50 } });
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).take('graphql')),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(50);
    expect(decisions.filter((d) => !d.ok && d.reason === 'budget')).toHaveLength(150);
  });

  it('a 429 pause set by one replica holds for the other', async () => {
    const keyPrefix = prefix();
    const a = createRedisRequestBudget({ redis, keyPrefix });
    const b = createRedisRequestBudget({ redis: other, keyPrefix });
    await a.pause('graphql', 30);
    expect(await b.take('graphql')).toMatchObject({ ok: false, reason: 'paused' });
    expect(await b.take('rest')).toEqual({ ok: true });
  });

  it('with Redis unreachable it decides from local state, logs the outage once, and never throws', async () => {
    const deadLogs: Record<string, unknown>[] = [];
    const dead = createRedisConnection(`redis://127.0.0.1:${await freePort()}`, (entry) =>
      deadLogs.push(entry),
    );
    try {
      const budget = createRedisRequestBudget({ redis: dead, limits: { graphql: 2 } });
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await budget.take('graphql'));
      expect(decisions.map((d) => d.ok)).toEqual([true, true, false, false]);
      await budget.pause('rest', 5);
      expect(await budget.take('rest')).toMatchObject({ ok: false, reason: 'paused' });
      expect(deadLogs.filter((l) => String(l.msg).startsWith('redis unavailable'))).toHaveLength(1);
    } finally {
      dead.close();
    }
  });

  it('after Redis is killed and restarted, replicas share one budget again', async () => {
    const keyPrefix = prefix();
    const a = createRedisRequestBudget({ redis, keyPrefix, limits: { rest: 3 } });
    const b = createRedisRequestBudget({ redis: other, keyPrefix, limits: { rest: 3 } });
    await server.kill();
    // Each replica alone while Redis is gone.
    expect((await a.take('rest')).ok).toBe(true);
    expect(logs.some((l) => String(l.msg).startsWith('redis unavailable'))).toBe(true);
    await server.restart();
    expect(await redis.ready(5_000)).toBe(true);
    expect(await other.ready(5_000)).toBe(true);
    const shared = [await a.take('rest'), await b.take('rest'), await a.take('rest'), await b.take('rest')];
    // The restarted Redis is empty (no persistence): three more through together, not three each.
    expect(shared.map((d) => d.ok)).toEqual([true, true, true, false]);
    expect(logs.some((l) => String(l.msg).startsWith('redis reachable again'))).toBe(true);
  });
});
