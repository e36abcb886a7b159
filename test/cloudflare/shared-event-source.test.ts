import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCachingEventSource } from '../../src/cloudflare/caching-event-source.js';
import { createSharedEventSource } from '../../src/cloudflare/shared-event-source.js';
import type { AccessLoginEvent } from '../../src/core/access-event.js';
import type { AccessEventSource, EventLookup, SearchedRange } from '../../src/core/ports.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis-connection.js';
import { freePort, REDIS_SERVER_INSTALLED, type RedisPair, startRedisPair } from '../helpers/redis-server.js';

const suite = REDIS_SERVER_INSTALLED ? describe : describe.skip;
const title = REDIS_SERVER_INSTALLED
  ? 'found rows and in-flight lookups shared through a real redis-server'
  : 'shared event source — SKIPPED: redis-server is not installed';

const searched: SearchedRange = {
  oldest: new Date('2026-01-01T00:00:00Z'),
  newest: new Date('2026-01-02T00:00:00Z'),
  windows: 1,
  limitedBy: 'retention',
  oldestReachable: new Date('2025-12-01T00:00:00Z'),
};
const event = (rayId: string): AccessLoginEvent => ({
  rayId,
  datetime: '2026-01-01T12:00:00Z',
  appId: 'app-1',
  userUuid: 'user-1',
  identityProvider: 'idp-1',
  country: 'NL',
  ipAddress: '198.51.100.7',
  deviceId: '',
  isSuccessfulLogin: false,
  hasExistingJwt: false,
  hasWarpEnabled: false,
  hasGatewayEnabled: false,
  mtlsStatus: 'NONE',
  mtlsCommonName: '',
  mtlsCertSerialId: '',
  serviceTokenId: '',
  approvingPolicyId: '',
  unavailableFields: ['deviceId'],
});

/** Answers after `delayMs`: rays starting with "f" are found, others not; counts every call. */
function countingSource(delayMs = 60, failFirst = false) {
  const calls: string[][] = [];
  let failed = !failFirst;
  const source: AccessEventSource = {
    async findByRayIds(rayIds) {
      calls.push([...rayIds]);
      await new Promise((r) => setTimeout(r, delayMs));
      if (!failed) {
        failed = true;
        throw new Error('upstream down');
      }
      return new Map<string, EventLookup>(
        rayIds.map((id) => [
          id,
          id.startsWith('f')
            ? { kind: 'found', event: event(id), searched }
            : { kind: 'not_found', searched },
        ]),
      );
    },
  };
  return { source, calls };
}

const options = { now: new Date('2026-01-02T00:00:00Z') };
let a: RedisConnection;
let b: RedisConnection;
let prefixes = 0;
const prefix = () => `rows-${++prefixes}:`;

suite(title, () => {
  let pair: RedisPair | undefined;
  beforeAll(async () => {
    pair = await startRedisPair();
    ({ a, b } = pair);
  });
  afterAll(() => pair?.close());

  it('two replicas looking up one Ray ID at once send one upstream query and both get the row', async () => {
    const keyPrefix = prefix();
    const upstream = countingSource();
    const one = createSharedEventSource(upstream.source, { redis: a, keyPrefix });
    const two = createSharedEventSource(upstream.source, { redis: b, keyPrefix });
    const [x, y] = await Promise.all([
      one.findByRayIds(['f00d0001', 'f00d0002'], options),
      two.findByRayIds(['f00d0002', 'f00d0001'], options),
    ]);
    expect(upstream.calls.flat().sort()).toEqual(['f00d0001', 'f00d0002']);
    for (const lookups of [x, y]) {
      expect(lookups.get('f00d0001')).toEqual({ kind: 'found', event: event('f00d0001'), searched });
      expect(lookups.get('f00d0002')?.kind).toBe('found');
    }
    // A third replica, with an empty cache of its own, is answered from Redis.
    const three = createCachingEventSource(createSharedEventSource(upstream.source, { redis: b, keyPrefix }));
    expect((await three.findByRayIds(['f00d0001'], options)).get('f00d0001')?.kind).toBe('found');
    expect(upstream.calls).toHaveLength(1);
  });

  it('shares a miss briefly, per search bucket', async () => {
    const keyPrefix = prefix();
    const upstream = countingSource(5);
    const one = createSharedEventSource(upstream.source, { redis: a, keyPrefix });
    const two = createSharedEventSource(upstream.source, { redis: b, keyPrefix });
    expect((await one.findByRayIds(['00000001'], options)).get('00000001')?.kind).toBe('not_found');
    expect((await two.findByRayIds(['00000001'], options)).get('00000001')?.kind).toBe('not_found');
    expect(upstream.calls).toHaveLength(1);
    await two.findByRayIds(['00000001'], { ...options, searchToRetention: true });
    expect(upstream.calls).toHaveLength(2);
  });

  it('when the replica holding the claim fails, the waiting one asks itself instead of waiting out the claim', async () => {
    const keyPrefix = prefix();
    const upstream = countingSource(40, true);
    const one = createSharedEventSource(upstream.source, { redis: a, keyPrefix });
    const two = createSharedEventSource(upstream.source, { redis: b, keyPrefix, lockTtlMs: 10_000 });
    const started = Date.now();
    const [x, y] = await Promise.allSettled([
      one.findByRayIds(['f00d0003'], options),
      two.findByRayIds(['f00d0003'], options),
    ]);
    // Whichever claimed first got the failure; the other asked again and got the row.
    const settled = [x, y];
    expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(settled.map((r) => r.status === 'fulfilled' && r.value.get('f00d0003')?.kind)).toContain('found');
    expect(upstream.calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('asks upstream directly when Redis is unreachable', async () => {
    const dead = createRedisConnection(`redis://127.0.0.1:${await freePort()}`, () => undefined);
    try {
      const upstream = countingSource(1);
      const source = createSharedEventSource(upstream.source, { redis: dead });
      expect((await source.findByRayIds(['f00d0004'], options)).get('f00d0004')?.kind).toBe('found');
      expect(upstream.calls).toEqual([['f00d0004']]);
    } finally {
      dead.close();
    }
  });

  it('treats a stored value it cannot read as absent', async () => {
    const keyPrefix = prefix();
    await a.call('SET', `${keyPrefix}row:f00d0005`, '{"kind":"found","event":{"rayId":1}}');
    const upstream = countingSource(1);
    const source = createSharedEventSource(upstream.source, { redis: a, keyPrefix });
    expect((await source.findByRayIds(['f00d0005'], options)).get('f00d0005')?.kind).toBe('found');
    expect(upstream.calls).toHaveLength(1);
  });
});
