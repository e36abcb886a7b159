import { z } from 'zod';
import type { AccessLoginEvent, ResolvedNames } from '../core/access-event.js';
import { LookupError } from '../core/errors.js';
import type { AccessApp, AccessGroup, GatewayList, PolicyContext, Rule } from '../core/policy/types.js';
import { emptyPolicyContext } from '../core/policy/types.js';
import type { AccessDirectory, Enrichment, FailedLogin, IdentityLogEntry, LogSearch } from '../core/ports.js';
import {
  appWireSchema,
  gatewayListWireSchema,
  groupWireSchema,
  identityProviderWireSchema,
  lastSeenIdentityWireSchema,
  policyWireSchema,
  postureRuleWireSchema,
  serviceTokenWireSchema,
  toAccessApp,
  toAccessGroup,
  toGatewayList,
  toIdentityProvider,
  toLastSeenIdentity,
  toPostureRule,
  toServiceToken,
} from './access-schemas.js';
import { PER_PAGE } from './list-limits.js';
import { type Clock, createLoadingCache, type LoadingCache } from './loading-cache.js';
import type { ListResult, RestClient } from './rest-client.js';
import type { UpstreamGuard } from './upstream-guard.js';

/** Token permissions, as Cloudflare's dashboard names them. */
export const PERMISSIONS = {
  apps: 'Access: Apps and Policies Read',
  org: 'Access: Organizations, Identity Providers, and Groups Read',
  tokens: 'Access: Service Tokens Read',
  posture: 'Access: Device Posture Read',
  audit: 'Access: Audit Logs Read',
  gateway: 'Zero Trust Read',
} as const;

/** How many recent failed logins a card shows. */
const RECENT_FAILURES = 5;

const listItemSchema = z.looseObject({ value: z.string() });
const failedLoginSchema = z.looseObject({
  expiration: z.unknown().optional(),
  // Cloudflare documents an object; older clients saw a JSON string with the same keys.
  metadata: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});
const failedLoginMetadataSchema = z.looseObject({
  ray_id: z.string().optional(),
  datetime: z.string().optional(),
  app_name: z.string().optional(),
  user_email: z.string().optional(),
});

const accessRequestSchema = z.looseObject({
  ray_id: z.string(),
  created_at: z.string(),
  allowed: z.boolean().optional(),
  app_domain: z.string().optional(),
  user_email: z.string().optional(),
  ip_address: z.string().optional(),
  connection: z.string().optional(),
});
const userSchema = z.looseObject({ id: z.string(), email: z.string().optional() });
/** Rows read from the identity log per search; it has no Ray ID filter, so recent rows are scanned. */
const LOG_ROWS = 1000;

// Ids come from Cloudflare rows, but they end up in URL paths: refuse anything odd.
const ID = /^[0-9A-Za-z-]{1,64}$/;

function gapFor(what: string, consequence: string, error: unknown): string {
  if (error instanceof LookupError && error.code === 'cloudflare_permission') {
    return `${what}: add *${error.permission}* to the token ${consequence}`;
  }
  if (error instanceof LookupError && error.status === 404) return `${what}: Cloudflare no longer has it`;
  if (error instanceof LookupError && error.code === 'upstream_rate_limited') {
    const wait = error.retryAfterSeconds === undefined ? '' : ` for ${error.retryAfterSeconds} s`;
    return `${what}: not read, Cloudflare's rate limit is holding the bot back${wait}`;
  }
  return `${what}: Cloudflare did not answer (${error instanceof LookupError ? error.code : 'error'})`;
}

function toFailedLogin(
  wire: z.infer<typeof failedLoginSchema>,
): (FailedLogin & { email?: string }) | undefined {
  let metadata: unknown = wire.metadata;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  const parsed = failedLoginMetadataSchema.safeParse(metadata);
  if (!parsed.success || !parsed.data.ray_id || !parsed.data.datetime) return undefined;
  return {
    rayId: parsed.data.ray_id.toLowerCase(),
    datetime: parsed.data.datetime,
    ...(parsed.data.app_name ? { appName: parsed.data.app_name } : {}),
    ...(parsed.data.user_email ? { email: parsed.data.user_email } : {}),
  };
}

function isListResult(value: unknown): value is ListResult<unknown> {
  return typeof value === 'object' && value !== null && 'items' in value && 'skipped' in value;
}

/** What a partly read list means for the card: entries skipped, or a list cut by a cap. */
function listGaps(what: string, list: ListResult<unknown>): string[] {
  const gaps: string[] = [];
  if (list.skipped > 0) {
    const entries = list.skipped === 1 ? '1 entry' : `${list.skipped} entries`;
    gaps.push(`${what}: ${entries} could not be read`);
  }
  if (list.cut) {
    const why = list.cut === 'bytes' ? 'the answers grew too large' : 'the list has too many pages';
    gaps.push(`${what}: only the first ${list.items.length} were read (${why})`);
  }
  return gaps;
}

/** Gateway list ids named by the app's rules, directly or through the rule groups it uses (recursively). */
function referencedListIds(app: AccessApp, groups: readonly AccessGroup[]): string[] {
  const lists = new Set<string>();
  const seenGroups = new Set<string>();
  const visit = (holder: {
    include: readonly Rule[];
    require: readonly Rule[];
    exclude: readonly Rule[];
  }) => {
    for (const rule of [...holder.include, ...holder.require, ...holder.exclude]) {
      if (rule.kind === 'ip_list' || rule.kind === 'email_list') lists.add(rule.listId);
      if (rule.kind === 'group' && !seenGroups.has(rule.groupId)) {
        seenGroups.add(rule.groupId);
        const group = groups.find((g) => g.id === rule.groupId);
        if (group) visit(group);
      }
    }
  };
  for (const policy of app.policies) visit(policy);
  return [...lists].filter((id) => ID.test(id));
}

export interface DirectoryCacheOptions {
  /**
   * How long apps with their policies, groups, IdPs, service tokens, posture rules and Gateway lists
   * may be served at most. Default 10 min.
   */
  metadataTtlMs?: number;
  /** Age after which a read of those still answers at once but reloads them in the background. Default 60 s. */
  metadataRefreshAfterMs?: number;
  /** How long a user's last seen identity and failed logins are kept. Default 60 s. */
  userTtlMs?: number;
  /** How long an identity-log search result per Ray ID is kept when nothing was found. Default 30 s. */
  logMissTtlMs?: number;
  /** How long a missing permission or a 404 is remembered, so a gap does not cost a call per card. Default 30 s. */
  failureTtlMs?: number;
  /** Most entries per kind (apps, lists, users, Ray IDs). Default 1000. */
  max?: number;
  clock?: Clock;
}

/** The REST directory, plus a warm-up for startup. */
export interface RestAccessDirectory extends AccessDirectory {
  /**
   * Loads the account-wide lookups (IdPs, groups, service tokens, posture rules) so the first card
   * does not wait for them. Never rejects: resolves with the gaps a card would show.
   */
  prime(): Promise<string[]>;
}

type Settled<T> = PromiseSettledResult<T>;
const value = <T>(result: Settled<T>): T | undefined =>
  result.status === 'fulfilled' ? result.value : undefined;

/**
 * Gathers what a replay needs through Cloudflare REST: every independent call in one parallel wave
 * (then Gateway list items, which only the app's rules can name). A failed call becomes a gap that
 * names the permission that would fill it; the explanation then says what it could not check.
 */
export function createRestAccessDirectory(
  rest: RestClient,
  accountId: string,
  cacheOptions: DirectoryCacheOptions = {},
  /** The REST client's guard: every call of one enrichment (or log search) then shares one deadline. */
  guard?: Pick<UpstreamGuard, 'withinDeadline'>,
): RestAccessDirectory {
  const withinDeadline = <T>(work: () => Promise<T>) => (guard ? guard.withinDeadline(work) : work());
  const account = `/accounts/${encodeURIComponent(accountId)}`;
  const access = `${account}/access`;

  const clock = cacheOptions.clock ?? Date.now;
  const max = cacheOptions.max ?? 1000;
  const metadataTtlMs = cacheOptions.metadataTtlMs ?? 10 * 60_000;
  // Retrying cannot fix these before someone changes the token or the object.
  const rememberFailure = (error: unknown) =>
    error instanceof LookupError && (error.code === 'cloudflare_permission' || error.status === 404);
  const failureMemory = { rememberFailure, failureTtlMs: cacheOptions.failureTtlMs ?? 30_000, clock };
  const metadataCache = <V>(size: number): LoadingCache<V> =>
    createLoadingCache<V>({
      max: size,
      ttlMs: metadataTtlMs,
      refreshAfterMs: cacheOptions.metadataRefreshAfterMs ?? 60_000,
      ...failureMemory,
    });
  const userCache = <V>(): LoadingCache<V> =>
    createLoadingCache<V>({ max, ttlMs: cacheOptions.userTtlMs ?? 60_000, ...failureMemory });
  const cache = {
    apps: metadataCache<AccessApp>(max),
    lists: metadataCache<GatewayList>(max),
    identityProviders: metadataCache<ListResult<z.infer<typeof identityProviderWireSchema>>>(1),
    groups: metadataCache<ListResult<z.infer<typeof groupWireSchema>>>(1),
    serviceTokens: metadataCache<ListResult<z.infer<typeof serviceTokenWireSchema>>>(1),
    postureRules: metadataCache<ListResult<z.infer<typeof postureRuleWireSchema>>>(1),
    lastSeen: userCache<z.infer<typeof lastSeenIdentityWireSchema>>(),
    failedLogins: userCache<ListResult<z.infer<typeof failedLoginSchema>>>(),
    // What the identity log said about one Ray ID (for one requester): an entry never changes; a miss
    // holds only for searches reaching no further back than `since`, and only briefly.
    logOutcomes: createLoadingCache<{ entry?: IdentityLogEntry; since: number }>({
      max: max * 10,
      ttlMs: (outcome) => (outcome.entry ? metadataTtlMs : (cacheOptions.logMissTtlMs ?? 30_000)),
      clock,
    }),
  };

  /** Account-wide lookups every replay reads; one key each. */
  const lookups = {
    identityProviders: () =>
      cache.identityProviders.get('all', () =>
        rest.list(`${access}/identity_providers`, identityProviderWireSchema, PERMISSIONS.org, {
          perPage: PER_PAGE.identityProviders,
        }),
      ),
    groups: () =>
      cache.groups.get('all', () =>
        rest.list(`${access}/groups`, groupWireSchema, PERMISSIONS.org, { perPage: PER_PAGE.groups }),
      ),
    serviceTokens: () =>
      cache.serviceTokens.get('all', () =>
        rest.list(`${access}/service_tokens`, serviceTokenWireSchema, PERMISSIONS.tokens, {
          perPage: PER_PAGE.serviceTokens,
        }),
      ),
    postureRules: () =>
      cache.postureRules.get('all', () =>
        rest.list(`${account}/devices/posture`, postureRuleWireSchema, PERMISSIONS.posture, {
          perPage: PER_PAGE.postureRules,
        }),
      ),
  };

  function userFailedLogins(userId: string) {
    return cache.failedLogins.get(userId, () =>
      rest.list(`${access}/users/${userId}/failed_logins`, failedLoginSchema, PERMISSIONS.audit, {
        perPage: PER_PAGE.failedLogins,
      }),
    );
  }

  async function loadApp(appId: string): Promise<AccessApp> {
    const wire = await rest.get(`${access}/apps/${appId}`, appWireSchema, PERMISSIONS.apps);
    if (Array.isArray(wire.policies)) return toAccessApp(wire);
    // Older API versions return the app without its policies: list them separately.
    const policies = await rest.list(`${access}/apps/${appId}/policies`, policyWireSchema, PERMISSIONS.apps, {
      perPage: PER_PAGE.appPolicies,
    });
    return toAccessApp({ ...wire, policies: policies.items });
  }

  async function loadList(listId: string): Promise<GatewayList> {
    const [list, items] = await Promise.all([
      rest.get(`${account}/gateway/lists/${listId}`, gatewayListWireSchema, PERMISSIONS.gateway),
      rest.list(`${account}/gateway/lists/${listId}/items`, listItemSchema, PERMISSIONS.gateway, {
        perPage: PER_PAGE.gatewayListItems,
      }),
    ]);
    return toGatewayList({ ...list, items: items.items });
  }

  async function identityLog(search: LogSearch): Promise<IdentityLogEntry[]> {
    const rows = await rest.get(
      `${access}/logs/access_requests`,
      z.array(accessRequestSchema),
      PERMISSIONS.audit,
      {
        since: search.since.toISOString(),
        until: search.until.toISOString(),
        limit: String(LOG_ROWS),
        direction: 'desc',
      },
    );
    return rows.map((row) => ({
      source: 'access_requests' as const,
      rayId: row.ray_id.toLowerCase().replace(/-[a-z]{3}$/, ''),
      datetime: row.created_at,
      ...(row.allowed === undefined ? {} : { allowed: row.allowed }),
      ...(row.app_domain ? { appDomain: row.app_domain } : {}),
      ...(row.user_email ? { userEmail: row.user_email } : {}),
      ...(row.ip_address ? { ipAddress: row.ip_address } : {}),
      ...(row.connection ? { connection: row.connection } : {}),
    }));
  }

  async function failedLoginsOf(email: string): Promise<IdentityLogEntry[]> {
    const users = await rest.list(`${access}/users`, userSchema, PERMISSIONS.audit, {
      query: { email },
      perPage: PER_PAGE.users,
    });
    const user = users.items.find((u) => u.email?.toLowerCase() === email.toLowerCase());
    if (!user || !ID.test(user.id)) return [];
    const failures = await userFailedLogins(user.id);
    return failures.items.flatMap((wire) => {
      const f = toFailedLogin(wire);
      return f
        ? [
            {
              source: 'failed_logins' as const,
              rayId: f.rayId,
              datetime: f.datetime,
              allowed: false,
              userEmail: f.email ?? email,
              ...(f.appName ? { appName: f.appName } : {}),
            },
          ]
        : [];
    });
  }

  async function searchLogs(rayIds: readonly string[], search: LogSearch) {
    const wanted = new Set(rayIds);
    const [log, failures] = await Promise.allSettled([
      identityLog(search),
      search.userEmail ? failedLoginsOf(search.userEmail) : Promise.resolve([]),
    ]);
    const gaps: string[] = [];
    if (log.status === 'rejected')
      gaps.push(gapFor('Identity log', 'to search it for Ray IDs analytics lacks', log.reason));
    if (failures.status === 'rejected')
      gaps.push(gapFor('Failed logins', "to search the user's failed logins", failures.reason));
    const found = new Map<string, IdentityLogEntry>();
    for (const entry of [...(value(log) ?? []), ...(value(failures) ?? [])]) {
      if (wanted.has(entry.rayId) && !found.has(entry.rayId)) found.set(entry.rayId, entry);
    }
    return { found, gaps };
  }

  const directory: RestAccessDirectory = {
    async prime() {
      const results = await Promise.allSettled([
        lookups.identityProviders(),
        lookups.groups(),
        lookups.serviceTokens(),
        lookups.postureRules(),
      ]);
      const [idps, groups, tokens, posture] = results;
      const gaps: string[] = [];
      const note = <T>(result: Settled<T> | undefined, what: string, consequence: string) => {
        if (result?.status === 'rejected') gaps.push(gapFor(what, consequence, result.reason));
        else if (result && isListResult(result.value)) gaps.push(...listGaps(what, result.value));
      };
      note(idps, 'Identity providers', 'to name IdPs and check login methods');
      note(groups, 'Access groups', 'to check rule groups');
      note(tokens, 'Service tokens', 'to name tokens and check their expiry');
      note(posture, 'Device posture rules', 'to check posture rules');
      return gaps;
    },

    async findInLogs(rayIds, search) {
      // Outcomes are per requester: their failed logins are part of the search.
      const keyOf = (rayId: string) => `${search.userEmail?.toLowerCase() ?? ''}|${rayId}`;
      const found = new Map<string, IdentityLogEntry>();
      const unknown = rayIds.filter((rayId) => {
        const outcome = cache.logOutcomes.peek(keyOf(rayId));
        if (outcome?.entry) found.set(rayId, outcome.entry);
        return outcome === undefined || (!outcome.entry && outcome.since > search.since.getTime());
      });
      if (unknown.length === 0) return { found, gaps: [] };
      const searched = await searchLogs(unknown, search);
      // A search with gaps was partial: it is not worth remembering.
      if (searched.gaps.length === 0) {
        for (const rayId of unknown) {
          const entry = searched.found.get(rayId);
          cache.logOutcomes.set(keyOf(rayId), { ...(entry ? { entry } : {}), since: search.since.getTime() });
        }
      }
      for (const [rayId, entry] of searched.found) found.set(rayId, entry);
      return { found, gaps: searched.gaps };
    },

    async enrich(event: AccessLoginEvent, now: Date): Promise<Enrichment> {
      const appId = ID.test(event.appId) ? event.appId : undefined;
      const userId = ID.test(event.userUuid) ? event.userUuid : undefined;
      const none = Promise.resolve(undefined);
      // Whatever is not cached goes out at once, in one wave.
      const [app, idps, groups, tokens, posture, lastSeen, failures] = await Promise.allSettled([
        appId ? cache.apps.get(appId, () => loadApp(appId)) : none,
        lookups.identityProviders(),
        lookups.groups(),
        lookups.serviceTokens(),
        lookups.postureRules(),
        userId
          ? cache.lastSeen.get(userId, () =>
              rest.get(
                `${access}/users/${userId}/last_seen_identity`,
                lastSeenIdentityWireSchema,
                PERMISSIONS.audit,
              ),
            )
          : none,
        userId ? userFailedLogins(userId) : none,
      ]);

      const gaps: string[] = [];
      const note = <T>(result: Settled<T>, what: string, consequence: string) => {
        if (result.status === 'rejected') gaps.push(gapFor(what, consequence, result.reason));
        else if (isListResult(result.value)) gaps.push(...listGaps(what, result.value));
      };
      note(app, 'App and policies', 'to name the app and replay its policies');
      note(idps, 'Identity providers', 'to name IdPs and check login methods');
      note(groups, 'Access groups', 'to check rule groups');
      note(tokens, 'Service tokens', 'to name tokens and check their expiry');
      note(posture, 'Device posture rules', 'to check posture rules');
      note(lastSeen, "User's last identity", "to see the user's email, IdP groups and posture results");
      note(failures, 'Failed logins', "to list the user's recent failed logins");

      const context: PolicyContext = {
        ...emptyPolicyContext(now),
        identityProviders: (value(idps)?.items ?? []).map(toIdentityProvider),
        groups: (value(groups)?.items ?? []).map(toAccessGroup),
        serviceTokens: (value(tokens)?.items ?? []).map(toServiceToken),
        postureRules: (value(posture)?.items ?? []).map(toPostureRule),
      };
      const lastSeenWire = value(lastSeen);
      if (lastSeenWire) context.lastSeenIdentity = toLastSeenIdentity(lastSeenWire);

      const accessApp = value(app);
      if (accessApp) {
        const listResults = await Promise.allSettled(
          referencedListIds(accessApp, context.groups).map((id) => cache.lists.get(id, () => loadList(id))),
        );
        context.lists = listResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const failed = listResults.find((r) => r.status === 'rejected');
        if (failed) note(failed, 'Gateway lists', 'to check IP and email list rules');
      }

      const recent = (value(failures)?.items ?? [])
        .map(toFailedLogin)
        .filter((f): f is NonNullable<typeof f> => f !== undefined)
        .sort((a, b) => b.datetime.localeCompare(a.datetime));
      const email = context.lastSeenIdentity?.email ?? recent.find((f) => f.email)?.email;
      if (userId) context.user = { id: userId, ...(email ? { email } : {}) };

      const idp = context.identityProviders.find((p) => p.id === event.identityProvider);
      const token = context.serviceTokens.find(
        (t) => t.id === event.serviceTokenId || t.clientId === event.serviceTokenId,
      );
      const names: ResolvedNames = {
        ...(accessApp?.name ? { appName: accessApp.name } : {}),
        ...(accessApp?.domain ? { appDomain: accessApp.domain } : {}),
        ...(email ? { userEmail: email } : {}),
        ...(idp ? { identityProviderName: idp.name } : {}),
        ...(event.serviceTokenId && token ? { serviceTokenName: token.name } : {}),
        ...(gaps.length > 0 ? { gaps } : {}),
      };
      return {
        names,
        ...(accessApp ? { app: accessApp } : {}),
        context,
        ...(value(failures) === undefined
          ? {}
          : { recentFailedLogins: recent.slice(0, RECENT_FAILURES).map(({ email: _e, ...f }) => f) }),
      };
    },
  };

  return {
    prime: () => withinDeadline(() => directory.prime()),
    findInLogs: (rayIds, search) => withinDeadline(() => directory.findInLogs(rayIds, search)),
    enrich: (event, now) => withinDeadline(() => directory.enrich(event, now)),
  };
}
