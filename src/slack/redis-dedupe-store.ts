import { createMemoryDedupeStore, type DedupeStore } from './dedupe.js';

/** What the store needs from a Redis client (declared here: the Slack adapter imports no client library). */
export interface DedupeRedis {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisDedupeStoreOptions {
  redis: DedupeRedis;
  /** Default `access-why:`. */
  keyPrefix?: string;
  /** Default 15 minutes: Slack retries at once, after 1 minute and after 5 minutes. */
  ttlSeconds?: number;
  /** This replica's own memory; default an in-memory store with the same TTL. */
  local?: DedupeStore;
}

/**
 * De-duplication shared by every replica: the first `SET key 1 NX EX ttl` wins, so a Slack retry
 * that lands on another replica gets no second reply. Every key is also claimed in this replica's
 * memory, which answers alone while Redis fails, and still catches a retry to this replica when a
 * restarted Redis has forgotten the first delivery.
 */
export function createRedisDedupeStore(options: RedisDedupeStoreOptions): DedupeStore {
  const { redis } = options;
  const prefix = `${options.keyPrefix ?? 'access-why:'}dedupe:`;
  const ttlSeconds = options.ttlSeconds ?? 15 * 60;
  const local = options.local ?? createMemoryDedupeStore({ ttlMs: ttlSeconds * 1000 });
  return {
    async claim(key) {
      const fresh = await local.claim(key);
      try {
        // https://redis.io/docs/latest/commands/set/ — NX: only if absent; reply OK, or nil when it was there.
        const reply = await redis.call('SET', prefix + key, '1', 'NX', 'EX', ttlSeconds);
        return fresh && reply === 'OK';
      } catch {
        // Redis unreachable: the composition root logged it once; this replica decides alone.
        return fresh;
      }
    },
    async release(key) {
      await local.release(key);
      // A failed DEL leaves the claim to expire with its TTL: one retry refused, never a duplicate.
      await redis.call('DEL', prefix + key).catch(() => undefined);
    },
  };
}
