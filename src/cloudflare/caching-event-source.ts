import type { EventLookup } from '../core/ports.js';
import { searchBucket } from './batching-event-source.js';
import { type Clock, createLoadingCache } from './loading-cache.js';
import type { ScopedEventSource } from './scoped-ports.js';

export interface EventCacheOptions {
  /** How long a found row is kept. A logged request never changes, so this is long. Default 24 h. */
  foundTtlMs?: number;
  /** How long "not found" is believed: the row may just not be ingested yet. Default 30 s. */
  notFoundTtlMs?: number;
  /** Most Ray IDs remembered per kind. Default 10 000. */
  max?: number;
  clock?: Clock;
}

/**
 * Answers Ray IDs it has seen without asking upstream: found rows for a long time, misses briefly.
 * A Ray ID already being looked up joins that lookup instead of starting another; the rest go
 * upstream together in one call.
 */
export function createCachingEventSource(
  inner: ScopedEventSource,
  options: EventCacheOptions = {},
): ScopedEventSource {
  const max = options.max ?? 10_000;
  const clock = options.clock ?? Date.now;
  const found = createLoadingCache<EventLookup>({
    max,
    ttlMs: options.foundTtlMs ?? 24 * 60 * 60_000,
    clock,
  });
  // A miss depends on where the search started, so it is remembered per search bucket.
  const notFound = createLoadingCache<EventLookup>({ max, ttlMs: options.notFoundTtlMs ?? 30_000, clock });
  const inflight = new Map<string, Promise<EventLookup | undefined>>();

  return {
    async findByRayIds(rayIds, findOptions, scope) {
      const bucket = searchBucket(findOptions);
      const answers = new Map<string, EventLookup>();
      const waits: Promise<void>[] = [];
      const missing: string[] = [];
      for (const rayId of new Set(rayIds)) {
        const key = `${bucket}|${rayId}`;
        const cached = found.peek(rayId) ?? notFound.peek(key);
        const running = inflight.get(key);
        if (cached) answers.set(rayId, cached);
        else if (running) waits.push(running.then((lookup) => void (lookup && answers.set(rayId, lookup))));
        else missing.push(rayId);
      }

      if (missing.length > 0) {
        // A Ray ID another lookup is already asking for is waited for under that lookup's deadline.
        const upstream = inner.findByRayIds(missing, findOptions, scope);
        for (const rayId of missing) {
          const key = `${bucket}|${rayId}`;
          const one = upstream.then((lookups) => {
            const lookup = lookups.get(rayId);
            if (lookup?.kind === 'found') found.set(rayId, lookup);
            else if (lookup) notFound.set(key, lookup);
            return lookup;
          });
          inflight.set(key, one);
          const forget = () => {
            if (inflight.get(key) === one) inflight.delete(key);
          };
          one.then(forget, forget);
          waits.push(one.then((lookup) => void (lookup && answers.set(rayId, lookup))));
        }
      }

      await Promise.all(waits);
      // Same order as asked, whatever order the answers came in.
      const results = new Map<string, EventLookup>();
      for (const rayId of rayIds) {
        const lookup = answers.get(rayId);
        if (lookup) results.set(rayId, lookup);
      }
      return results;
    },
  };
}
