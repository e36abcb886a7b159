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

/** Whose share a request spends: a Slack user, staff or not. Calls without one are the bot's own. */
export interface BudgetSpender {
  id: string;
  staff: boolean;
}

/** Whether one more request may go out now; if not, `retryAfterSeconds` says when one may. */
export type BudgetDecision =
  | { ok: true }
  | {
      ok: false;
      retryAfterSeconds: number;
      /**
       * `budget`: the bot's own allowance is spent; `paused`: Cloudflare answered 429 a moment ago;
       * `user_share`: this (non-staff) user spent their share; `staff_reserve`: what is left is kept
       * for helpdesk staff and the bot's own calls.
       */
      reason: 'budget' | 'paused' | 'user_share' | 'staff_reserve';
      /** The allowance per window that was reached, for messages (not for `paused`). */
      limit?: number;
    };

/**
 * Admission control for Cloudflare calls, shared by every request of the process (lookups,
 * enrichment, warm-up, keep-warm, the configuration probe). In memory by default; for several
 * replicas a shared store can implement it (Redis: a sorted set of timestamps per API trimmed to the
 * window, and a key with a TTL for the pause), which is why both methods may return a promise.
 */
export interface RequestBudget {
  /** Claims one request to `api` now for `spender`, or refuses at once with the time until one is free. */
  take(api: CloudflareApi, spender?: BudgetSpender): BudgetDecision | Promise<BudgetDecision>;
  /** Cloudflare answered 429: refuse every `take(api)` for `seconds`. */
  pause(api: CloudflareApi, seconds: number): void | Promise<void>;
}

/** The in-memory budget answers at once. */
export interface MemoryRequestBudget extends RequestBudget {
  take(api: CloudflareApi, spender?: BudgetSpender): BudgetDecision;
  pause(api: CloudflareApi, seconds: number): void;
}

/** How one budget is divided so that no single user, and no crowd of non-staff users, can spend it all. */
export interface BudgetShares {
  /** Percent of each API's budget one non-staff user may spend per window (default 10). */
  userPercent: number;
  /** Percent of each API's budget that only staff and the bot's own calls may spend (default 20). */
  staffReservePercent: number;
}

export const DEFAULT_SHARES: BudgetShares = { userPercent: 10, staffReservePercent: 20 };

/** One API's three allowances per window: the whole budget, one non-staff user's, all non-staff users'. */
export interface Allowances {
  all: number;
  user: number;
  crowd: number;
}

/** How `limit` divides under `shares`; every allowance is at least one request. */
export function allowancesOf(limit: number, shares: BudgetShares): Allowances {
  return {
    all: limit,
    user: Math.max(1, Math.floor((limit * shares.userPercent) / 100)),
    crowd: Math.max(1, Math.floor((limit * (100 - shares.staffReservePercent)) / 100)),
  };
}

export interface MemoryRequestBudgetOptions {
  /** Requests allowed per API per window. Default `DEFAULT_BUDGETS`. */
  limits?: Partial<Record<CloudflareApi, number>>;
  /** Default `DEFAULT_SHARES`. */
  shares?: Partial<BudgetShares>;
  /** Default five minutes. */
  windowMs?: number;
  clock?: Clock;
}

/** Timestamps of the requests still inside the window, oldest first (a queue that compacts itself). */
class SlidingLog {
  private times: number[] = [];
  private head = 0;

  /** Requests in the window ending at `now`. */
  count(now: number, windowMs: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - windowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** When the oldest request in the window leaves it (call after `count`). */
  nextFree(now: number, windowMs: number): number {
    return (this.times[this.head] ?? now) + windowMs;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

/**
 * A sliding-window log per API: never more than `limit` requests in any window, wherever the window
 * starts. A token bucket of the same size would let up to twice the limit through in five minutes
 * (a full bucket, then the refill), which is exactly the burst that gets an account blocked. Inside
 * it, each non-staff user has a log of their own (their share) and all non-staff users together one
 * more (everything but the staff reserve), so one user's burst can never lock the helpdesk out.
 */
export function createMemoryRequestBudget(options: MemoryRequestBudgetOptions = {}): MemoryRequestBudget {
  const clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? BUDGET_WINDOW_MS;
  const limits: Record<CloudflareApi, number> = { ...DEFAULT_BUDGETS, ...options.limits };
  const shares: BudgetShares = { ...DEFAULT_SHARES, ...options.shares };
  const userLimit = (api: CloudflareApi) => allowancesOf(limits[api], shares).user;
  const crowdLimit = (api: CloudflareApi) => allowancesOf(limits[api], shares).crowd;
  const state = Object.fromEntries(
    CLOUDFLARE_APIS.map((api) => [
      api,
      {
        all: new SlidingLog(),
        crowd: new SlidingLog(),
        users: new Map<string, SlidingLog>(),
        pausedUntil: 0,
      },
    ]),
  ) as Record<
    CloudflareApi,
    { all: SlidingLog; crowd: SlidingLog; users: Map<string, SlidingLog>; pausedUntil: number }
  >;
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    take(api, spender) {
      const s = state[api];
      const now = clock();
      if (now < s.pausedUntil) {
        return { ok: false, reason: 'paused', retryAfterSeconds: seconds(s.pausedUntil - now) };
      }
      const full = (log: SlidingLog, limit: number, reason: 'budget' | 'user_share' | 'staff_reserve') =>
        log.count(now, windowMs) >= limit
          ? ({
              ok: false,
              reason,
              limit,
              retryAfterSeconds: seconds(log.nextFree(now, windowMs) - now),
            } as const)
          : undefined;
      const limited = spender !== undefined && !spender.staff;
      let user: SlidingLog | undefined;
      if (limited) {
        user = s.users.get(spender.id);
        if (!user) {
          // Forget users whose window emptied, so the map stays as small as the set of recent askers.
          if (s.users.size >= 10_000)
            for (const [id, log] of s.users) if (log.count(now, windowMs) === 0) s.users.delete(id);
          user = new SlidingLog();
          s.users.set(spender.id, user);
        }
        const refused =
          full(user, userLimit(api), 'user_share') ?? full(s.crowd, crowdLimit(api), 'staff_reserve');
        if (refused) return refused;
      }
      const refused = full(s.all, limits[api], 'budget');
      if (refused) return refused;
      s.all.add(now);
      if (limited) {
        s.crowd.add(now);
        user?.add(now);
      }
      return { ok: true };
    },
    pause(api, pauseSeconds) {
      const s = state[api];
      s.pausedUntil = Math.max(s.pausedUntil, clock() + Math.max(0, pauseSeconds) * 1000);
    },
  };
}
