import { randomUUID } from 'node:crypto';
import type { Clock } from './loading-cache.js';
import { defineScript, type RedisCommands, runScript } from './redis-commands.js';
import {
  allowancesOf,
  BUDGET_WINDOW_MS,
  type BudgetDecision,
  type BudgetShares,
  type CloudflareApi,
  createMemoryRequestBudget,
  DEFAULT_BUDGETS,
  DEFAULT_SHARES,
  type MemoryRequestBudgetOptions,
  type RequestBudget,
} from './request-budget.js';

/**
 * The in-memory budget's sliding-window logs as sorted sets (score = time of the request), checked
 * and recorded in one script so replicas can never interleave between the check and the ZADD.
 * Same order as the in-memory version: pause, the user's share, the staff reserve, the whole budget;
 * a refusal records nothing. Times come from the caller's clock (ARGV), not Redis's TIME, so a
 * replica's decisions match the in-memory budget's under the same clock; replicas' clocks need only
 * agree to well within the five-minute window.
 *
 * KEYS: 1 pause, 2 all, 3 crowd, 4 user. ARGV: 1 now, 2 window, 3 all limit, 4 user limit,
 * 5 crowd limit, 6 "1" when the spender is a non-staff user, 7 a unique member for this request.
 * Returns {1} or {0, reason, retryAfterSeconds, limit}.
 */
const TAKE = defineScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local function seconds(ms)
  local s = math.ceil(ms / 1000)
  if s < 1 then return 1 end
  return s
end
local paused = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if now < paused then return {0, 'paused', seconds(paused - now), 0} end
local function full(key, limit, reason)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - window))
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local first = tonumber(oldest[2]) or now
    return {0, reason, seconds(first + window - now), limit}
  end
  return nil
end
local limited = ARGV[6] == '1'
if limited then
  local refused = full(KEYS[4], tonumber(ARGV[4]), 'user_share') or full(KEYS[3], tonumber(ARGV[5]), 'staff_reserve')
  if refused then return refused end
end
local refused = full(KEYS[2], tonumber(ARGV[3]), 'budget')
if refused then return refused end
local logs = limited and {KEYS[2], KEYS[3], KEYS[4]} or {KEYS[2]}
for _, key in ipairs(logs) do
  redis.call('ZADD', key, ARGV[1], ARGV[7])
  -- A log whose newest request left the window is empty: let Redis drop it.
  redis.call('PEXPIRE', key, ARGV[2])
end
return {1}
`);

/** KEYS: 1 pause. ARGV: 1 paused-until (ms), 2 TTL (ms). Only ever lengthens a pause. */
const PAUSE = defineScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`);

export interface RedisRequestBudgetOptions extends MemoryRequestBudgetOptions {
  redis: RedisCommands;
  /** Prefix of every key; replicas that share one budget use the same. Default `access-why:`. */
  keyPrefix?: string;
  /**
   * Answers while Redis cannot be reached (this replica alone then; default an in-memory budget with
   * the same limits). Pauses are recorded in it too, so a 429 is honoured across an outage.
   */
  fallback?: RequestBudget;
}

const REASONS = new Set(['budget', 'paused', 'user_share', 'staff_reserve']);

function toDecision(reply: unknown): BudgetDecision | undefined {
  if (!Array.isArray(reply)) return undefined;
  if (reply[0] === 1) return { ok: true };
  const [, reason, retryAfterSeconds, limit] = reply as unknown[];
  if (typeof reason !== 'string' || !REASONS.has(reason) || typeof retryAfterSeconds !== 'number') {
    return undefined;
  }
  return {
    ok: false,
    reason: reason as 'budget' | 'paused' | 'user_share' | 'staff_reserve',
    retryAfterSeconds,
    ...(reason === 'paused' || typeof limit !== 'number' ? {} : { limit }),
  };
}

/**
 * The request budget shared by every replica through Redis: together they stay inside one
 * Cloudflare allowance, with the same per-user shares and staff reserve as one process. When Redis
 * fails (down, slow, odd reply), the decision comes from `fallback` for that request.
 */
export function createRedisRequestBudget(options: RedisRequestBudgetOptions): RequestBudget {
  const { redis } = options;
  const clock: Clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? BUDGET_WINDOW_MS;
  const limits: Record<CloudflareApi, number> = { ...DEFAULT_BUDGETS, ...options.limits };
  const shares: BudgetShares = { ...DEFAULT_SHARES, ...options.shares };
  const prefix = options.keyPrefix ?? 'access-why:';
  const fallback = options.fallback ?? createMemoryRequestBudget(options);
  // One hash tag per API keeps its keys in one slot, as a script's keys must be on Redis Cluster.
  const key = (api: CloudflareApi, part: string) => `${prefix}{budget:${api}}:${part}`;
  // Slack user ids are [A-Z0-9]; anything else is encoded so it can never collide with another key.
  const userKey = (api: CloudflareApi, id: string) => key(api, `user:${encodeURIComponent(id)}`);

  return {
    async take(api, spender) {
      const allowances = allowancesOf(limits[api], shares);
      const limited = spender !== undefined && !spender.staff;
      try {
        const reply = await runScript(
          redis,
          TAKE,
          [key(api, 'pause'), key(api, 'all'), key(api, 'crowd'), userKey(api, limited ? spender.id : '-')],
          [
            clock(),
            windowMs,
            allowances.all,
            allowances.user,
            allowances.crowd,
            limited ? '1' : '0',
            randomUUID(),
          ],
        );
        const decision = toDecision(reply);
        if (decision) return decision;
      } catch {
        // Redis is unreachable or refused the script: the composition root has logged it once.
      }
      return fallback.take(api, spender);
    },
    async pause(api, seconds) {
      await fallback.pause(api, seconds);
      const ms = Math.max(0, seconds) * 1000;
      if (ms <= 0) return;
      await runScript(redis, PAUSE, [key(api, 'pause')], [clock() + ms, Math.ceil(ms)]).catch(
        () => undefined,
      );
    },
  };
}
