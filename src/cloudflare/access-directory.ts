import { z } from 'zod';
import type { AccessLoginEvent, ResolvedNames } from '../core/access-event.js';
import { LookupError } from '../core/errors.js';
import type { AccessApp, GatewayList, PolicyContext } from '../core/policy/types.js';
import { emptyPolicyContext } from '../core/policy/types.js';
import type { Enrichment, IdentityLogEntry, LogSearch } from '../core/ports.js';
import {
  appHostnames,
  appWireSchema,
  gatewayListWireSchema,
  groupWireSchema,
  identityProviderWireSchema,
  policyWireSchema,
  postureRuleWireSchema,
  readAppPolicyEntries,
  serviceTokenWireSchema,
  toAccessApp,
  toAccessGroup,
  toAppPolicy,
  toGatewayList,
  toIdentityProvider,
  toPostureRule,
  toServiceToken,
} from './access-schemas.js';
import { gapFor, isListResult, listGaps, unavailableGaps } from './directory-gaps.js';
import { ID, identityProviderOf, referencedListIds } from './directory-references.js';
import { failedLoginSchema, toFailedLogin } from './failed-logins.js';
import { listItemEntrySchema, listItemValues } from './gateway-list-items.js';
import { createIdentityLogSearch } from './identity-log.js';
import { lastSeenIdentityWireSchema, toLastSeenDetails, toLastSeenIdentity } from './identity-schemas.js';
import { PER_PAGE } from './list-limits.js';
import { type Clock, createLoadingCache, type LoadingCache } from './loading-cache.js';
import type { ListResult, RestClient } from './rest-client.js';
import type { ScopedDirectory } from './scoped-ports.js';
import type { CallScope, UpstreamGuard } from './upstream-guard.js';

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

const userSchema = z.looseObject({ id: z.string(), email: z.string().optional() });

/** An app as read, with what the card needs beyond the replay and what could not be read. */
interface LoadedApp {
  app: AccessApp;
  /** Every hostname the app covers (`destinations`), the primary domain first. */
  hostnames: string[];
  allowAuthenticateViaWarp?: boolean;
  gaps: string[];
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
export interface RestAccessDirectory extends ScopedDirectory {
  /**
   * Loads the account-wide lookups (IdPs, groups, service tokens, posture rules) so the first card
   * does not wait for them. Never rejects: resolves with the gaps a card would show.
   */
  prime(scope?: CallScope): Promise<string[]>;
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
  /**
   * The REST client's guard: a call made with no scope gets one from it, so every request of one
   * enrichment (or log search) shares one deadline. Without it, each request has a deadline of its own.
   */
  guard?: Pick<UpstreamGuard, 'newScope'>,
): RestAccessDirectory {
  const scopeOf = (scope: CallScope | undefined) => scope ?? guard?.newScope();
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
    apps: metadataCache<LoadedApp>(max),
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

  /**
   * Account-wide lookups every replay reads; one key each. A loader runs under the scope of the read
   * that started it (a miss, or a refresh-ahead): concurrent readers wait on that lookup's deadline.
   */
  const lookups = {
    identityProviders: (scope: CallScope | undefined) =>
      cache.identityProviders.get('all', () =>
        rest.list(
          `${access}/identity_providers`,
          identityProviderWireSchema,
          PERMISSIONS.org,
          { perPage: PER_PAGE.identityProviders },
          scope,
        ),
      ),
    groups: (scope: CallScope | undefined) =>
      cache.groups.get('all', () =>
        rest.list(`${access}/groups`, groupWireSchema, PERMISSIONS.org, { perPage: PER_PAGE.groups }, scope),
      ),
    serviceTokens: (scope: CallScope | undefined) =>
      cache.serviceTokens.get('all', () =>
        rest.list(
          `${access}/service_tokens`,
          serviceTokenWireSchema,
          PERMISSIONS.tokens,
          { perPage: PER_PAGE.serviceTokens },
          scope,
        ),
      ),
    postureRules: (scope: CallScope | undefined) =>
      cache.postureRules.get('all', () =>
        rest.list(
          `${account}/devices/posture`,
          postureRuleWireSchema,
          PERMISSIONS.posture,
          { perPage: PER_PAGE.postureRules },
          scope,
        ),
      ),
  };

  function userFailedLogins(userId: string, scope: CallScope | undefined) {
    return cache.failedLogins.get(userId, () =>
      rest.list(
        `${access}/users/${userId}/failed_logins`,
        failedLoginSchema,
        PERMISSIONS.audit,
        { perPage: PER_PAGE.failedLogins },
        scope,
      ),
    );
  }

  /**
   * The app with its policies. Embedded policies are used as they are; an entry that is only a
   * reference (`{id, precedence}`) or lacks its decision is read from `/access/policies/{id}`; an
   * app without a `policies` array (older API versions) has them listed separately.
   */
  async function loadApp(appId: string, scope: CallScope | undefined): Promise<LoadedApp> {
    const wire = await rest.get(`${access}/apps/${appId}`, appWireSchema, PERMISSIONS.apps, undefined, scope);
    const gaps: string[] = [];
    if (!Array.isArray(wire.policies)) {
      const listed = await rest.list(
        `${access}/apps/${appId}/policies`,
        z.unknown(),
        PERMISSIONS.apps,
        { perPage: PER_PAGE.appPolicies },
        scope,
      );
      gaps.push(...listGaps('App policies', listed));
      wire.policies = listed.items;
    }
    const entries = readAppPolicyEntries(wire.policies);
    const fetched = await Promise.allSettled(
      entries.refs.map(async (ref) => {
        if (!ID.test(ref.id))
          throw new LookupError('upstream_bad_response', { safeMessage: 'odd policy id' });
        const policy = await rest.get(
          `${access}/policies/${ref.id}`,
          policyWireSchema,
          PERMISSIONS.apps,
          undefined,
          scope,
        );
        return { ...ref, policy };
      }),
    );
    const policies = entries.policies.map((p) => ({
      position: p.position,
      policy: toAppPolicy(p.wire, p.position),
    }));
    let missing = entries.unreadable;
    for (const result of fetched) {
      if (result.status === 'rejected') {
        missing += 1;
        continue;
      }
      const { policy, precedence, position } = result.value;
      // The app's precedence for a reusable policy is on the reference, not on the policy itself.
      const withPrecedence = precedence === undefined ? policy : { ...policy, precedence };
      policies.push({ position, policy: toAppPolicy(withPrecedence, position) });
    }
    if (missing > 0) {
      const which = missing === 1 ? '1 policy' : `${missing} policies`;
      gaps.push(`App policies: ${which} of this app could not be read, so the replay may be incomplete`);
    }
    policies.sort((a, b) => a.position - b.position);
    return {
      app: toAccessApp(
        wire,
        policies.map((p) => p.policy),
      ),
      hostnames: appHostnames(wire),
      ...(wire.allow_authenticate_via_warp != null
        ? { allowAuthenticateViaWarp: wire.allow_authenticate_via_warp }
        : {}),
      gaps,
    };
  }

  async function loadList(listId: string, scope: CallScope | undefined): Promise<GatewayList> {
    const [list, items] = await Promise.all([
      rest.get(
        `${account}/gateway/lists/${listId}`,
        gatewayListWireSchema,
        PERMISSIONS.gateway,
        undefined,
        scope,
      ),
      rest.list(
        `${account}/gateway/lists/${listId}/items`,
        listItemEntrySchema,
        PERMISSIONS.gateway,
        { perPage: PER_PAGE.gatewayListItems },
        scope,
      ),
    ]);
    return toGatewayList({ ...list, items: listItemValues(items.items) });
  }

  const identityLog = createIdentityLogSearch(rest, access, PERMISSIONS.audit);

  /** The Access user id of an email (`/access/users?email=`), when there is exactly that user. */
  async function userIdOf(email: string, scope: CallScope | undefined): Promise<string | undefined> {
    const users = await rest.list(
      `${access}/users`,
      userSchema,
      PERMISSIONS.audit,
      { query: { email }, perPage: PER_PAGE.users },
      scope,
    );
    const user = users.items.find((u) => u.email?.toLowerCase() === email.toLowerCase());
    return user && ID.test(user.id) ? user.id : undefined;
  }

  async function failedLoginsOf(email: string, scope: CallScope | undefined): Promise<IdentityLogEntry[]> {
    const userId = await userIdOf(email, scope);
    if (!userId) return [];
    const failures = await userFailedLogins(userId, scope);
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
              userUuid: userId,
              ...(f.appName ? { appName: f.appName } : {}),
              ...(f.aud ? { aud: f.aud } : {}),
            },
          ]
        : [];
    });
  }

  async function searchLogs(rayIds: readonly string[], search: LogSearch, scope: CallScope | undefined) {
    const wanted = new Set(rayIds);
    const [log, failures] = await Promise.allSettled([
      identityLog.search(rayIds, search, scope),
      search.userEmail ? failedLoginsOf(search.userEmail, scope) : Promise.resolve([]),
    ]);
    const gaps: string[] = [];
    if (log.status === 'rejected')
      gaps.push(gapFor('Identity log', 'to search it for Ray IDs analytics lacks', log.reason));
    if (failures.status === 'rejected')
      gaps.push(gapFor('Failed logins', "to search the user's failed logins", failures.reason));
    const logged = value(log);
    if (logged && logged.skipped > 0) {
      const entries = logged.skipped === 1 ? '1 log entry' : `${logged.skipped} log entries`;
      gaps.push(`Identity log: ${entries} could not be read`);
    }
    if (logged?.cut) {
      gaps.push(
        'Identity log: only the newest rows of the window were searched (the log is too large to read whole)',
      );
    }
    const found = new Map<string, IdentityLogEntry>();
    for (const entry of [...(logged?.found.values() ?? []), ...(value(failures) ?? [])]) {
      if (wanted.has(entry.rayId) && !found.has(entry.rayId)) found.set(entry.rayId, entry);
    }
    // A log hit that names its app is replayed: its user's id brings their last seen identity.
    await Promise.all(
      [...found].map(async ([rayId, entry]) => {
        if (!entry.appUid || !entry.userEmail || entry.userUuid) return;
        const id = await userIdOf(entry.userEmail, scope).catch(() => undefined);
        if (id) found.set(rayId, { ...entry, userUuid: id });
      }),
    );
    return { found, gaps };
  }

  return {
    async prime(given) {
      const scope = scopeOf(given);
      const results = await Promise.allSettled([
        lookups.identityProviders(scope),
        lookups.groups(scope),
        lookups.serviceTokens(scope),
        lookups.postureRules(scope),
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

    async findInLogs(rayIds, search, given) {
      // Outcomes are per requester: their failed logins are part of the search.
      const keyOf = (rayId: string) => `${search.userEmail?.toLowerCase() ?? ''}|${rayId}`;
      const found = new Map<string, IdentityLogEntry>();
      const unknown = rayIds.filter((rayId) => {
        const outcome = cache.logOutcomes.peek(keyOf(rayId));
        if (outcome?.entry) found.set(rayId, outcome.entry);
        return outcome === undefined || (!outcome.entry && outcome.since > search.since.getTime());
      });
      if (unknown.length === 0) return { found, gaps: [] };
      const searched = await searchLogs(unknown, search, scopeOf(given));
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

    async enrich(event: AccessLoginEvent, now: Date, given?: CallScope): Promise<Enrichment> {
      const scope = scopeOf(given);
      const appId = ID.test(event.appId) ? event.appId : undefined;
      const userId = ID.test(event.userUuid) ? event.userUuid : undefined;
      const none = Promise.resolve(undefined);
      // Whatever is not cached goes out at once, in one wave.
      const [app, idps, groups, tokens, posture, lastSeen, failures] = await Promise.allSettled([
        appId ? cache.apps.get(appId, () => loadApp(appId, scope)) : none,
        lookups.identityProviders(scope),
        lookups.groups(scope),
        lookups.serviceTokens(scope),
        lookups.postureRules(scope),
        userId
          ? cache.lastSeen.get(userId, () =>
              rest.get(
                `${access}/users/${userId}/last_seen_identity`,
                lastSeenIdentityWireSchema,
                PERMISSIONS.audit,
                undefined,
                scope,
              ),
            )
          : none,
        userId ? userFailedLogins(userId, scope) : none,
      ]);

      const gaps: string[] = unavailableGaps(event);
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

      const loaded = value(app);
      const accessApp = loaded?.app;
      if (loaded) gaps.push(...loaded.gaps);
      if (accessApp) {
        const listResults = await Promise.allSettled(
          referencedListIds(accessApp, context.groups).map((id) =>
            cache.lists.get(id, () => loadList(id, scope)),
          ),
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

      const idp = identityProviderOf(
        event.identityProvider,
        context.identityProviders,
        lastSeenWire?.idp?.id,
      );
      const lastSeenDetails = lastSeenWire ? toLastSeenDetails(lastSeenWire) : undefined;
      const token = context.serviceTokens.find(
        (t) => t.id === event.serviceTokenId || t.clientId === event.serviceTokenId,
      );
      const names: ResolvedNames = {
        ...(accessApp?.name ? { appName: accessApp.name } : {}),
        ...(accessApp?.domain ? { appDomain: accessApp.domain } : {}),
        ...(loaded && loaded.hostnames.length > 1 ? { appHostnames: loaded.hostnames } : {}),
        ...(loaded?.allowAuthenticateViaWarp != null
          ? { allowAuthenticateViaWarp: loaded.allowAuthenticateViaWarp }
          : {}),
        ...(lastSeenDetails && Object.keys(lastSeenDetails).length > 0 ? { lastSeen: lastSeenDetails } : {}),
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
          : {
              recentFailedLogins: recent.slice(0, RECENT_FAILURES).map(({ email: _e, aud: _a, ...f }) => f),
            }),
      };
    },
  };
}
