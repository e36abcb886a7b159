import type { Clock } from './loading-cache.js';

/** The two Cloudflare APIs the bot calls; each has its own rate limit. */
export type CloudflareApi = 'graphql' | 'rest';

export const CLOUDFLARE_APIS: readonly CloudflareApi[] = ['graphql', 'rest'];

/** Cloudflare counts both limits over five minutes (notes/cloudflare-api.md §5–6). */
export const BUDGET_WINDOW_MS = 5 * 60_000;

/**
 * Cloudflare's documented per-user limits: GraphQL 300 queries and REST 1200 requests per five
 * minutes. Past the REST one, every call of that user is refused for five minutes.
 */
export const DEFAULT_BUDGETS: Readonly<Record<CloudflareApi, number>> = { graphql: 300, rest: 1200 };

/** Whether one more request may go out now; if not, `retryAfterSeconds` says when one may. */
export type BudgetDecision =
  | { ok: true }
  | {
      ok: false;
      retryAfterSeconds: number;
      /** `budget`: the bot's own allowance is spent; `paused`: Cloudflare answered 429 a moment ago. */
      reason: 'budget' | 'paused';
      /** The allowance per window, for messages (budget only). */
      limit?: number;
    };

/**
 * Admission control for Cloudflare calls, shared by every request of the process (lookups,
 * enrichment, warm-up, keep-warm, the configuration probe). In memory by default; for several
 * replicas a shared store can implement it (Redis: a sorted set of timestamps per API trimmed to the
 * window, and a key with a TTL for the pause), which is why both methods may return a promise.
 */
export interface RequestBudget {
  /** Claims one request to `api` now, or refuses at once with the time until one is free. */
  take(api: CloudflareApi): BudgetDecision | Promise<BudgetDecision>;
  /** Cloudflare answered 429: refuse every `take(api)` for `seconds`. */
  pause(api: CloudflareApi, seconds: number): void | Promise<void>;
}

/** The in-memory budget answers at once. */
export interface MemoryRequestBudget extends RequestBudget {
  take(api: CloudflareApi): BudgetDecision;
  pause(api: CloudflareApi, seconds: number): void;
}

export interface MemoryRequestBudgetOptions {
  /** Requests allowed per API per window. Default `DEFAULT_BUDGETS`. */
  limits?: Partial<Record<CloudflareApi, number>>;
  /** Default five minutes. */
  windowMs?: number;
  clock?: Clock;
}

/** Timestamps of the requests still inside the window, oldest first (a queue that compacts itself). */
interface SlidingLog {
  times: number[];
  head: number;
  pausedUntil: number;
}

/**
 * A sliding-window log per API: never more than `limit` requests in any window, wherever the window
 * starts. A token bucket of the same size would let up to twice the limit through in five minutes
 * (a full bucket, then the refill), which is exactly the burst that gets an account blocked.
 */
export function createMemoryRequestBudget(options: MemoryRequestBudgetOptions = {}): MemoryRequestBudget {
  const clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? BUDGET_WINDOW_MS;
  const limits: Record<CloudflareApi, number> = { ...DEFAULT_BUDGETS, ...options.limits };
  const logs: Record<CloudflareApi, SlidingLog> = {
    graphql: { times: [], head: 0, pausedUntil: 0 },
    rest: { times: [], head: 0, pausedUntil: 0 },
  };
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    take(api) {
      const log = logs[api];
      const now = clock();
      if (now < log.pausedUntil) {
        return { ok: false, reason: 'paused', retryAfterSeconds: seconds(log.pausedUntil - now) };
      }
      while (log.head < log.times.length && (log.times[log.head] ?? 0) <= now - windowMs) log.head += 1;
      if (log.head > 1024 && log.head * 2 > log.times.length) {
        log.times = log.times.slice(log.head);
        log.head = 0;
      }
      const limit = limits[api];
      if (log.times.length - log.head >= limit) {
        // The oldest request in the window is the next to leave it.
        const oldest = log.times[log.head] ?? now;
        return { ok: false, reason: 'budget', limit, retryAfterSeconds: seconds(oldest + windowMs - now) };
      }
      log.times.push(now);
      return { ok: true };
    },
    pause(api, pauseSeconds) {
      const log = logs[api];
      log.pausedUntil = Math.max(log.pausedUntil, clock() + Math.max(0, pauseSeconds) * 1000);
    },
  };
}
