import { LRUCache } from 'lru-cache';

/**
 * Remembers what was already answered so Slack's re-deliveries get no second reply. One replica keeps
 * it in memory; replicas behind a load balancer need a shared implementation (e.g. Redis SET NX EX).
 */
export interface DedupeStore {
  /** True the first time a key is seen within the TTL, false for every repeat. */
  claim(key: string): Promise<boolean>;
  /** Forgets a claim whose work failed, so the next attempt may do it (e.g. a post Slack refused). */
  release(key: string): Promise<void>;
}

/** In-memory store: bounded, keys expire after `ttlMs` (default 15 minutes, above Slack's retry span). */
export function createMemoryDedupeStore(options: { ttlMs?: number; max?: number } = {}): DedupeStore {
  const seen = new LRUCache<string, true>({ max: options.max ?? 50_000, ttl: options.ttlMs ?? 15 * 60_000 });
  // lru-cache allocates its TTL tables on the first `set` (~1.5 ms at 50 000 entries): now, rather
  // than in front of the first Slack request's ack.
  seen.set('', true);
  seen.delete('');
  return {
    async claim(key) {
      if (seen.has(key)) return false;
      seen.set(key, true);
      return true;
    },
    async release(key) {
      seen.delete(key);
    },
  };
}
