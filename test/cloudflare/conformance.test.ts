import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRestAccessDirectory } from '../../src/cloudflare/access-directory.js';
import { createGraphqlEventSource } from '../../src/cloudflare/access-event-source.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { createUpstreamGuard } from '../../src/cloudflare/upstream-guard.js';
import type { AccessLoginEvent } from '../../src/core/access-event.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';

// Bodies shaped after the published API (test/fixtures/cloudflare/README.md), served by the stand-in
// in place of its own answers and read by the real adapters.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/cloudflare');
const body = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const TOKEN = 'conformance-token-SECRET';
let standIn: CloudflareStandIn;
const http = createCloudflareHttp({ timeoutMs: 5_000 });

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(async () => {
  await http.close();
  await standIn.close();
});
afterEach(() => {
  standIn.clearFaults();
  standIn.requests.length = 0;
});

const serve = (target: RegExp, name: string, times = 1) =>
  standIn.injectFault({ target, kind: 'status', status: 200, body: body(name), times });
const rest = () =>
  createRestClient({
    apiUrl: standIn.apiUrl,
    apiToken: TOKEN,
    fetch: http.fetch,
    guard: createUpstreamGuard({ retries: 0 }),
  });
const account = () => `/accounts/${standIn.dataset.accountId}`;

const APP_ID = '0f1e2d3c-4b5a-4697-8899-aabbccddeeff';
const USER_ID = '44444444-4444-4444-8444-444444444444';
const event = (fields: Partial<AccessLoginEvent> = {}): AccessLoginEvent => ({
  rayId: '187d944c61940c77',
  datetime: '2026-03-10T11:20:00Z',
  appId: APP_ID,
  userUuid: USER_ID,
  identityProvider: 'okta',
  country: 'DE',
  ipAddress: '198.51.100.166',
  deviceId: '',
  isSuccessfulLogin: false,
  hasExistingJwt: false,
  hasWarpEnabled: false,
  hasGatewayEnabled: false,
  mtlsStatus: 'NONE',
  mtlsCommonName: '',
  mtlsCertSerialId: '',
  serviceTokenId: '',
  approvingPolicyId: '',
  ...fields,
});

describe('conformance: REST bodies the published API allows', () => {
  it('an app whose policies include a reference, an odd entry and an unknown rule kind', async () => {
    serve(new RegExp(`/access/apps/${APP_ID}$`), 'app.policy-references.json');
    serve(/\/access\/policies\/aa11bb22-cc33-4d44-8e55-ff6677889900$/, 'reusable-policy.json');
    serve(/\/access\/identity_providers\?/, 'identity-providers.optional-fields.json');
    serve(new RegExp(`/users/${USER_ID}/last_seen_identity$`), 'last-seen-identity.json');
    const directory = createRestAccessDirectory(rest(), standIn.dataset.accountId);
    const { app, names } = await directory.enrich(event(), new Date('2026-03-10T12:00:00Z'));
    expect(app?.policies.map((p) => [p.name, p.decision, p.precedence, p.mfa])).toEqual([
      ['Block sanctioned regions', 'deny', 1, { required: false, allowedAuthenticators: [] }],
      ['Staff', 'allow', 2, { required: true, allowedAuthenticators: ['totp', 'security_key'] }],
    ]);
    expect(app?.policies[1]?.require[0]).toMatchObject({ kind: 'unknown', key: 'new_rule_kind_2027' });
    expect(names.gaps).toContainEqual(
      'App policies: 1 policy of this app could not be read, so the replay may be incomplete',
    );
    // Destinations and WARP authentication are kept for the card.
    expect(names.appHostnames).toEqual([
      'docs.fixture.example/admin',
      'docs-eu.fixture.example',
      'docs.internal.fixture.example',
    ]);
    expect(names.allowAuthenticateViaWarp).toBe(true);
    // Two IdPs share the type `okta`: the last seen identity's idp.id picks the name.
    expect(names.identityProviderName).toBe('Okta (contractors)');
    expect(names.lastSeen).toEqual({
      ip: '198.51.100.166',
      idpId: '22222222-2222-4222-8222-222222222222',
      idpType: 'okta',
      mtls: { authStatus: 'NONE', certPresented: false },
    });
    expect(names.gaps).toContainEqual('Identity providers: 1 entry could not be read');
  });

  it('pages on total_count/per_page when total_pages is absent, skipping an unreadable item', async () => {
    serve(/service_tokens\?.*page=1(&|$)/, 'service-tokens.page-1.json');
    serve(/service_tokens\?.*page=2(&|$)/, 'service-tokens.page-2.json');
    serve(/service_tokens\?.*page=3(&|$)/, 'service-tokens.page-3.json');
    const tokens = await rest().list(
      `${account()}/access/service_tokens`,
      z.looseObject({ id: z.string() }),
      'Access: Service Tokens Read',
      { perPage: 50 },
    );
    expect(tokens.items).toHaveLength(119);
    expect(tokens.skipped).toBe(1);
    expect(tokens.cut).toBeUndefined();
    expect(standIn.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('stops on a page that repeats the previous one (an endpoint that ignores `page`)', async () => {
    serve(/service_tokens/, 'service-tokens.page-1.json', 50);
    const tokens = await rest().list(
      `${account()}/access/service_tokens`,
      z.looseObject({ id: z.string() }),
      'Access: Service Tokens Read',
    );
    expect(tokens.items).toHaveLength(50);
    expect(standIn.requests).toHaveLength(2);
  });

  it('identity log rows with every field optional: readable rows count, odd ones are skipped and counted', async () => {
    serve(/access_requests/, 'access-requests.optional-fields.json', 10);
    const directory = createRestAccessDirectory(rest(), standIn.dataset.accountId);
    const { found, gaps } = await directory.findInLogs(
      ['187d944c61940c77', '387d944c61940c79', '0000000000000001'],
      { since: new Date('2026-03-10T00:00:00Z'), until: new Date('2026-03-10T12:00:00Z') },
    );
    expect(found.get('187d944c61940c77')).toMatchObject({
      source: 'access_requests',
      allowed: false,
      appUid: APP_ID,
      connection: 'saml',
    });
    expect(found.get('387d944c61940c79')).toMatchObject({ rayId: '387d944c61940c79' });
    expect(found.get('387d944c61940c79')?.allowed).toBeUndefined();
    expect(gaps).toContain('Identity log: 2 log entries could not be read');
  });
});

describe('conformance: lookups every replay reads', () => {
  const LIST_APP = '0f1e2d3c-4b5a-4697-8899-aabbccddee01';
  const enrichListApp = async () => {
    serve(new RegExp(`/access/apps/${LIST_APP}$`), 'app.lists-and-groups.json');
    serve(/\/access\/groups\?/, 'groups.optional-fields.json');
    serve(/\/devices\/posture\?/, 'posture-rules.json');
    serve(/\/gateway\/lists\/88888888-8888-4888-8888-888888888801$/, 'gateway-list.json');
    serve(/\/gateway\/lists\/88888888-8888-4888-8888-888888888801\/items/, 'gateway-list-items.nested.json');
    serve(new RegExp(`/users/${USER_ID}/failed_logins`), 'failed-logins.mixed-metadata.json');
    const directory = createRestAccessDirectory(rest(), standIn.dataset.accountId);
    return directory.enrich(event({ appId: LIST_APP }), new Date('2026-03-10T12:00:00Z'));
  };

  it('groups with optional fields missing; one without an id is skipped and counted', async () => {
    const { context, names } = await enrichListApp();
    expect(context.groups.map((g) => [g.id, g.name, g.include.length])).toEqual([
      ['66666666-6666-4666-8666-666666666601', 'Office countries', 2],
      ['66666666-6666-4666-8666-666666666602', '66666666-6666-4666-8666-666666666602', 1],
    ]);
    expect(names.gaps).toContainEqual('Access groups: 1 entry could not be read');
  });

  it('device posture rules: name falls back to the type, an unknown type is kept', async () => {
    const { context } = await enrichListApp();
    expect(context.postureRules).toEqual([
      {
        id: '77777777-7777-4777-8777-777777777701',
        name: 'Disk encryption (macOS)',
        type: 'disk_encryption',
      },
      { id: '77777777-7777-4777-8777-777777777702', name: 'warp', type: 'warp' },
      {
        id: '77777777-7777-4777-8777-777777777703',
        name: 'A rule of a type newer than this bot',
        type: 'some_future_type',
      },
    ]);
  });

  it("a Gateway list with its items, read from the SDK's nested item batches", async () => {
    const { context } = await enrichListApp();
    expect(context.lists).toEqual([
      {
        id: '88888888-8888-4888-8888-888888888801',
        name: 'Office egress IPs',
        type: 'IP',
        items: ['203.0.113.0/25', '198.51.100.166'],
      },
    ]);
  });

  it('failed logins with object and JSON-string metadata; unreadable ones are left out', async () => {
    const { recentFailedLogins, names } = await enrichListApp();
    expect(recentFailedLogins).toEqual([
      { rayId: '187d944c61940c77', datetime: '2026-03-10T11:20:00.914Z', appName: 'Docs' },
      { rayId: '287d944c61940c78', datetime: '2026-03-10T10:05:00Z', appName: 'Wiki' },
    ]);
    expect(names.userEmail).toBe('dana@fixture.example');
  });
});

describe('conformance: GraphQL answers', () => {
  const source = () =>
    createGraphqlEventSource({
      graphqlUrl: `${standIn.apiUrl}/graphql`,
      apiToken: TOKEN,
      accountId: standIn.dataset.accountId,
      fetch: http.fetch,
      maxLookbackSeconds: 86_400,
      guard: createUpstreamGuard({ retries: 0 }),
    });
  const now = new Date('2026-03-10T12:00:00Z');

  it('`errors: null`, `dimensions.`-prefixed availableFields and a row with only those fields', async () => {
    serve(/\/graphql$/, 'graphql.settings.available-fields.json');
    serve(/\/graphql$/, 'graphql.login.subset.json');
    const found = (await source().findByRayIds(['187d944c61940c77'], { now })).get('187d944c61940c77');
    expect(found?.kind).toBe('found');
    if (found?.kind !== 'found') return;
    expect(found.event).toMatchObject({ appId: APP_ID, userUuid: USER_ID, ipAddress: '198.51.100.166' });
    expect(found.event.unavailableFields).toEqual([
      'approvingPolicyId',
      'country',
      'deviceId',
      'hasExistingJWT',
      'hasGatewayEnabled',
      'hasWarpEnabled',
      'mtlsCertSerialId',
      'mtlsCommonName',
      'mtlsStatus',
      'serviceTokenId',
    ]);
    const login = standIn.requests.find((r) => r.operationName === 'AccessLoginByRayId');
    expect(login?.document).not.toMatch(/\bcountry\b|\bmtlsStatus\b/);
  });

  it('a field-unavailable error drops the field and asks again; an authorization error names the permission', async () => {
    serve(/\/graphql$/, 'graphql.settings.available-fields.json');
    serve(/\/graphql$/, 'graphql.field-unavailable.json');
    serve(/\/graphql$/, 'graphql.login.subset.json');
    const events = source();
    const found = (await events.findByRayIds(['187d944c61940c77'], { now })).get('187d944c61940c77');
    expect(found?.kind).toBe('found');
    const logins = standIn.requests.filter((r) => r.operationName === 'AccessLoginByRayId');
    expect(logins.map((r) => /\bipAddress\b/.test(r.document ?? ''))).toEqual([true, false]);
    serve(/\/graphql$/, 'graphql.not-authorized.json');
    const error = await events.findByRayIds(['287d944c61940c78'], { now }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cloudflare_permission', permission: 'Account Analytics Read' });
  });
});
