import { LRUCache } from 'lru-cache';

/** Milliseconds since some fixed point; `Date.now` in production, a counter in tests. */
export type Clock = () => number;

export interface LoadingCacheOptions<V> {
  /** Most entries kept; the least recently used go first. */
  max: number;
  /** How long a loaded value may be served at all; a number, or per value (a found row vs a miss). */
  ttlMs: number | ((value: V) => number);
  /**
   * Age after which a read still answers from the cache at once but reloads the value in the
   * background (refresh-ahead / stale-while-revalidate). Default: never, the value just expires.
   */
  refreshAfterMs?: number;
  /** Failures worth remembering because retrying soon cannot help (a missing permission, a 404). */
  rememberFailure?: (error: unknown) => boolean;
  /** How long a remembered failure is replayed without asking upstream again. */
  failureTtlMs?: number;
  clock?: Clock;
}

export interface LoadingCache<V> {
  /**
   * The cached value, or `load()`'s. Concurrent reads of a missing key share one `load()`; a
   * failed load is not cached unless `rememberFailure` says so.
   */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** A usable cached value, without loading or refreshing anything. */
  peek(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
}

type Entry<V> = ({ ok: true; value: V; refreshAt: number } | { ok: false; error: unknown }) & {
  expiresAt: number;
};

/** A bounded LRU of values with TTLs, in-flight sharing, refresh-ahead and an injectable clock. */
export function createLoadingCache<V>(options: LoadingCacheOptions<V>): LoadingCache<V> {
  const clock = options.clock ?? Date.now;
  // lru-cache bounds the entries and drops expired ones; expiry is also checked here because its own
  // check is `age > ttl` and ignores entries stored at time 0, which an injected clock can produce.
  const lru = new LRUCache<string, Entry<V>>({
    max: options.max,
    // TTLs are given per entry; 0 here only means "no default".
    ttl: 0,
    // lru-cache caches `now` for ttlResolution ms with a timer; an injected clock must be read every time.
    ttlResolution: 0,
    perf: { now: clock },
  });
  const read = (key: string): Entry<V> | undefined => {
    const entry = lru.get(key);
    if (entry && clock() >= entry.expiresAt) {
      lru.delete(key);
      return undefined;
    }
    return entry;
  };
  const inflight = new Map<string, Promise<V>>();
  const ttlOf = (value: V) => (typeof options.ttlMs === 'function' ? options.ttlMs(value) : options.ttlMs);

  function store(key: string, value: V): void {
    const ttl = ttlOf(value);
    if (ttl <= 0) {
      lru.delete(key);
      return;
    }
    const now = clock();
    const refreshAfter = Math.min(options.refreshAfterMs ?? ttl, ttl);
    lru.set(key, { ok: true, value, refreshAt: now + refreshAfter, expiresAt: now + ttl }, { ttl });
  }

  function start(key: string, load: () => Promise<V>): Promise<V> {
    const running = inflight.get(key);
    if (running) return running;
    const promise = load().then(
      (value) => {
        store(key, value);
        return value;
      },
      (error: unknown) => {
        const ttl = options.failureTtlMs ?? 0;
        if (ttl > 0 && options.rememberFailure?.(error)) {
          lru.set(key, { ok: false, error, expiresAt: clock() + ttl }, { ttl });
        }
        throw error;
      },
    );
    inflight.set(key, promise);
    // Not `finally`: that would hand an unobserved rejection to a second promise.
    const forget = () => {
      if (inflight.get(key) === promise) inflight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  return {
    get(key, load) {
      const entry = read(key);
      if (!entry) return start(key, load);
      if (!entry.ok) return Promise.reject(entry.error);
      if (clock() >= entry.refreshAt && !inflight.has(key)) {
        // Answer with what we have; a failed refresh keeps the old value until its TTL ends.
        start(key, load).catch(() => undefined);
      }
      return Promise.resolve(entry.value);
    },
    peek(key) {
      const entry = read(key);
      return entry?.ok ? entry.value : undefined;
    },
    set: store,
    get size() {
      return lru.size;
    },
  };
}
