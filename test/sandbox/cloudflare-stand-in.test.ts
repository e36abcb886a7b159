import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  type CloudflareStandIn,
  DEFAULT_STAND_IN_TOKEN,
  startCloudflareStandIn,
  type WireFault,
} from '../../src/sandbox/cloudflare-stand-in.js';
import { createSampleDataset, SAMPLE_ACCOUNT_ID, SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { createStandInSchema, DIMENSION_NAMES } from '../../src/sandbox/schema.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const DAY_MS = 86_400_000;
const AUTH = { authorization: `Bearer ${DEFAULT_STAND_IN_TOKEN}` };

// biome-ignore lint/suspicious/noExplicitAny: the tests walk response JSON by hand and assert on every step.
type Json = any;

let cf: CloudflareStandIn;

beforeAll(async () => {
  cf = await startCloudflareStandIn({ now: () => NOW });
});
afterAll(async () => {
  await cf.close();
});
afterEach(() => {
  cf.clearFaults();
  cf.requests.length = 0;
});

interface GraphqlReply {
  status: number;
  contentType: string | null;
  json: {
    data: Json;
    errors: Array<{ message: string; path: string[] | null; extensions: Record<string, unknown> }> | null;
  };
}

async function graphql(
  query: string,
  variables: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; target?: CloudflareStandIn } = {},
): Promise<GraphqlReply> {
  const target = options.target ?? cf;
  const response = await fetch(`${target.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.headers ?? AUTH) },
    body: JSON.stringify({ query, variables, operationName: /query (\w+)/.exec(query)?.[1] }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    json: (await response.json()) as GraphqlReply['json'],
  };
}

async function rest(
  path: string,
  options: { headers?: Record<string, string>; target?: CloudflareStandIn } = {},
) {
  const target = options.target ?? cf;
  const response = await fetch(`${target.apiUrl}${path}`, { headers: options.headers ?? AUTH });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Json };
}

const account = () => `/accounts/${cf.dataset.accountId}`;

const BY_RAY_ID = `query AccessLoginByRayId($accountTag: string!, $rayId: string!, $start: Time!, $end: Time!) {
  viewer {
    accounts(filter: { accountTag: $accountTag }) {
      accessLoginRequestsAdaptiveGroups(
        filter: { cfRayId: $rayId, datetime_geq: $start, datetime_leq: $end }
        limit: 10
        orderBy: [datetime_DESC]
      ) {
        count
        avg { sampleInterval }
        dimensions { ${DIMENSION_NAMES.join(' ')} }
      }
    }
  }
}`;

const lastWeek = { start: new Date(NOW.getTime() - 7 * DAY_MS).toISOString(), end: NOW.toISOString() };

function eventByRay(rayId: string) {
  const event = cf.dataset.events.find((e) => e.cfRayId === rayId);
  if (!event) throw new Error(`no sample event ${rayId}`);
  return event;
}

const groupsOf = (reply: GraphqlReply) =>
  reply.json.data.viewer.accounts[0].accessLoginRequestsAdaptiveGroups;

describe('GraphQL: accessLoginRequestsAdaptiveGroups', () => {
  it('returns the row for a Ray ID with all 19 dimensions and errors: null', async () => {
    const event = eventByRay(SAMPLE_RAY.mtlsMissing);
    const reply = await graphql(BY_RAY_ID, {
      accountTag: SAMPLE_ACCOUNT_ID,
      rayId: event.cfRayId,
      ...lastWeek,
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toHaveProperty('errors', null);
    const groups = groupsOf(reply);
    expect(groups).toHaveLength(1);
    expect(groups[0].count).toBe(1);
    expect(groups[0].avg).toEqual({ sampleInterval: 1 });
    expect(groups[0].dimensions).toEqual(Object.fromEntries(DIMENSION_NAMES.map((n) => [n, event[n]])));
    expect(groups[0].dimensions).toMatchObject({
      mtlsStatus: 'NONE',
      identityProvider: 'nonidentity',
      userUuid: '',
    });
  });

  it('records the operation name, variables and headers it was sent', async () => {
    await graphql(BY_RAY_ID, { accountTag: SAMPLE_ACCOUNT_ID, rayId: '0123456789abcdef', ...lastWeek });
    const [call] = cf.requests;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/client/v4/graphql');
    expect(call?.operationName).toBe('AccessLoginByRayId');
    expect(call?.variables).toMatchObject({ rayId: '0123456789abcdef', accountTag: SAMPLE_ACCOUNT_ID });
    expect(call?.headers.authorization).toBe(AUTH.authorization);
  });

  it('returns an empty list for a Ray ID that is not an Access event', async () => {
    const reply = await graphql(BY_RAY_ID, {
      accountTag: SAMPLE_ACCOUNT_ID,
      rayId: SAMPLE_RAY.wafBlock,
      ...lastWeek,
    });
    expect(reply.json.errors).toBeNull();
    expect(groupsOf(reply)).toEqual([]);
  });

  it('finds an older event only in the window that covers it', async () => {
    const old = eventByRay(SAMPLE_RAY.countryNotAllowed);
    const vars = { accountTag: SAMPLE_ACCOUNT_ID, rayId: old.cfRayId };
    expect(groupsOf(await graphql(BY_RAY_ID, { ...vars, ...lastWeek }))).toEqual([]);
    const previousWeek = {
      start: new Date(NOW.getTime() - 14 * DAY_MS).toISOString(),
      end: new Date(NOW.getTime() - 7 * DAY_MS).toISOString(),
    };
    expect(groupsOf(await graphql(BY_RAY_ID, { ...vars, ...previousWeek }))[0].dimensions.country).toBe('BR');
  });

  it('rejects an unknown field (appName) with a validation error in a 200, as Cloudflare does', async () => {
    const reply = await graphql(
      `query Bad($accountTag: string!) {
      viewer { accounts(filter: { accountTag: $accountTag }) {
        accessLoginRequestsAdaptiveGroups(filter: { datetime_geq: "${lastWeek.start}" }, limit: 1) {
          dimensions { appName cfRayId }
        }
      } }
    }`,
      { accountTag: SAMPLE_ACCOUNT_ID },
    );
    expect(reply.status).toBe(200);
    expect(reply.json.data).toBeNull();
    expect(reply.json.errors?.[0]?.message).toMatch(/appName/);
    expect(reply.json.errors?.[0]?.extensions.timestamp).toBe(NOW.toISOString());
  });

  it('rejects a value of the wrong scalar type', async () => {
    const reply = await graphql(BY_RAY_ID, {
      accountTag: SAMPLE_ACCOUNT_ID,
      rayId: SAMPLE_RAY.mtlsMissing,
      start: 'yesterday',
      end: NOW.toISOString(),
    });
    expect(reply.json.data).toBeNull();
    expect(reply.json.errors?.[0]?.message).toMatch(/\$start.*invalid value "yesterday"/);
  });

  it('answers a wrong or missing token with HTTP 401', async () => {
    const vars = { accountTag: SAMPLE_ACCOUNT_ID, rayId: SAMPLE_RAY.mtlsMissing, ...lastWeek };
    const wrong = await graphql(BY_RAY_ID, vars, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.data).toBeNull();
    expect(wrong.json.errors?.[0]?.message).toBe('Unauthorized');
    expect((await graphql(BY_RAY_ID, vars, { headers: {} })).status).toBe(401);
  });

  it('answers a foreign accountTag with the authz error', async () => {
    const reply = await graphql(BY_RAY_ID, {
      accountTag: 'f'.repeat(32),
      rayId: SAMPLE_RAY.mtlsMissing,
      ...lastWeek,
    });
    expect(reply.status).toBe(200);
    expect(reply.json.data).toBeNull();
    expect(reply.json.errors).toEqual([
      {
        message: 'not authorized for that account',
        path: ['viewer', 'accounts', '0', 'accessLoginRequestsAdaptiveGroups'],
        extensions: { code: 'authz', timestamp: NOW.toISOString() },
      },
    ]);
  });

  describe('enforces the dataset limits as errors in a 200', () => {
    const windowQuery = (filter: string, limit = 10) => `query Window($accountTag: string!) {
      viewer { accounts(filter: { accountTag: $accountTag }) {
        accessLoginRequestsAdaptiveGroups(filter: ${filter}, limit: ${limit}) { count }
      } }
    }`;
    const iso = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();
    const expectLimitError = async (query: string, message: RegExp) => {
      const reply = await graphql(query, { accountTag: SAMPLE_ACCOUNT_ID });
      expect(reply.status).toBe(200);
      expect(reply.json.data).toBeNull();
      expect(reply.json.errors).toHaveLength(1);
      expect(reply.json.errors?.[0]?.message).toMatch(message);
      expect(reply.json.errors?.[0]?.path).toEqual([
        'viewer',
        'accounts',
        '0',
        'accessLoginRequestsAdaptiveGroups',
      ]);
    };

    it('a range wider than maxDuration (7 days)', async () => {
      await expectLimitError(
        windowQuery(`{ datetime_geq: "${iso(8 * DAY_MS)}", datetime_leq: "${iso(0)}" }`),
        /^query time range is too large/,
      );
    });

    it('a start older than notOlderThan (90 days)', async () => {
      await expectLimitError(
        windowQuery(`{ datetime_geq: "${iso(100 * DAY_MS)}", datetime_leq: "${iso(99 * DAY_MS)}" }`),
        /^cannot request data older than 7776000s$/,
      );
    });

    it('no datetime range at all', async () => {
      await expectLimitError(
        windowQuery('{ cfRayId: "1648fa88257bbed6" }'),
        /^query time range is too large/,
      );
    });

    it('a start without an end counts up to now', async () => {
      const reply = await graphql(windowQuery(`{ datetime_geq: "${iso(DAY_MS)}" }`), {
        accountTag: SAMPLE_ACCOUNT_ID,
      });
      expect(reply.json.errors).toBeNull();
      await expectLimitError(
        windowQuery(`{ datetime_geq: "${iso(8 * DAY_MS)}" }`),
        /^query time range is too large/,
      );
    });

    it('a limit above maxPageSize, or zero', async () => {
      const range = `{ datetime_geq: "${iso(DAY_MS)}", datetime_leq: "${iso(0)}" }`;
      await expectLimitError(
        windowQuery(range, 10_001),
        /^limit must be positive number and not greater than 10000$/,
      );
      await expectLimitError(windowQuery(range, 0), /^limit must be positive number/);
    });
  });

  it('filters with AND/OR, _in, _like/_notlike, bytes _in and orders, grouping by the selected dimensions', async () => {
    const metricsApp = eventByRay(SAMPLE_RAY.serviceTokenMissing).appId;
    const reply = await graphql(
      `query Grouped($accountTag: string!, $start: Time!, $end: Time!) {
        viewer { accounts(filter: { accountTag: $accountTag }) {
          denials: accessLoginRequestsAdaptiveGroups(
            filter: { AND: [{ datetime_geq: $start }, { datetime_leq: $end }], isSuccessfulLogin_in: [0] }
            limit: 100
            orderBy: [cfRayId_ASC]
          ) { dimensions { cfRayId } }
          perApp: accessLoginRequestsAdaptiveGroups(
            filter: { datetime_geq: $start, datetime_leq: $end }
            limit: 3
            orderBy: [count_DESC]
          ) { count dimensions { appId } }
          picked: accessLoginRequestsAdaptiveGroups(
            filter: {
              datetime_geq: $start, datetime_leq: $end
              OR: [{ cfRayId_in: ["${SAMPLE_RAY.warpRequired}", "${SAMPLE_RAY.gatewayRequired}"] }, { ipAddress_like: "192.0.2.4%" }]
              identityProvider_notlike: "ok%"
            }
            limit: 10
            orderBy: [datetime_ASC]
          ) { dimensions { cfRayId } }
        } }
      }`,
      { accountTag: SAMPLE_ACCOUNT_ID, ...lastWeek },
    );
    expect(reply.json.errors).toBeNull();
    const acct = reply.json.data.viewer.accounts[0];

    const inWeek = cf.dataset.events.filter((e) => Date.parse(e.datetime) >= Date.parse(lastWeek.start));
    const denials = inWeek.filter((e) => e.isSuccessfulLogin === 0).map((e) => e.cfRayId);
    expect(acct.denials.map((g: Json) => g.dimensions.cfRayId)).toEqual([...denials].sort());

    expect(acct.perApp).toHaveLength(3);
    expect(acct.perApp[0]).toEqual({
      count: inWeek.filter((e) => e.appId === metricsApp).length,
      dimensions: { appId: metricsApp },
    });
    expect(acct.perApp[0].count).toBeGreaterThan(acct.perApp[1].count);

    expect(acct.picked.map((g: Json) => g.dimensions.cfRayId)).toEqual([
      SAMPLE_RAY.gatewayRequired,
      SAMPLE_RAY.warpRequired,
      SAMPLE_RAY.mtlsMissing,
    ]);
  });

  it('serves the settings node, with overrides applied', async () => {
    const tight = await startCloudflareStandIn({
      now: () => NOW,
      settings: { maxPageSize: 500, maxDuration: 86_400 },
    });
    try {
      const reply = await graphql(
        `query Settings($accountTag: string!) {
          viewer { accounts(filter: { accountTag: $accountTag }) {
            settings { accessLoginRequestsAdaptiveGroups {
              enabled maxDuration maxPageSize notOlderThan maxNumberOfFields availableFields
            } }
          } }
        }`,
        { accountTag: SAMPLE_ACCOUNT_ID },
        { target: tight },
      );
      expect(reply.json.errors).toBeNull();
      const settings = reply.json.data.viewer.accounts[0].settings.accessLoginRequestsAdaptiveGroups;
      expect(settings).toMatchObject({
        enabled: true,
        maxDuration: 86_400,
        maxPageSize: 500,
        notOlderThan: 7_776_000,
        maxNumberOfFields: 30,
      });
      expect([...settings.availableFields].sort()).toEqual([...DIMENSION_NAMES, 'count'].sort());
    } finally {
      await tight.close();
    }
  });
});

describe('permissions', () => {
  let limited: CloudflareStandIn;
  beforeAll(async () => {
    limited = await startCloudflareStandIn({
      now: () => NOW,
      permissions: ['Access: Apps and Policies Read'],
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('without Account Analytics Read, GraphQL answers the authz error', async () => {
    const reply = await graphql(
      BY_RAY_ID,
      { accountTag: SAMPLE_ACCOUNT_ID, rayId: SAMPLE_RAY.mtlsMissing, ...lastWeek },
      { target: limited },
    );
    expect(reply.status).toBe(200);
    expect(reply.json.data).toBeNull();
    expect(reply.json.errors?.[0]).toMatchObject({
      message: 'not authorized for that account',
      path: ['viewer', 'accounts', '0', 'accessLoginRequestsAdaptiveGroups'],
      extensions: { code: 'authz' },
    });
  });

  it('REST answers 403 code 10000 for an endpoint the token may not read, and serves the one it may', async () => {
    const denied = await rest(`${account()}/access/users`, { target: limited });
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({
      success: false,
      errors: [{ code: 10000, message: 'Authentication error' }],
      messages: [],
      result: null,
    });
    const list = limited.dataset.gatewayLists[0]?.id;
    for (const path of [
      '/access/service_tokens',
      '/access/groups',
      '/devices/posture',
      '/access/logs/access_requests',
      `/gateway/lists/${list}`,
      `/gateway/lists/${list}/items`,
    ]) {
      expect((await rest(`${account()}${path}`, { target: limited })).status, path).toBe(403);
    }
    expect((await rest(`${account()}/access/apps`, { target: limited })).status).toBe(200);
  });

  it('Gateway lists need Zero Trust Read: 403 code 10000 without it, 200 with it alone', async () => {
    const list = cf.dataset.gatewayLists[0];
    if (!list) throw new Error('no gateway lists');
    const paths = [`${account()}/gateway/lists/${list.id}`, `${account()}/gateway/lists/${list.id}/items`];
    const allButZeroTrust = await startCloudflareStandIn({
      now: () => NOW,
      permissions: ALL_PERMISSIONS.filter((p) => p !== 'Zero Trust Read'),
    });
    const zeroTrustOnly = await startCloudflareStandIn({ now: () => NOW, permissions: ['Zero Trust Read'] });
    try {
      for (const path of paths) {
        const denied = await rest(path, { target: allButZeroTrust });
        expect(denied.status, path).toBe(403);
        expect(denied.json).toEqual({
          success: false,
          errors: [{ code: 10000, message: 'Authentication error' }],
          messages: [],
          result: null,
        });
        expect((await rest(path, { target: zeroTrustOnly })).status, path).toBe(200);
      }
      // An unknown list is still a permission error first, as for every other route.
      expect((await rest(`${account()}/gateway/lists/nope`, { target: allButZeroTrust })).status).toBe(403);
    } finally {
      await allButZeroTrust.close();
      await zeroTrustOnly.close();
    }
  });

  it('ALL_PERMISSIONS names the eight Cloudflare permission groups', () => {
    expect(ALL_PERMISSIONS).toHaveLength(8);
    expect(ALL_PERMISSIONS).toContain('Account Settings Read');
    expect(ALL_PERMISSIONS).toContain('Account Analytics Read');
    expect(ALL_PERMISSIONS).toContain('Zero Trust Read');
  });
});

describe('REST', () => {
  it('verifies the token', async () => {
    const reply = await rest('/user/tokens/verify');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ success: true, errors: [], result: { status: 'active' } });
    expect(reply.json.result.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers a missing token with 400 and a wrong one with 403, both code 10000', async () => {
    const missing = await rest(`${account()}/access/apps`, { headers: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ code: 10000, message: 'Authentication error' }]);
    const wrong = await rest(`${account()}/access/apps`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(403);
    expect(wrong.json.success).toBe(false);
  });

  it('pages Access lists like Cloudflare: total_count and per_page, no total_pages, per_page capped', async () => {
    const seen: string[] = [];
    let page = 1;
    let reply: Awaited<ReturnType<typeof rest>>;
    do {
      reply = await rest(`${account()}/access/apps?per_page=2&page=${page}`);
      expect(reply.status).toBe(200);
      expect(reply.json.result_info).toEqual({
        page,
        per_page: 2,
        count: reply.json.result.length,
        total_count: cf.dataset.apps.length,
      });
      seen.push(...reply.json.result.map((a: { id: string }) => a.id));
      page += 1;
    } while (seen.length < reply.json.result_info.total_count);
    expect(seen).toEqual(cf.dataset.apps.map((a) => a.id));
    const beyond = await rest(`${account()}/access/apps?per_page=2&page=${page}`);
    expect(beyond.json.result).toEqual([]);
    // Asking above an endpoint's maximum gets the maximum, echoed in result_info.per_page.
    const capped = await rest(`${account()}/access/service_tokens?per_page=1000`);
    expect(capped.json.result_info.per_page).toBe(50);
    const policies = await rest(`${account()}/access/policies?per_page=5000`);
    expect(policies.json.result_info.per_page).toBe(1000);
    // Device posture (not an Access list) still sends total_pages.
    const posture = await rest(`${account()}/devices/posture?per_page=2`);
    expect(posture.json.result_info.total_pages).toBe(Math.ceil(cf.dataset.postureRules.length / 2));
  });

  it('serves apps (with embedded policies), policies, groups, IdPs, tokens and posture rules by id', async () => {
    const app = cf.dataset.apps[0];
    if (!app) throw new Error('no apps');
    const one = await rest(`${account()}/access/apps/${app.id}`);
    expect(one.json.result).toMatchObject({ id: app.id, uid: app.id, aud: app.aud, name: app.name });
    expect(one.json.result.policies.length).toBeGreaterThan(0);
    expect(one.json).not.toHaveProperty('result_info');

    const policies = await rest(`${account()}/access/apps/${app.id}/policies`);
    expect(policies.json.result.map((p: { precedence: number }) => p.precedence)).toEqual(
      app.policies.map((p) => p.precedence),
    );
    const reusable = await rest(`${account()}/access/policies`);
    expect(reusable.json.result.every((p: { reusable: boolean }) => p.reusable)).toBe(true);
    expect(reusable.json.result[0].app_count).toBeGreaterThan(0);

    const byAud = await rest(`${account()}/access/apps?aud=${app.aud}`);
    expect(byAud.json.result.map((a: { id: string }) => a.id)).toEqual([app.id]);

    const { groups, identityProviders, serviceTokens, postureRules } = cf.dataset;
    for (const [path, id] of [
      ['access/groups', groups[0]?.id],
      ['access/identity_providers', identityProviders[0]?.id],
      ['access/service_tokens', serviceTokens[0]?.id],
      ['devices/posture', postureRules[0]?.id],
    ] as const) {
      const reply = await rest(`${account()}/${path}/${id}`);
      expect(reply.status, path).toBe(200);
      expect(reply.json.result.id).toBe(id);
    }
  });

  it('finds users by email and serves failed logins and the last seen identity', async () => {
    const denied = eventByRay(SAMPLE_RAY.notInInclude);
    const user = cf.dataset.users.find((u) => u.id === denied.userUuid);
    if (!user) throw new Error('sample denial has no user');
    const found = await rest(
      `${account()}/access/users?email=${encodeURIComponent(user.email.toUpperCase())}`,
    );
    expect(found.json.result.map((u: { id: string }) => u.id)).toEqual([user.id]);

    const failed = await rest(`${account()}/access/users/${user.id}/failed_logins`);
    expect(failed.json.result).toContainEqual({
      expiration: expect.any(Number),
      metadata: expect.objectContaining({
        ray_id: denied.cfRayId,
        user_email: user.email,
        user_uuid: user.id,
      }),
    });
    const identity = await rest(`${account()}/access/users/${user.id}/last_seen_identity`);
    expect(identity.json.result).toMatchObject({ email: user.email, user_uuid: user.id });
  });

  it('filters access request logs by since/until, direction and limit', async () => {
    const all = cf.dataset.accessRequests;
    const since = new Date(NOW.getTime() - 3 * 3_600_000).toISOString();
    const reply = await rest(`${account()}/access/logs/access_requests?since=${since}&direction=asc&limit=2`);
    const expected = all
      .filter((r) => (r.created_at ?? '') >= since)
      .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''))
      .slice(0, 2);
    expect(reply.json.result).toEqual(expected);
    expect(expected.length).toBe(2);
  });

  it('pages the identity log and applies its documented filters', async () => {
    const all = cf.dataset.accessRequests;
    const log = (query: string) => rest(`${account()}/access/logs/access_requests?${query}`);
    // page/per_page, newest first; total_count is 0 whatever the rows, as Cloudflare was seen to send.
    const first = await log('per_page=3&page=1');
    const second = await log('per_page=3&page=2');
    expect(first.json.result_info).toEqual({ page: 1, per_page: 3, count: 3, total_count: 0 });
    expect([...first.json.result, ...second.json.result]).toEqual(
      [...all].sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '')).slice(0, 6),
    );
    // email is a substring match unless email_exact=true.
    const alice = cf.dataset.users.find((u) => u.email.startsWith('alice'));
    if (!alice) throw new Error('dataset needs Alice');
    const domain = alice.email.slice(alice.email.indexOf('@'));
    const byDomain = await log(`email=${encodeURIComponent(domain)}&per_page=1000`);
    expect(byDomain.json.result.length).toBe(all.filter((r) => r.user_email?.endsWith(domain)).length);
    const exact = await log(`email=${encodeURIComponent(domain)}&email_exact=true`);
    expect(exact.json.result).toEqual([]);
    const mine = await log(
      `email=${encodeURIComponent(alice.email.toUpperCase())}&email_exact=true&per_page=1000`,
    );
    expect(mine.json.result.length).toBe(all.filter((r) => r.user_email === alice.email).length);
    // ray_id with ray_idOp=eq / neq, app_uid, allowed.
    const one = await log(`ray_id=${SAMPLE_RAY.identityLogOnly}&ray_idOp=eq`);
    expect(one.json.result.map((r: { ray_id: string }) => r.ray_id)).toEqual([SAMPLE_RAY.identityLogOnly]);
    const others = await log(`ray_id=${SAMPLE_RAY.identityLogOnly}&ray_idOp=neq&per_page=1000`);
    expect(others.json.result.length).toBe(all.length - 1);
    const denied = await log('allowed=false&per_page=1000');
    expect(denied.json.result.length).toBe(all.filter((r) => r.allowed === false).length);
    // The sample holds rows the spec allows: no Ray ID, no `allowed`.
    expect(all.some((r) => r.ray_id === undefined)).toBe(true);
    expect(all.some((r) => r.ray_id !== undefined && r.allowed === undefined)).toBe(true);
  });

  it('can refuse an identity-log filter with HTTP 400, as an API without it would', async () => {
    const strict = await startCloudflareStandIn({ rejectLogFilters: ['ray_id'] });
    try {
      const reply = await fetch(
        `${strict.apiUrl}/accounts/${strict.dataset.accountId}/access/logs/access_requests?ray_id=00&ray_idOp=eq`,
        { headers: { authorization: `Bearer ${strict.token}` } },
      );
      expect(reply.status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('answers an unknown object id with 404 code 7003 and an unknown route with 404 code 7000', async () => {
    const path = `${account()}/access/apps/00000000-0000-4000-8000-000000000000`;
    const missing = await rest(path);
    expect(missing.status).toBe(404);
    expect(missing.json.errors).toEqual([
      { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
    ]);
    expect((await rest(`${account()}/access/users/nobody/failed_logins`)).json.errors[0].code).toBe(7003);
    const route = await rest(`${account()}/access/nothing-here`);
    expect(route.status).toBe(404);
    expect(route.json.errors).toEqual([{ code: 7000, message: 'No route for that URI' }]);
  });

  it('serves a Gateway list by id: the list with its count, without its items', async () => {
    const reply = await rest(`${account()}/gateway/lists/${cf.dataset.gatewayLists[0]?.id}`);
    expect(reply.status).toBe(200);
    expect(reply.json).not.toHaveProperty('result_info');
    expect(reply.json.result).toEqual({
      id: '50f94795-3e7f-4329-9a08-32d7b113da98',
      name: 'Office egress IPs',
      type: 'IP',
      description: 'Public egress addresses of the Portland and Dublin offices',
      count: 4,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const contractors = cf.dataset.gatewayLists.find((l) => l.name === 'Contractors');
    const email = await rest(`${account()}/gateway/lists/${contractors?.id}`);
    expect(email.json.result).toMatchObject({ type: 'EMAIL', count: contractors?.items.length });
  });

  it('pages through Gateway list items with page/per_page and result_info', async () => {
    const list = cf.dataset.gatewayLists.find((l) => l.name === 'Office egress IPs');
    if (!list) throw new Error('no office list');
    const path = `${account()}/gateway/lists/${list.id}/items`;
    const first = await rest(`${path}?per_page=3&page=1`);
    expect(first.status).toBe(200);
    expect(first.json.result_info).toEqual({
      page: 1,
      per_page: 3,
      count: 3,
      total_count: 4,
      total_pages: 2,
    });
    expect(first.json.result[0]).toEqual({
      value: '203.0.113.0/24',
      description: 'Portland HQ',
      created_at: expect.any(String),
    });
    const second = await rest(`${path}?per_page=3&page=2`);
    expect(second.json.result_info).toMatchObject({ page: 2, count: 1, total_pages: 2 });
    // An item without a description has no such key.
    expect(second.json.result).toEqual([{ value: '192.0.2.224/28', created_at: expect.any(String) }]);
    const all = await rest(path);
    expect(all.json.result.map((i: { value: string }) => i.value)).toEqual(list.items.map((i) => i.value));
    expect((await rest(`${path}?per_page=3&page=3`)).json.result).toEqual([]);
  });

  it('answers an unknown Gateway list id with 404 code 7003, for the list and for its items', async () => {
    for (const path of [
      `${account()}/gateway/lists/00000000-0000-4000-8000-000000000000`,
      `${account()}/gateway/lists/00000000-0000-4000-8000-000000000000/items`,
    ]) {
      const reply = await rest(path);
      expect(reply.status, path).toBe(404);
      expect(reply.json).toEqual({
        success: false,
        errors: [
          { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
        ],
        messages: [],
        result: null,
      });
    }
  });

  it('answers another account id with 403 code 10000', async () => {
    const reply = await rest(`/accounts/${'e'.repeat(32)}/access/apps`);
    expect(reply.status).toBe(403);
    expect(reply.json.errors[0].code).toBe(10000);
  });
});

describe('faults', () => {
  const ping = () =>
    graphql(BY_RAY_ID, { accountTag: SAMPLE_ACCOUNT_ID, rayId: SAMPLE_RAY.mtlsMissing, ...lastWeek });
  const appsPath = () => `${account()}/access/apps`;

  it('status: a 500 on GraphQL with a Cloudflare-like body, once', async () => {
    cf.injectFault({ kind: 'status', status: 500, target: 'graphql' });
    const failed = await ping();
    expect(failed.status).toBe(500);
    expect(failed.json.errors?.[0]?.message).toBe('Internal server error');
    expect((await ping()).status).toBe(200);
  });

  it('status: a 429 on REST with Retry-After and code 971', async () => {
    cf.injectFault({ kind: 'status', status: 429, target: 'rest', headers: { 'Retry-After': '30' } });
    const limited = await rest(appsPath());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.json.errors).toEqual([
      { code: 971, message: 'Please wait and consider throttling your request speed' },
    ]);
  });

  it('status: a custom body, applied `times` times, only where the target matches', async () => {
    cf.injectFault({ kind: 'status', status: 503, body: 'upstream gone', target: /failed_logins/, times: 2 });
    expect((await rest(appsPath())).status).toBe(200);
    const path = `${account()}/access/users/${cf.dataset.users[0]?.id}/failed_logins`;
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${cf.apiUrl}${path}`, { headers: AUTH });
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('upstream gone');
    }
    expect((await rest(path)).status).toBe(200);
  });

  it('graphql_budget: 429 with the documented budget error', async () => {
    cf.injectFault({ kind: 'graphql_budget' });
    expect((await rest(appsPath())).status).toBe(200); // GraphQL-only by default
    const reply = await ping();
    expect(reply.status).toBe(429);
    expect(reply.json).toEqual({
      data: null,
      errors: [
        {
          message: `Account ${SAMPLE_ACCOUNT_ID} has exceeded its rate limit. Please try again after 5 minutes.`,
          path: null,
          extensions: { code: 'budget', timestamp: NOW.toISOString() },
        },
      ],
    });
  });

  it('malformed: a 200 whose body is an HTML page, not JSON', async () => {
    cf.injectFault({ kind: 'malformed', target: 'graphql' });
    const response = await fetch(`${cf.apiUrl}/graphql`, { method: 'POST', headers: AUTH, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('graphql_errors: a 200 with data null and the given errors', async () => {
    const errors = [{ message: 'unable to execute query, please try again later', path: null }];
    cf.injectFault({ kind: 'graphql_errors', errors });
    const reply = await ping();
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ data: null, errors });
  });

  it('delay: answers late (a client timeout fires first), then normally', async () => {
    cf.injectFault({ kind: 'delay', ms: 60_000 });
    await expect(
      fetch(`${cf.apiUrl}${appsPath()}`, { headers: AUTH, signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
    cf.injectFault({ kind: 'delay', ms: 10 });
    expect((await rest(appsPath())).status).toBe(200);
  });

  it('reset: destroys the connection', async () => {
    cf.injectFault({ kind: 'reset', target: 'rest' });
    await expect(fetch(`${cf.apiUrl}${appsPath()}`, { headers: AUTH })).rejects.toThrow();
    expect((await rest(appsPath())).status).toBe(200);
  });

  it('clearFaults drops queued faults', async () => {
    cf.injectFault({ kind: 'status', status: 500, times: 5 });
    cf.clearFaults();
    expect((await rest(appsPath())).status).toBe(200);
  });

  it('can be steered over HTTP: POST and DELETE /__stand-in/faults', async () => {
    const control = `${new URL(cf.apiUrl).origin}/__stand-in/faults`;
    const post = (fault: WireFault | { kind: string }) =>
      fetch(control, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      });

    expect((await post({ kind: 'status', status: 503, target: { regex: '/access/apps$' } })).status).toBe(
      201,
    );
    expect((await rest(`${account()}/access/groups`)).status).toBe(200);
    expect((await rest(appsPath())).status).toBe(503);

    expect((await post({ kind: 'graphql_budget', times: 3 })).status).toBe(201);
    expect((await fetch(control, { method: 'DELETE' })).status).toBe(200);
    expect((await ping()).status).toBe(200);

    const invalid = await post({ kind: 'explode' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/unknown fault kind/);
    expect(cf.requests.every((r) => !r.path.startsWith('/__stand-in'))).toBe(true);
  });

  it('close() does not wait for a request held by a delay fault', async () => {
    const standIn = await startCloudflareStandIn({ now: () => NOW });
    standIn.injectFault({ kind: 'delay', ms: 600_000 });
    const pending = fetch(`${standIn.apiUrl}/user/tokens/verify`, { headers: AUTH }).catch((e: unknown) => e);
    while (standIn.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await standIn.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('latencyMs delays responses without changing them', async () => {
    const slow = await startCloudflareStandIn({ now: () => NOW, latencyMs: 5 });
    try {
      expect((await rest('/user/tokens/verify', { target: slow })).status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});

describe('sample dataset', () => {
  const dataset = createSampleDataset(NOW);
  const rayPattern = /\b[0-9a-f]{16}\b/g;

  it('has 16-hex, unique Ray IDs, each event on an existing app, inside retention and not in the future', () => {
    const rays = dataset.events.map((e) => e.cfRayId);
    expect(new Set(rays).size).toBe(rays.length);
    const appIds = new Set(dataset.apps.map((a) => a.id));
    for (const event of dataset.events) {
      expect(event.cfRayId).toMatch(/^[0-9a-f]{16}$/);
      expect(appIds.has(event.appId), event.cfRayId).toBe(true);
      const age = NOW.getTime() - Date.parse(event.datetime);
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThan(dataset.settings.notOlderThan * 1000);
      expect(event.date).toBe(event.datetime.slice(0, 10));
      expect(event.datetimeMinute).toBe(`${event.datetime.slice(0, 16)}:00Z`);
    }
  });

  it('refers only to things that exist: policies of the app, tokens, users', () => {
    const tokenIds = new Set(dataset.serviceTokens.map((t) => t.id));
    const userIds = new Set(dataset.users.map((u) => u.id));
    for (const event of dataset.events) {
      const app = dataset.apps.find((a) => a.id === event.appId);
      if (event.approvingPolicyId) {
        expect(
          app?.policies.map((p) => p.id),
          event.cfRayId,
        ).toContain(event.approvingPolicyId);
      }
      expect(event.isSuccessfulLogin === 1).toBe(event.approvingPolicyId !== '');
      if (event.serviceTokenId) expect(tokenIds.has(event.serviceTokenId)).toBe(true);
      if (event.userUuid) expect(userIds.has(event.userUuid)).toBe(true);
      expect(event.userUuid === '').toBe(event.identityProvider === 'nonidentity');
    }
  });

  it('names only Gateway lists that exist, with the type its rule needs (IP for ip_list, EMAIL for email_list)', () => {
    const wanted = { ip_list: 'IP', email_list: 'EMAIL' } as const;
    const holders = [...dataset.apps.flatMap((a) => a.policies), ...dataset.groups];
    const named = holders
      .flatMap((h) => [...h.include, ...h.require, ...h.exclude])
      .flatMap((rule) =>
        (['ip_list', 'email_list'] as const).flatMap((key) => {
          const id = rule[key]?.id;
          return typeof id === 'string' ? [{ key, id }] : [];
        }),
      );
    expect(new Set(named.map((n) => n.key))).toEqual(new Set(['ip_list', 'email_list']));
    for (const { key, id } of named) {
      expect(dataset.gatewayLists.find((l) => l.id === id)?.type, `${key} ${id}`).toBe(wanted[key]);
    }
    expect(dataset.gatewayLists.map((l) => l.name)).toEqual(
      expect.arrayContaining(['Office egress IPs', 'Contractors']),
    );
    for (const list of dataset.gatewayLists) {
      expect(new Set(list.items.map((i) => i.value)).size, list.name).toBe(list.items.length);
    }
  });

  it('has featured events decided by an ip_list and by an email_list rule, inside the 7-day window', () => {
    for (const [rayId, kind] of [
      [SAMPLE_RAY.ipListNotAllowed, 'ip_not_allowed'],
      [SAMPLE_RAY.excludedByEmailList, 'excluded_by_rule'],
    ] as const) {
      const event = dataset.events.find((e) => e.cfRayId === rayId);
      expect(event?.kind, rayId).toBe(kind);
      expect(event?.background).toBe(false);
      expect(NOW.getTime() - Date.parse(event?.datetime ?? '')).toBeLessThan(7 * DAY_MS);
    }
  });

  it('covers at least 12 different denial kinds plus allowed logins', () => {
    const featured = dataset.events.filter((e) => !e.background);
    const denialKinds = new Set(featured.filter((e) => e.isSuccessfulLogin === 0).map((e) => e.kind));
    expect(denialKinds.size).toBeGreaterThanOrEqual(12);
    expect(denialKinds.has('allowed')).toBe(false);
    expect(featured.filter((e) => e.kind === 'allowed').length).toBeGreaterThanOrEqual(3);
    expect(Object.values(SAMPLE_RAY).filter((r) => r !== SAMPLE_RAY.wafBlock)).toEqual(
      expect.arrayContaining(featured.map((e) => e.cfRayId)),
    );
  });

  it('has one expired and one disabled service token', () => {
    expect(dataset.serviceTokens.filter((t) => Date.parse(t.expires_at) < NOW.getTime())).toHaveLength(1);
    expect(dataset.serviceTokens.filter((t) => !t.enabled)).toHaveLength(1);
  });

  it('has pastes that each mention a Ray ID that is either a sample event or a known non-Access one', () => {
    const known = new Set([...dataset.events.map((e) => e.cfRayId), ...dataset.unknownRayIds]);
    expect(dataset.samplePastes.length).toBeGreaterThanOrEqual(6);
    for (const paste of dataset.samplePastes) {
      const rays = paste.text.match(rayPattern) ?? [];
      expect(rays.length, paste.title).toBeGreaterThan(0);
      for (const ray of rays) expect(known.has(ray), `${paste.title}: ${ray}`).toBe(true);
    }
    const texts = dataset.samplePastes.map((p) => p.text);
    expect(
      texts.some(
        (t) => t.includes('<title>Error – Cloudflare Access</title>') && t.includes('MTLS Status: NONE'),
      ),
    ).toBe(true);
    expect(texts.some((t) => t.includes('"status_code":403') && t.includes('"ray_id"'))).toBe(true);
    expect(texts.some((t) => /cf-ray: [0-9a-f]{16}-SJC/.test(t))).toBe(true);
    expect(texts.some((t) => (t.match(rayPattern) ?? []).length >= 2)).toBe(true);
    expect(
      texts.some((t) => t.includes('Sorry, you have been blocked') && t.includes(SAMPLE_RAY.wafBlock)),
    ).toBe(true);
    expect(texts.some((t) => /^[0-9a-f]{16}$/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes('<!channel>'))).toBe(true);
    expect(dataset.events.some((e) => e.cfRayId === SAMPLE_RAY.wafBlock)).toBe(false);
  });

  it('names app AUDs in pastes that belong to the app of the pasted Ray ID', () => {
    for (const paste of dataset.samplePastes) {
      const aud = /App AUD: ([0-9a-f]{64})|"aud":"([0-9a-f]{64})"/.exec(paste.text);
      if (!aud) continue;
      const app = dataset.apps.find((a) => a.aud === (aud[1] ?? aud[2]));
      const event = dataset.events.find((e) => paste.text.includes(e.cfRayId));
      expect(app?.id, paste.title).toBe(event?.appId);
    }
  });

  it('keeps ids stable and only moves times with `now`', () => {
    const later = createSampleDataset(new Date(NOW.getTime() + DAY_MS));
    expect(later.events.map((e) => e.cfRayId)).toEqual(dataset.events.map((e) => e.cfRayId));
    expect(Date.parse(later.events[0]?.datetime ?? '') - Date.parse(dataset.events[0]?.datetime ?? '')).toBe(
      DAY_MS,
    );
  });
});

const sharedSdl = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/cloudflare/graphql-access-login.graphql',
);

describe.runIf(existsSync(sharedSdl))('schema', () => {
  it("has exactly the types and fields of Cloudflare's excerpt (no extra or missing field anywhere)", () => {
    const real = buildSchema(readFileSync(sharedSdl, 'utf8'));
    const ours = createStandInSchema();
    expect(findBreakingChanges(real, ours).map((c) => c.description)).toEqual([]);
    expect(findBreakingChanges(ours, real).map((c) => c.description)).toEqual([]);
  });
});
