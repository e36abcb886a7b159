import { GraphQLClient } from 'graphql-request';
import { LookupError } from '../core/errors.js';
import type { EventLookup, FindEventsOptions, SearchedRange } from '../core/ports.js';
import { type DatasetSettings, planSearchWindows, type TimeWindow } from '../core/search-window.js';
import {
  loginsResponseSchema,
  settingsResponseSchema,
  toDatasetSettings,
  toPartialAccessLoginEvent,
} from './graphql-schemas.js';
import { type Clock, createLoadingCache } from './loading-cache.js';
import { FieldUnavailableError, toGraphqlLookupError } from './map-error.js';
import {
  ACCESS_LOGIN_SETTINGS_QUERY,
  FULL_SELECTION,
  type LoginSelection,
  loginQueryDocument,
  REQUIRED_DIMENSIONS,
  selectionFromAvailableFields,
} from './queries.js';
import { createCappedFetch, DEFAULT_MAX_RESPONSE_BYTES } from './read-capped.js';
import type { ScopedEventSource } from './scoped-ports.js';
import { type CallScope, createUpstreamGuard, type UpstreamGuard } from './upstream-guard.js';

export interface GraphqlEventSourceOptions {
  graphqlUrl: string;
  apiToken: string;
  accountId: string;
  fetch: typeof fetch;
  /** Operator cap on the search, in seconds. */
  maxLookbackSeconds?: number | undefined;
  /** How long the dataset settings are trusted at most. Default 1 h. */
  settingsTtlMs?: number;
  /** Age after which a lookup re-reads the settings in the background (it does not wait). Default 10 min. */
  settingsRefreshAfterMs?: number;
  /** Clock for the settings cache only; search times come from the caller's `now`. */
  clock?: Clock;
  /** Most bytes one GraphQL answer may have (default 16 MB); past it: `upstream_bad_response`. */
  maxResponseBytes?: number;
  /**
   * Budget, pause after a 429, retries and the lookup deadline; share one with the REST client.
   * Default: a guard of its own with the default policy.
   */
  guard?: UpstreamGuard;
}

/** The GraphQL event source, plus a warm-up for startup. */
export interface GraphqlEventSource extends ScopedEventSource {
  /**
   * Reads (and caches) the dataset settings so the first lookup does not wait for them; rejects with
   * the `LookupError` a lookup would get (bad token, missing permission, dataset not enabled).
   */
  prime(scope?: CallScope): Promise<DatasetSettings>;
}

/** The dataset's settings as the event source keeps them: limits, and what the plan lets it select. */
interface LoadedSettings {
  dataset: DatasetSettings;
  /** From `availableFields`; absent when Cloudflare did not send it (then every field is asked for). */
  selection?: LoginSelection;
}

/** Rows per Ray ID to allow for: one request can log more than one login row. */
const ROWS_PER_RAY_ID = 5;

// Cloudflare answers `"errors": null` on success, which graphql-request 7 rejects as malformed.
const cloudflareJson = {
  parse: (text: string): unknown => {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && 'errors' in value && value.errors === null) {
      const { errors: _null, ...rest } = value;
      return rest;
    }
    return value;
  },
  stringify: (value: unknown): string => JSON.stringify(value),
};

/** Finds Access login events in Cloudflare's GraphQL Analytics API, window by window, newest first. */
export function createGraphqlEventSource(options: GraphqlEventSourceOptions): GraphqlEventSource {
  const secrets = [options.apiToken];
  const client = new GraphQLClient(options.graphqlUrl, {
    // graphql-request buffers whole bodies: cap them before it reads one.
    fetch: createCappedFetch(
      options.fetch,
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      'POST graphql',
    ),
    headers: { authorization: `Bearer ${options.apiToken}` },
    jsonSerializer: cloudflareJson,
  });
  const ttlMs = options.settingsTtlMs ?? 60 * 60_000;
  // A failed read is not cached: the next lookup tries again.
  const settingsCache = createLoadingCache<LoadedSettings>({
    max: 1,
    ttlMs,
    refreshAfterMs: Math.min(options.settingsRefreshAfterMs ?? 10 * 60_000, ttlMs),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  const guard = options.guard ?? createUpstreamGuard();

  function request(document: string, variables: Record<string, unknown>, scope: CallScope): Promise<unknown> {
    return guard.call(
      'graphql',
      (signal) =>
        client.request<unknown>({ document, variables, signal }).catch((error: unknown) => {
          throw toGraphqlLookupError(error, secrets);
        }),
      scope,
    );
  }

  /**
   * Fields Cloudflare refused although the settings offered them (settings cached, plan changed):
   * remembered for the process, so each costs one refused query at most.
   */
  const refusedFields = new Set<string>();

  async function fetchSettings(scope: CallScope): Promise<LoadedSettings> {
    const data = settingsResponseSchema.safeParse(
      await request(ACCESS_LOGIN_SETTINGS_QUERY, { accountTag: options.accountId }, scope),
    );
    if (!data.success) {
      throw new LookupError('upstream_bad_response', {
        safeMessage: 'Cloudflare sent dataset settings in an unexpected shape.',
        detail: data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    const settings = data.data.viewer.accounts[0]?.settings?.accessLoginRequestsAdaptiveGroups;
    if (!settings) {
      throw new LookupError('cloudflare_permission', {
        safeMessage: 'The account id was not found, or the token cannot read its analytics.',
        detail: 'settings query returned no account',
        permission: 'Account Analytics Read',
      });
    }
    return {
      dataset: toDatasetSettings(settings),
      ...(settings.availableFields
        ? { selection: selectionFromAvailableFields(settings.availableFields) }
        : {}),
    };
  }

  // Whichever lookup finds the settings missing (or ageing) lends the load its scope.
  async function settings(scope: CallScope): Promise<LoadedSettings> {
    const loaded = await settingsCache.get('settings', () => fetchSettings(scope));
    if (!loaded.dataset.enabled) {
      throw new LookupError('dataset_unavailable', {
        safeMessage: "Access login analytics are not enabled for this Cloudflare account's plan.",
        detail: 'settings.accessLoginRequestsAdaptiveGroups.enabled = false',
      });
    }
    return loaded;
  }

  /** What a login query may select now: the plan's fields minus any Cloudflare refused since. */
  function selectionFor(loaded: LoadedSettings): LoginSelection {
    const offered = loaded.selection ?? FULL_SELECTION;
    const selection = {
      dimensions: offered.dimensions.filter((d) => !refusedFields.has(d)),
      count: offered.count && !refusedFields.has('count'),
    };
    const missing = REQUIRED_DIMENSIONS.filter((d) => !selection.dimensions.includes(d));
    if (missing.length > 0) {
      throw new LookupError('dataset_unavailable', {
        safeMessage: `This Cloudflare account's plan does not include the ${missing.join(' and ')} field of Access login analytics, so no login can be found by Ray ID there.`,
        detail: `availableFields lacks ${missing.join(', ')}`,
      });
    }
    return selection;
  }

  /** One window's query; a field Cloudflare refuses is dropped (and remembered) and the query asked again. */
  async function queryWindow(
    rayIds: readonly string[],
    window: TimeWindow,
    loaded: LoadedSettings,
    scope: CallScope,
  ) {
    for (;;) {
      const selection = selectionFor(loaded);
      try {
        return await queryWindowWith(rayIds, window, loaded.dataset.maxPageSize, selection, scope);
      } catch (error) {
        const refused = error instanceof FieldUnavailableError ? error.field : undefined;
        const selected =
          refused === 'count' ? selection.count : selection.dimensions.some((d) => d === refused);
        // A refusal of a field not asked for would loop: let it surface as the query error it is.
        if (refused === undefined || !selected) throw error;
        refusedFields.add(refused);
      }
    }
  }

  async function queryWindowWith(
    rayIds: readonly string[],
    window: TimeWindow,
    maxPageSize: number,
    selection: LoginSelection,
    scope: CallScope,
  ) {
    const limit = Math.max(1, Math.min(maxPageSize, rayIds.length * ROWS_PER_RAY_ID));
    const base = {
      accountTag: options.accountId,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      limit,
    };
    const raw =
      rayIds.length === 1
        ? await request(loginQueryDocument('one', selection), { ...base, rayId: rayIds[0] }, scope)
        : await request(loginQueryDocument('many', selection), { ...base, rayIds }, scope);
    const data = loginsResponseSchema.safeParse(raw);
    if (!data.success) {
      throw new LookupError('upstream_bad_response', {
        safeMessage: 'Cloudflare sent login events in an unexpected shape.',
        detail: data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    const groups = data.data.viewer.accounts[0]?.accessLoginRequestsAdaptiveGroups ?? [];
    // A row without its Ray ID or time cannot be matched to a request: skipped.
    return groups.flatMap((g) =>
      g.dimensions?.cfRayId && g.dimensions.datetime ? [toPartialAccessLoginEvent(g.dimensions)] : [],
    );
  }

  /** Every window of one search shares one deadline; the guard checks it before each query. */
  async function search(
    rayIds: readonly string[],
    findOptions: FindEventsOptions,
    scope: CallScope,
  ): Promise<Map<string, EventLookup>> {
    const results = new Map<string, EventLookup>();
    if (rayIds.length === 0) return results;
    const loaded = await settings(scope);
    const plan = planSearchWindows({
      settings: loaded.dataset,
      now: findOptions.now,
      anchor: findOptions.anchor,
      // "Search further back": the dataset's retention is the only limit.
      maxLookbackSeconds: findOptions.searchToRetention ? undefined : options.maxLookbackSeconds,
    });
    const pending = new Set(rayIds);
    let windowsSearched = 0;
    const searched = (): SearchedRange => ({
      oldest: plan.windows[Math.max(0, windowsSearched - 1)]?.start ?? plan.oldest,
      newest: plan.newest,
      windows: windowsSearched,
      limitedBy: plan.limitedBy,
      oldestReachable: plan.oldestReachable,
    });
    for (const window of plan.windows) {
      if (pending.size === 0) break;
      windowsSearched += 1;
      // Rows come newest first, so the first row per Ray ID is the latest attempt.
      for (const event of await queryWindow([...pending], window, loaded, scope)) {
        if (!pending.has(event.rayId)) continue;
        pending.delete(event.rayId);
        results.set(event.rayId, { kind: 'found', event, searched: searched() });
      }
    }
    for (const rayId of pending) results.set(rayId, { kind: 'not_found', searched: searched() });
    return results;
  }

  return {
    prime: async (scope) => (await settings(scope ?? guard.newScope())).dataset,
    findByRayIds: (rayIds, findOptions, scope) => search(rayIds, findOptions, scope ?? guard.newScope()),
  };
}
