import type { SampleDataset } from './dataset.js';

/** Cloudflare API token permission groups the stand-in checks (Read level). */
export const ALL_PERMISSIONS = [
  'Account Analytics Read',
  'Access: Apps and Policies Read',
  'Access: Audit Logs Read',
  'Access: Organizations, Identity Providers, and Groups Read',
  'Access: Service Tokens Read',
  'Access: Device Posture Read',
  'Zero Trust Read',
  'Account Settings Read',
] as const;
export type Permission = (typeof ALL_PERMISSIONS)[number];

export interface V4Message {
  code: number;
  message: string;
}

/**
 * `result_info` of a list. Access endpoints send `{page, per_page, count, total_count}` and no
 * `total_pages` (the published OpenAPI's `access_result_info`); others add `total_pages`.
 */
export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages?: number;
}

/** Cloudflare's v4 envelope. */
export interface V4Envelope {
  success: boolean;
  errors: V4Message[];
  messages: Array<V4Message & { type?: string | null }>;
  result: unknown;
  result_info?: ResultInfo;
}

export interface RestReply {
  status: number;
  body: V4Envelope;
}

export interface RestRequest {
  method: string;
  /** Path below `/client/v4`, e.g. `/accounts/abc/access/apps`. */
  path: string;
  query: URLSearchParams;
  permissions: ReadonlySet<Permission>;
  dataset: SampleDataset;
  tokenId: string;
  /** `access_requests` filters this account refuses with HTTP 400 (an API without them). */
  rejectLogFilters?: readonly string[];
}

export function v4Failure(status: number, code: number, message: string): RestReply {
  return { status, body: { success: false, errors: [{ code, message }], messages: [], result: null } };
}

export const authenticationError = (status: number): RestReply =>
  v4Failure(status, 10000, 'Authentication error');

const noRoute = (): RestReply => v4Failure(404, 7000, 'No route for that URI');

const unknownObject = (path: string): RestReply =>
  v4Failure(404, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);

function ok(result: unknown, resultInfo?: ResultInfo): RestReply {
  const body: V4Envelope = { success: true, errors: [], messages: [], result };
  return { status: 200, body: resultInfo ? { ...body, result_info: resultInfo } : body };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  const n = raw === null ? Number.NaN : Number(raw);
  if (!Number.isInteger(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

/**
 * How each list pages: its default and maximum `per_page` (a larger ask is cut to the maximum and
 * the applied value echoed), and whether `result_info` carries `total_pages`. Documented maxima:
 * app and reusable policies and identity providers, default 200/100/200, max 1000
 * (cloudflare-typescript @faaaf89, 2026-08-18). The Access lists' `result_info` schema has no
 * `total_pages` (OpenAPI `access_result_info`). Lists whose maximum is not published get 50 here,
 * so the bot's paging over a capped endpoint is exercised.
 */
interface Paging {
  defaultPerPage: number;
  maxPerPage: number;
  totalPages: boolean;
}
const access = (defaultPerPage: number, maxPerPage: number): Paging => ({
  defaultPerPage,
  maxPerPage,
  totalPages: false,
});
const PAGING = {
  apps: access(25, 50),
  appPolicies: access(200, 1000),
  reusablePolicies: access(100, 1000),
  groups: access(25, 50),
  identityProviders: access(200, 1000),
  serviceTokens: access(25, 50),
  users: access(25, 50),
  failedLogins: access(25, 50),
  postureRules: { defaultPerPage: 25, maxPerPage: 50, totalPages: true },
  gatewayListItems: { defaultPerPage: 50, maxPerPage: 50, totalPages: true },
} as const satisfies Record<string, Paging>;

function paginate(items: readonly unknown[], query: URLSearchParams, paging: Paging): RestReply {
  const perPage = intParam(query, 'per_page', paging.defaultPerPage, 1, paging.maxPerPage);
  const page = intParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const info: ResultInfo = { page, per_page: perPage, count: slice.length, total_count: items.length };
  return ok(slice, paging.totalPages ? { ...info, total_pages: Math.ceil(items.length / perPage) } : info);
}

const contains = (haystack: string, needle: string): boolean =>
  haystack.toLowerCase().includes(needle.toLowerCase());
const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Keeps items whose `field` matches the query parameter of the same name (if given). */
function textFilter<T>(items: T[], query: URLSearchParams, param: string, pick: (item: T) => string): T[] {
  const wanted = query.get(param);
  if (wanted === null || wanted === '') return items;
  const exact = query.get('exact') === 'true';
  return items.filter((item) => (exact ? sameText(pick(item), wanted) : contains(pick(item), wanted)));
}

type Handler = (params: string[], req: RestRequest) => RestReply;

interface Route {
  pattern: RegExp;
  /** Any one permission suffices; null = any valid token. */
  permission: Permission | null;
  handle: Handler;
}

const ACCOUNT = '/accounts/([^/]+)';
const APPS: Permission = 'Access: Apps and Policies Read';
const AUDIT: Permission = 'Access: Audit Logs Read';
const ORG: Permission = 'Access: Organizations, Identity Providers, and Groups Read';
const TOKENS: Permission = 'Access: Service Tokens Read';
const POSTURE: Permission = 'Access: Device Posture Read';
const ZERO_TRUST: Permission = 'Zero Trust Read';
/** The account audit log's permission (`audit-logs-get-account-audit-logs`, api-schemas @c92b9b0f). */
const ACCOUNT_SETTINGS: Permission = 'Account Settings Read';

function byId<T extends { id: string }>(
  items: readonly T[],
  id: string | undefined,
  req: RestRequest,
): RestReply {
  const found = items.find((item) => item.id === id);
  return found ? ok(found) : unknownObject(req.path);
}

const route = (path: string, permission: Permission | null, handle: Handler): Route => ({
  pattern: new RegExp(`^${path}$`),
  permission,
  handle,
});

const ROUTES: Route[] = [
  route('/user/tokens/verify', null, (_p, req) => ({
    status: 200,
    body: {
      success: true,
      errors: [],
      messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
      result: { id: req.tokenId, status: 'active' },
    },
  })),
  route(`${ACCOUNT}/access/apps`, APPS, (_p, req) => {
    let apps = req.dataset.apps;
    apps = textFilter(apps, req.query, 'name', (a) => a.name);
    apps = textFilter(apps, req.query, 'domain', (a) => a.domain);
    apps = textFilter(apps, req.query, 'search', (a) => `${a.name} ${a.domain}`);
    const aud = req.query.get('aud');
    if (aud) apps = apps.filter((a) => a.aud === aud);
    return paginate(apps, req.query, PAGING.apps);
  }),
  route(`${ACCOUNT}/access/apps/([^/]+)`, APPS, ([, appId], req) => byId(req.dataset.apps, appId, req)),
  route(`${ACCOUNT}/access/apps/([^/]+)/policies`, APPS, ([, appId], req) => {
    const app = req.dataset.apps.find((a) => a.id === appId);
    return app ? paginate(app.policies, req.query, PAGING.appPolicies) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/apps/([^/]+)/policies/([^/]+)`, APPS, ([, appId, policyId], req) => {
    const app = req.dataset.apps.find((a) => a.id === appId);
    return app ? byId(app.policies, policyId, req) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/policies`, APPS, (_p, req) =>
    paginate(
      req.dataset.reusablePolicies.map((p) => withAppCount(p.id, p, req.dataset)),
      req.query,
      PAGING.reusablePolicies,
    ),
  ),
  route(`${ACCOUNT}/access/policies/([^/]+)`, APPS, ([, policyId], req) => {
    const found = req.dataset.reusablePolicies.find((p) => p.id === policyId);
    return found ? ok(withAppCount(found.id, found, req.dataset)) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/groups`, ORG, (_p, req) =>
    paginate(
      textFilter(req.dataset.groups, req.query, 'name', (g) => g.name),
      req.query,
      PAGING.groups,
    ),
  ),
  route(`${ACCOUNT}/access/groups/([^/]+)`, ORG, ([, id], req) => byId(req.dataset.groups, id, req)),
  route(`${ACCOUNT}/access/identity_providers`, ORG, (_p, req) =>
    paginate(req.dataset.identityProviders, req.query, PAGING.identityProviders),
  ),
  route(`${ACCOUNT}/access/identity_providers/([^/]+)`, ORG, ([, id], req) =>
    byId(req.dataset.identityProviders, id, req),
  ),
  route(`${ACCOUNT}/access/service_tokens`, TOKENS, (_p, req) => {
    let tokens = req.dataset.serviceTokens;
    tokens = textFilter(tokens, req.query, 'name', (t) => t.name);
    tokens = textFilter(tokens, req.query, 'search', (t) => `${t.name} ${t.client_id}`);
    return paginate(tokens, req.query, PAGING.serviceTokens);
  }),
  route(`${ACCOUNT}/access/service_tokens/([^/]+)`, TOKENS, ([, id], req) =>
    byId(req.dataset.serviceTokens, id, req),
  ),
  route(`${ACCOUNT}/devices/posture`, POSTURE, (_p, req) =>
    paginate(req.dataset.postureRules, req.query, PAGING.postureRules),
  ),
  route(`${ACCOUNT}/devices/posture/([^/]+)`, POSTURE, ([, id], req) =>
    byId(req.dataset.postureRules, id, req),
  ),
  route(`${ACCOUNT}/gateway/lists/([^/]+)`, ZERO_TRUST, ([, listId], req) => {
    const found = req.dataset.gatewayLists.find((l) => l.id === listId);
    if (!found) return unknownObject(req.path);
    // The list itself carries a count; its entries come from `/items`.
    const { id, name, type, description, items, created_at, updated_at } = found;
    return ok({ id, name, type, description, count: items.length, created_at, updated_at });
  }),
  route(`${ACCOUNT}/gateway/lists/([^/]+)/items`, ZERO_TRUST, ([, listId], req) => {
    const found = req.dataset.gatewayLists.find((l) => l.id === listId);
    return found ? paginate(found.items, req.query, PAGING.gatewayListItems) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/users`, AUDIT, (_p, req) => {
    let users = req.dataset.users;
    const email = req.query.get('email');
    if (email) users = users.filter((u) => sameText(u.email, email));
    users = textFilter(users, req.query, 'name', (u) => u.name);
    users = textFilter(users, req.query, 'search', (u) => `${u.email} ${u.name}`);
    return paginate(users, req.query, PAGING.users);
  }),
  route(`${ACCOUNT}/access/users/([^/]+)/failed_logins`, AUDIT, ([, userId], req) => {
    const logins = userId === undefined ? undefined : req.dataset.failedLogins[userId];
    return logins ? paginate(logins, req.query, PAGING.failedLogins) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/users/([^/]+)/last_seen_identity`, AUDIT, ([, userId], req) => {
    const identity = userId === undefined ? undefined : req.dataset.lastSeenIdentities[userId];
    return identity ? ok(identity) : unknownObject(req.path);
  }),
  route(`${ACCOUNT}/access/logs/access_requests`, AUDIT, (_p, req) => accessRequests(req)),
  route(`${ACCOUNT}/audit_logs`, ACCOUNT_SETTINGS, (_p, req) => auditLogs(req)),
];

/** A `since`/`before` bound: an RFC 3339 date (UTC midnight) or date-time; NaN when absent or unreadable. */
function timeBound(query: URLSearchParams, name: string): number {
  const raw = query.get(name) ?? '';
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
}

/**
 * `GET /accounts/{id}/audit_logs` (v1) as published (`audit-logs-get-account-audit-logs`,
 * api-schemas @c92b9b0f): `since` (newer than) / `before` (older than), `id`, `action.type`,
 * `actor.email`, `actor.ip`, `direction` (default desc), `page`, `per_page` (default 100, max 1000).
 * There is no resource filter.
 */
function auditLogs(req: RestRequest): RestReply {
  const { query } = req;
  const since = timeBound(query, 'since');
  const before = timeBound(query, 'before');
  const keep = (wanted: string | null, actual: string) =>
    wanted === null || wanted === '' || sameText(wanted, actual);
  const ascending = query.get('direction') === 'asc';
  const entries = req.dataset.auditLogs
    .filter((e) => {
      const t = Date.parse(e.when);
      if (!Number.isNaN(since) && !(t > since)) return false;
      if (!Number.isNaN(before) && !(t < before)) return false;
      return (
        keep(query.get('id'), e.id) &&
        keep(query.get('action.type'), e.action.type) &&
        keep(query.get('actor.email'), e.actor.email) &&
        keep(query.get('actor.ip'), e.actor.ip)
      );
    })
    .sort((a, b) => (ascending ? 1 : -1) * a.when.localeCompare(b.when));
  return paginate(entries, query, { defaultPerPage: 100, maxPerPage: 1000, totalPages: true });
}

function withAppCount(policyId: string, policy: object, dataset: SampleDataset): object {
  const appCount = dataset.apps.filter((a) => a.policies.some((p) => p.id === policyId)).length;
  return { ...policy, app_count: appCount };
}

/** Largest `per_page` / `limit` the identity log honours here (the legacy `limit` went to 1 000). */
const LOG_MAX_PER_PAGE = 1000;

/** `eq` (default) or `neq` on one field, as `<field>Op` says. */
function opFilter(query: URLSearchParams, name: string, actual: string): boolean {
  const wanted = query.get(name);
  if (wanted === null || wanted === '') return true;
  const equal = sameText(actual, wanted);
  return query.get(`${name}Op`) === 'neq' ? !equal : equal;
}

/**
 * `GET /access/logs/access_requests` as documented (developers.cloudflare.com/api/resources/
 * zero_trust/subresources/access/subresources/logs/subresources/access_requests/methods/list):
 * `since`/`until`, `direction` (default desc), `page`/`per_page` (legacy `limit` when no
 * `per_page`), `email` as a substring unless `email_exact=true` or `emailOp=eq` (`neq` excludes),
 * and `eq`/`neq` filters on ray_id, app_uid, allowed, idp (the connection), non_identity. Its
 * `result_info` carries `total_count: 0` whatever the rows, as a live account was seen to answer.
 */
function accessRequests(req: RestRequest): RestReply {
  const { query } = req;
  const refused = (req.rejectLogFilters ?? []).find((name) => query.has(name));
  if (refused) return v4Failure(400, 10001, `unknown query parameter: ${refused}`);
  const since = Date.parse(query.get('since') ?? '');
  const until = Date.parse(query.get('until') ?? '');
  const email = query.get('email');
  const exact = query.get('email_exact') === 'true' || query.get('emailOp') === 'eq';
  const excludeEmail = query.get('emailOp') === 'neq';
  const perPage = query.has('per_page')
    ? intParam(query, 'per_page', 25, 1, LOG_MAX_PER_PAGE)
    : intParam(query, 'limit', 25, 1, LOG_MAX_PER_PAGE);
  const page = intParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const ascending = query.get('direction') === 'asc';
  const rows = req.dataset.accessRequests
    .filter((row) => {
      const t = Date.parse(row.created_at ?? '');
      if (!Number.isNaN(since) && !(t >= since)) return false;
      if (!Number.isNaN(until) && !(t <= until)) return false;
      if (email) {
        const value = row.user_email ?? '';
        const matches = exact ? sameText(value, email) : contains(value, email);
        if (matches === excludeEmail) return false;
      }
      return (
        opFilter(query, 'ray_id', row.ray_id ?? '') &&
        opFilter(query, 'app_uid', row.app_uid ?? '') &&
        opFilter(query, 'allowed', String(row.allowed ?? '')) &&
        opFilter(query, 'idp', row.connection ?? '') &&
        opFilter(query, 'non_identity', 'false')
      );
    })
    .sort((a, b) => (ascending ? 1 : -1) * (a.created_at ?? '').localeCompare(b.created_at ?? ''));
  const slice = rows.slice((page - 1) * perPage, page * perPage);
  return ok(slice, { page, per_page: perPage, count: slice.length, total_count: 0 });
}

/**
 * Answers a Cloudflare REST v4 GET the way the API does: route, then account, then token permission,
 * then the object (404 code 7003 for an unknown id, 7000 for an unknown route).
 */
export function handleRestRequest(req: RestRequest): RestReply {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    if (req.method !== 'GET') return noRoute();
    const params = match.slice(1);
    if (path.startsWith('/accounts/') && params[0] !== req.dataset.accountId) return authenticationError(403);
    if (candidate.permission !== null && !req.permissions.has(candidate.permission)) {
      return authenticationError(403);
    }
    return candidate.handle(params, { ...req, path });
  }
  return noRoute();
}
