import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/redis-connection.js';
import { createRedisDedupeStore } from '../../src/slack/redis-dedupe-store.js';
import {
  freePort,
  REDIS_SERVER_INSTALLED,
  type RedisPair,
  type RedisServer,
  startRedisPair,
} from '../helpers/redis-server.js';

const suite = REDIS_SERVER_INSTALLED ? describe : describe.skip;
const title = REDIS_SERVER_INSTALLED
  ? 'Redis de-duplication store against a real redis-server'
  : 'Redis de-duplication store — SKIPPED: redis-server is not installed';

let server: RedisServer;
let a: RedisConnection;
let b: RedisConnection;

suite(title, () => {
  let pair: RedisPair | undefined;
  beforeAll(async () => {
    pair = await startRedisPair();
    ({ server, a, b } = pair);
  });
  afterAll(() => pair?.close());

  it('claims a key once across replicas, with a TTL', async () => {
    const one = createRedisDedupeStore({ redis: a, keyPrefix: 'dd1:' });
    const two = createRedisDedupeStore({ redis: b, keyPrefix: 'dd1:' });
    expect(await one.claim('event:Ev1')).toBe(true);
    expect(await two.claim('event:Ev1')).toBe(false);
    expect(await one.claim('event:Ev1')).toBe(false);
    expect(await two.claim('message:C1:1.2')).toBe(true);
    const ttl = await a.call('TTL', 'dd1:dedupe:event:Ev1');
    expect(ttl).toBeGreaterThan(800);
    expect(ttl).toBeLessThanOrEqual(900);
  });

  it('a released claim can be claimed again, on any replica', async () => {
    const one = createRedisDedupeStore({ redis: a, keyPrefix: 'dd3:' });
    const two = createRedisDedupeStore({ redis: b, keyPrefix: 'dd3:' });
    expect(await one.claim('ask_helpdesk:U1:r')).toBe(true);
    await one.release('ask_helpdesk:U1:r');
    expect(await two.claim('ask_helpdesk:U1:r')).toBe(true);
    expect(await one.claim('ask_helpdesk:U1:r')).toBe(false);
  });

  it('only one of many concurrent claims of one key wins', async () => {
    const stores = [a, b].map((redis) => createRedisDedupeStore({ redis, keyPrefix: 'dd2:' }));
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]?.claim('request:v0=abc')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('answers from local memory while Redis is unreachable, and a restarted (empty) Redis does not make this replica answer twice', async () => {
    const store = createRedisDedupeStore({ redis: a, keyPrefix: 'dd3:' });
    expect(await store.claim('event:EvBefore')).toBe(true);
    await server.kill();
    expect(await store.claim('event:EvDuring')).toBe(true);
    expect(await store.claim('event:EvDuring')).toBe(false);
    await server.restart();
    expect(await a.ready(5_000)).toBe(true);
    expect(await store.claim('event:EvBefore')).toBe(false);
    expect(await store.claim('event:EvAfter')).toBe(true);
  });

  it('never throws when Redis was never there', async () => {
    const dead = createRedisConnection(`redis://127.0.0.1:${await freePort()}`, () => undefined);
    try {
      const store = createRedisDedupeStore({ redis: dead });
      expect(await store.claim('event:X')).toBe(true);
      expect(await store.claim('event:X')).toBe(false);
    } finally {
      dead.close();
    }
  });
});
