import type { DatasetSettings } from '../core/search-window.js';
import { createRestAccessDirectory, type DirectoryCacheOptions } from './access-directory.js';
import { createGraphqlEventSource } from './access-event-source.js';
import { createAuditLogReader } from './audit-log.js';
import { type BatchingOptions, createBatchingEventSource } from './batching-event-source.js';
import { createCachingEventSource, type EventCacheOptions } from './caching-event-source.js';
import { createCloudflareHttp } from './http.js';
import type { Clock } from './loading-cache.js';
import type { RedisCommands } from './redis-commands.js';
import { createRedisRequestBudget } from './redis-request-budget.js';
import {
  type BudgetSpender,
  type CloudflareApi,
  createMemoryRequestBudget,
  type RequestBudget,
} from './request-budget.js';
import { createRestClient } from './rest-client.js';
import { bindScope, type LookupPorts, type ScopedDirectory, type ScopedEventSource } from './scoped-ports.js';
import { createSharedEventSource } from './shared-event-source.js';
import {
  type CallScope,
  createUpstreamGuard,
  type UpstreamGuard,
  type UpstreamGuardOptions,
} from './upstream-guard.js';

// The one public surface of the adapter: entry points import nothing else from `cloudflare/`.
export { parsePolicyCase } from './access-schemas.js';
export { createConfigurationProbe } from './config-check.js';
export { createFailedLoginsByEmail } from './failed-logins-by-email.js';
export { createCloudflareHttp } from './http.js';
// The login query document, for scripts that drive the stand-in the way the bot does (bench).
export { ACCESS_LOGIN_BY_RAY_ID_QUERY } from './queries.js';
export { createRestClient } from './rest-client.js';

export type {
  BatchingOptions,
  CallScope,
  Clock,
  CloudflareApi,
  DirectoryCacheOptions,
  EventCacheOptions,
  LookupPorts,
  RedisCommands,
  RequestBudget,
  UpstreamGuard,
  UpstreamGuardOptions,
};

/** Cache and batching knobs; every default suits production, tests shorten them or inject a clock. */
export interface CloudflareCacheOptions {
  /** One clock for every cache (TTLs and refresh-ahead); search times still come from the caller's `now`. */
  clock?: Clock;
  events?: Omit<EventCacheOptions, 'clock'>;
  directory?: Omit<DirectoryCacheOptions, 'clock'>;
  batching?: BatchingOptions;
  /** Dataset settings: served at most this long. Default 1 h. */
  settingsTtlMs?: number;
  /**
   * After `prime()`, how often the settings and the account-wide lookups are re-read in the
   * background, so they never expire while the bot runs, however quiet it is. Default 4 min
   * (about six calls per five minutes); 0 turns it off.
   */
  keepWarmMs?: number;
}

export interface CloudflareAdapterOptions {
  apiToken: string;
  accountId: string;
  apiUrl: string;
  graphqlUrl: string;
  /** Per request (connect + answer). */
  timeoutMs: number;
  maxLookbackSeconds?: number;
  /** A whole lookup (every window, enrichment, identity-log search, retries) ends within this. Default 20 s. */
  lookupDeadlineMs?: number;
  /** GraphQL queries the bot may send per 5 minutes, across every request of the process. Default 300. */
  graphqlBudget?: number;
  /** REST requests the bot may send per 5 minutes, across every request of the process. Default 1200. */
  restBudget?: number;
  /** How the budgets are divided between users, staff and the bot itself (default 10 % / 20 %). */
  userSharePercent?: number;
  staffReservePercent?: number;
  cache?: CloudflareCacheOptions;
  /**
   * Retry policy and test seams (clock, sleep, random). `budget` replaces the in-memory budget built
   * from `graphqlBudget`/`restBudget`, e.g. with one in a store shared by several replicas.
   */
  guard?: Omit<UpstreamGuardOptions, 'lookupDeadlineMs'>;
  /**
   * State shared with other replicas: the budgets, the 429 pause, found rows and in-flight lookups
   * live in this Redis (each falls back to this process's own while Redis fails). Absent: all in-process.
   */
  shared?: { redis: RedisCommands; keyPrefix?: string };
}

/** What a warm-up read; `gaps` are the lookups the token cannot read (the cards will say so too). */
export interface WarmUpReport {
  settings: DatasetSettings;
  gaps: string[];
}

export interface CloudflareAdapters {
  /**
   * The ports outside any lookup: each call gets a deadline of its own and spends the bot's own
   * budget. A lookup uses `forLookup`'s instead, so that all of it shares one deadline.
   */
  events: ScopedEventSource;
  directory: ScopedDirectory;
  /**
   * Reads the dataset settings and the account-wide lookups before the first request, so a cold
   * card costs two round trips (row, then the rest of the enrichment) instead of three, and keeps
   * them warm from then on (`keepWarmMs`) until `close()`. Rejects with the `LookupError` a lookup
   * would get when the dataset cannot be read (token, permission, plan); the lookups it could not
   * load are reported as gaps. Either way the keep-warm timer runs, so a later success fills in.
   */
  prime(): Promise<WarmUpReport>;
  /**
   * Ports for one whole lookup (search, enrichment, identity-log search, audit log) under one new
   * deadline, bound into them as a value (`lookup.scope`, no async context): every call they make
   * ends within it and spends `spender`'s share of the budget (absent: the bot's own, e.g. the CLI).
   * The plain `events`/`directory` give each call a deadline of its own, so a lookup made with them
   * could take up to about twice as long. (This replaces `withLookupDeadline(work)`, whose `work`
   * used the plain ports: a caller written that way no longer compiles rather than silently losing
   * the shared deadline.)
   */
  forLookup(spender?: BudgetSpender): LookupPorts;
  /** The one guard every call goes through: hand it to anything else that calls Cloudflare (the probe). */
  guard: UpstreamGuard;
  close(): Promise<void>;
  /** Like `close()`, but aborts requests still in flight instead of waiting for them. */
  destroy(): Promise<void>;
}

/**
 * Builds the Cloudflare-backed ports over one keep-alive pool: lookups are cached per Ray ID, batched
 * across concurrent requests, and enrichment metadata is cached with refresh-ahead. Every cache
 * belongs to this instance.
 */
export function createCloudflareAdapters(options: CloudflareAdapterOptions): CloudflareAdapters {
  const cacheOptions = options.cache ?? {};
  const clock = cacheOptions.clock ? { clock: cacheOptions.clock } : {};
  const http = createCloudflareHttp({ timeoutMs: options.timeoutMs });
  const guardOptions = options.guard ?? {};
  const budgetOptions = {
    limits: {
      ...(options.graphqlBudget === undefined ? {} : { graphql: options.graphqlBudget }),
      ...(options.restBudget === undefined ? {} : { rest: options.restBudget }),
    },
    shares: {
      ...(options.userSharePercent === undefined ? {} : { userPercent: options.userSharePercent }),
      ...(options.staffReservePercent === undefined
        ? {}
        : { staffReservePercent: options.staffReservePercent }),
    },
    ...(guardOptions.clock ? { clock: guardOptions.clock } : {}),
  };
  const shared = options.shared;
  const keyPrefix = shared?.keyPrefix === undefined ? {} : { keyPrefix: shared.keyPrefix };
  const guard = createUpstreamGuard({
    ...guardOptions,
    ...(options.lookupDeadlineMs === undefined ? {} : { lookupDeadlineMs: options.lookupDeadlineMs }),
    budget:
      guardOptions.budget ??
      (shared
        ? createRedisRequestBudget({ ...budgetOptions, ...keyPrefix, redis: shared.redis })
        : createMemoryRequestBudget(budgetOptions)),
  });
  const graphql = createGraphqlEventSource({
    graphqlUrl: options.graphqlUrl,
    apiToken: options.apiToken,
    accountId: options.accountId,
    fetch: http.fetch,
    guard,
    maxLookbackSeconds: options.maxLookbackSeconds,
    ...(cacheOptions.settingsTtlMs === undefined ? {} : { settingsTtlMs: cacheOptions.settingsTtlMs }),
    ...clock,
  });
  const batched = createBatchingEventSource(graphql, cacheOptions.batching);
  // Replicas: a Ray ID one of them is looking up is waited for by the others, not asked again.
  const upstream = shared
    ? createSharedEventSource(batched, {
        ...keyPrefix,
        redis: shared.redis,
        ...(cacheOptions.events?.foundTtlMs === undefined
          ? {}
          : { foundTtlMs: cacheOptions.events.foundTtlMs }),
        ...(cacheOptions.events?.notFoundTtlMs === undefined
          ? {}
          : { notFoundTtlMs: cacheOptions.events.notFoundTtlMs }),
        ...(options.lookupDeadlineMs === undefined ? {} : { lockTtlMs: options.lookupDeadlineMs }),
      })
    : batched;
  const events = createCachingEventSource(upstream, {
    ...cacheOptions.events,
    ...clock,
  });
  const rest = createRestClient({
    apiUrl: options.apiUrl,
    apiToken: options.apiToken,
    fetch: http.fetch,
    guard,
  });
  const restDirectory = createRestAccessDirectory(
    rest,
    options.accountId,
    { ...cacheOptions.directory, ...clock },
    guard,
  );
  // Read only when a policy changed after the event (the use case decides), never on the usual card.
  const auditLog = createAuditLogReader(rest, options.accountId);
  const directory: ScopedDirectory = {
    enrich: restDirectory.enrich,
    findInLogs: restDirectory.findInLogs,
    auditEntries: (search, scope?: CallScope) => auditLog.entries(search, scope ?? guard.newScope()),
  };
  const keepWarmMs = cacheOptions.keepWarmMs ?? 4 * 60_000;
  let keepWarm: NodeJS.Timeout | undefined;
  // Each round of warm-up gets a deadline of its own and spends the bot's own budget.
  const warmUp = async (): Promise<WarmUpReport> => {
    const scope = guard.newScope();
    const [settings, gaps] = await Promise.all([graphql.prime(scope), restDirectory.prime(scope)]);
    return { settings, gaps };
  };
  const forLookup = (spender?: BudgetSpender) => bindScope(events, directory, guard.newScope(spender));
  return {
    events,
    directory,
    prime() {
      if (keepWarm === undefined && keepWarmMs > 0) {
        // Reads through the caches: a fresh value costs nothing, an ageing one is reloaded.
        keepWarm = setInterval(() => warmUp().catch(() => undefined), keepWarmMs);
        keepWarm.unref();
      }
      return warmUp();
    },
    forLookup,
    guard,
    close: () => {
      clearInterval(keepWarm);
      return http.close();
    },
    destroy: () => {
      clearInterval(keepWarm);
      return http.destroy();
    },
  };
}
