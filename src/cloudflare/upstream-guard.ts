import { setTimeout as sleepFor } from 'node:timers/promises';
import { LookupError } from '../core/errors.js';
import type { Clock } from './loading-cache.js';
import {
  BUDGET_WINDOW_MS,
  type BudgetDecision,
  type BudgetSpender,
  type CloudflareApi,
  createMemoryRequestBudget,
  type RequestBudget,
} from './request-budget.js';

/** A whole lookup (every window, the enrichment, the identity-log search) ends within this. */
export const DEFAULT_LOOKUP_DEADLINE_MS = 20_000;
/** Retries after a 5xx or a network error; the first try is not counted. */
export const DEFAULT_RETRIES = 2;
/** Back-off before retry n (0-based) is uniform in [0, base × 2^n): "full jitter". */
export const DEFAULT_RETRY_BASE_MS = 200;
/** Cloudflare says "try again after 5 minutes" and blocks REST for five minutes: wait that out. */
export const DEFAULT_PAUSE_SECONDS = 300;
/** A Retry-After beyond this is not trusted to its word: the bot re-tries after an hour at most. */
const MAX_PAUSE_SECONDS = 3600;

const API_NAMES: Record<CloudflareApi, string> = { graphql: 'GraphQL Analytics API', rest: 'REST API' };

export interface UpstreamGuardOptions {
  /** Admission shared by every request. Default: in memory, Cloudflare's documented limits. */
  budget?: RequestBudget;
  /** Default 20 000 ms. */
  lookupDeadlineMs?: number;
  /** Default 2. */
  retries?: number;
  /** Default 200 ms. */
  retryBaseMs?: number;
  /** Used for the deadline and back-off arithmetic (and the default budget). Default `Date.now`. */
  clock?: Clock;
  /** Waits between tries; resolves early or rejects when `signal` aborts. Tests pass a fake. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); default `Math.random`. */
  random?: () => number;
}

/**
 * The deadline of one lookup (or of one keep-warm round, one configuration check), as a value the
 * callers pass down to every function that calls `guard.call`. It is explicit rather than kept in an
 * AsyncLocalStorage: on Node 20 a used AsyncLocalStorage turns on V8 promise hooks for the whole
 * process, and every promise of Bolt's ack path then pays for them (about 8–10 % on a burst of acks).
 * Only the guard reads it; everything else passes it on. Make one with `guard.newScope()`.
 */
export interface CallScope {
  /** Clock time after which no call starts and no back-off is waited. */
  readonly expiresAt: number;
  /** Aborts whatever is in flight when the deadline passes (a real timer, also under a fake clock). */
  readonly signal: AbortSignal;
  /** Whose budget share the calls spend; absent for the bot's own calls (warm-up, probe). */
  readonly spender?: BudgetSpender | undefined;
}

/**
 * Every Cloudflare call goes through one of these: it fails fast while Cloudflare has asked the bot to
 * pause or the client-side budget is spent, retries 5xx and network errors with jittered back-off, and
 * keeps the whole lookup within its deadline.
 */
export interface UpstreamGuard {
  /**
   * Runs one upstream request within `scope`'s deadline, spending its spender's budget share; with no
   * scope, the request gets a deadline of its own and spends the bot's own share. `attempt` gets the
   * deadline's abort signal and must throw the `LookupError` its answer maps to; only
   * `upstream_unavailable` (5xx, network errors, Cloudflare's "try again later") is retried. A
   * rate-limited answer pauses that API for its Retry-After.
   */
  call<T>(api: CloudflareApi, attempt: (signal: AbortSignal) => Promise<T>, scope?: CallScope): Promise<T>;
  /**
   * A new deadline starting now (one whole lookup, one keep-warm round); every call made with it
   * spends `spender`'s share of the budget (absent: the bot's own).
   */
  newScope(spender?: BudgetSpender): CallScope;
}

/** A refusal of one asker's share (their own, or the non-staff crowd's), not of the bot's budget. */
class ShareRefusal extends LookupError {}

/**
 * True for a refusal that only the spender's share caused (`user_share`, `staff_reserve`): the same
 * request under another asker's scope may go out. A shared request (a batch) tries its other askers.
 */
export function isShareRefusal(error: unknown): boolean {
  return error instanceof ShareRefusal;
}

function refused(api: CloudflareApi, decision: Exclude<BudgetDecision, { ok: true }>): LookupError {
  const wait = decision.retryAfterSeconds;
  if (decision.reason === 'paused') {
    return new LookupError('upstream_rate_limited', {
      safeMessage: `Cloudflare's ${API_NAMES[api]} rate limit was reached; the bot waits ${wait} s before asking again.`,
      detail: `${api}: paused after a 429 from Cloudflare, ${wait} s left; no request sent`,
      retryAfterSeconds: wait,
    });
  }
  const per = decision.limit === undefined ? '' : ` (${decision.limit} per ${BUDGET_WINDOW_MS / 60_000} min)`;
  if (decision.reason === 'user_share') {
    return new ShareRefusal('upstream_rate_limited', {
      safeMessage:
        `You have used your share of the bot's ${API_NAMES[api]} budget${per}, so that others can still ` +
        `ask; you can ask again in ${wait} s. Helpdesk staff can look it up now.`,
      detail: `${api}: the asker's share${per} spent, next slot in ${wait} s; no request sent`,
      retryAfterSeconds: wait,
    });
  }
  if (decision.reason === 'staff_reserve') {
    return new ShareRefusal('upstream_rate_limited', {
      safeMessage:
        `Many lookups ran in the last minutes; the rest of the bot's ${API_NAMES[api]} budget is kept for ` +
        `helpdesk staff. You can ask again in ${wait} s, or ask the helpdesk.`,
      detail: `${api}: non-staff share${per} spent, next slot in ${wait} s; no request sent`,
      retryAfterSeconds: wait,
    });
  }
  return new LookupError('upstream_rate_limited', {
    safeMessage:
      `The bot has used its own ${API_NAMES[api]} budget${per}, which keeps Cloudflare from blocking the ` +
      `account; a request is free again in ${wait} s.`,
    detail: `${api}: client-side budget${per} spent, next slot in ${wait} s; no request sent`,
    retryAfterSeconds: wait,
  });
}

function deadlinePassed(api: CloudflareApi, deadlineMs: number): LookupError {
  return new LookupError('upstream_timeout', {
    safeMessage: `Cloudflare did not answer within the lookup's ${Math.round(deadlineMs / 100) / 10} s deadline.`,
    detail: `${api}: lookup deadline of ${deadlineMs} ms passed`,
  });
}

/**
 * Builds the guard. One per process: the budget and the pause only protect the account if every
 * Cloudflare call of the bot (both pools, the probe) goes through the same one.
 */
export function createUpstreamGuard(options: UpstreamGuardOptions = {}): UpstreamGuard {
  const clock = options.clock ?? Date.now;
  const budget = options.budget ?? createMemoryRequestBudget({ clock });
  const deadlineMs = options.lookupDeadlineMs ?? DEFAULT_LOOKUP_DEADLINE_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
  const random = options.random ?? Math.random;
  // A referenced timer: a CLI run waiting out a back-off must not let the process exit under it.
  const sleep = options.sleep ?? ((ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const newScope = (spender?: BudgetSpender): CallScope => ({
    expiresAt: clock() + deadlineMs,
    signal: AbortSignal.timeout(deadlineMs),
    ...(spender === undefined ? {} : { spender }),
  });
  const expired = (deadline: CallScope) => deadline.signal.aborted || clock() >= deadline.expiresAt;

  async function run<T>(
    api: CloudflareApi,
    attempt: (signal: AbortSignal) => Promise<T>,
    scope?: CallScope,
  ): Promise<T> {
    const deadline = scope ?? newScope();
    for (let retry = 0; ; retry++) {
      if (expired(deadline)) throw deadlinePassed(api, deadlineMs);
      const decision = await budget.take(api, deadline.spender);
      if (!decision.ok) throw refused(api, decision);
      let failure: unknown;
      try {
        return await attempt(deadline.signal);
      } catch (error) {
        failure = error;
      }
      if (!(failure instanceof LookupError)) throw failure;
      if (failure.code === 'upstream_timeout' && deadline.signal.aborted)
        throw deadlinePassed(api, deadlineMs);
      if (failure.code === 'upstream_rate_limited') {
        const seconds = Math.min(failure.retryAfterSeconds ?? DEFAULT_PAUSE_SECONDS, MAX_PAUSE_SECONDS);
        await budget.pause(api, seconds);
        throw failure;
      }
      if (failure.code !== 'upstream_unavailable' || retry >= retries) throw failure;
      const backoffMs = Math.floor(random() * retryBaseMs * 2 ** retry);
      // A retry that could only start after the deadline is not worth its budget slot.
      if (clock() + backoffMs >= deadline.expiresAt) throw failure;
      await sleep(backoffMs, deadline.signal).catch(() => undefined);
    }
  }

  return { call: run, newScope };
}
