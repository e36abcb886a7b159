import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlEventSource } from '../../src/cloudflare/access-event-source.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createUpstreamGuard } from '../../src/cloudflare/upstream-guard.js';
import { LookupError } from '../../src/core/errors.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';

const TOKEN = 'cf-test-token-0123456789abcdefSECRET';
let standIn: CloudflareStandIn;
const http = createCloudflareHttp({ timeoutMs: 1_500 });

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

function source(overrides: { token?: string; accountId?: string; maxLookbackSeconds?: number } = {}) {
  return createGraphqlEventSource({
    graphqlUrl: `${standIn.apiUrl}/graphql`,
    apiToken: overrides.token ?? TOKEN,
    accountId: overrides.accountId ?? standIn.dataset.accountId,
    fetch: http.fetch,
    maxLookbackSeconds: overrides.maxLookbackSeconds ?? 30 * 86_400,
    // How each answer maps to an error; retries, pauses and budgets are in faults.test.ts.
    guard: createUpstreamGuard({ retries: 0 }),
  });
}

const graphqlCalls = () => standIn.requests.filter((r) => r.path.endsWith('/graphql'));
const operations = () => graphqlCalls().map((r) => r.operationName);

async function failure(promise: Promise<unknown>): Promise<LookupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LookupError);
  const lookupError = error as LookupError;
  // Nothing a failure carries may contain the token.
  expect(
    JSON.stringify({ ...lookupError, message: lookupError.message, stack: lookupError.stack }),
  ).not.toContain(TOKEN);
  return lookupError;
}

describe('GraphQL event source against the stand-in', () => {
  it('finds a known Ray ID, reading the settings once and sending variables only', async () => {
    const event = standIn.dataset.events[0];
    if (!event) throw new Error('dataset has no events');
    const events = source();
    const now = new Date();
    const first = await events.findByRayIds([event.cfRayId], { now });
    const found = first.get(event.cfRayId);
    expect(found?.kind).toBe('found');
    expect(found?.kind === 'found' && found.event.appId).toBe(event.appId);
    await events.findByRayIds([event.cfRayId], { now });
    expect(operations()).toEqual(['AccessLoginDatasetSettings', 'AccessLoginByRayId', 'AccessLoginByRayId']);
    const call = graphqlCalls()[1];
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.variables).toMatchObject({ accountTag: standIn.dataset.accountId, rayId: event.cfRayId });
    expect(call?.body).not.toContain(event.cfRayId.replace(/./, '')); // sanity: the id travels in variables…
    expect(JSON.stringify(call?.body)).not.toMatch(/cfRayId:\s*"/); // …never inlined into the document
  });

  it('searches several Ray IDs in one query per window and stops when all are found', async () => {
    const [a, b] = standIn.dataset.events;
    if (!a || !b) throw new Error('dataset needs two events');
    const result = await source().findByRayIds([a.cfRayId, b.cfRayId], { now: new Date() });
    expect([...result.values()].map((r) => r.kind)).toEqual(['found', 'found']);
    expect(operations().filter((o) => o !== 'AccessLoginDatasetSettings')).toEqual(['AccessLoginsByRayIds']);
  });

  it('reports not found with every window it searched', async () => {
    const result = await source({ maxLookbackSeconds: 20 * 86_400 }).findByRayIds(['0000aaaa0000bbbb'], {
      now: new Date(),
    });
    const lookup = result.get('0000aaaa0000bbbb');
    expect(lookup?.kind).toBe('not_found');
    expect(lookup?.searched.windows).toBe(3);
    expect(lookup?.searched.limitedBy).toBe('configured_cap');
    expect(operations().filter((o) => o === 'AccessLoginByRayId')).toHaveLength(3);
  });

  it('maps GraphQL errors in a 200 to a query error that quotes Cloudflare, not the request', async () => {
    standIn.injectFault({
      target: 'graphql',
      kind: 'graphql_errors',
      errors: [{ message: 'query time range is too large', path: null }],
    });
    const error = await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }));
    expect(error.code).toBe('upstream_query_error');
    expect(error.safeMessage).toBe('Cloudflare rejected the query: query time range is too large');
  });

  it('maps a wrong token (401) to cloudflare_auth', async () => {
    const error = await failure(
      source({ token: `${TOKEN}-wrong` }).findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }),
    );
    expect(error.code).toBe('cloudflare_auth');
  });

  it('maps a foreign account (authz) to a permission error naming Account Analytics Read', async () => {
    const error = await failure(
      source({ accountId: 'ffffffffffffffffffffffffffffffff' }).findByRayIds(['0000aaaa0000bbbb'], {
        now: new Date(),
      }),
    );
    expect(error.code).toBe('cloudflare_permission');
    expect(error.permission).toBe('Account Analytics Read');
  });

  it('maps HTTP 403 to a permission error', async () => {
    standIn.injectFault({
      target: 'graphql',
      kind: 'status',
      status: 403,
      body: '{"errors":[{"message":"forbidden"}]}',
    });
    expect((await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
      'cloudflare_permission',
    );
  });

  it('maps 429 with Retry-After, and the budget error, to rate limited', async () => {
    standIn.injectFault({
      target: 'graphql',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '42' },
      body: '{}',
    });
    const limited = await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }));
    expect(limited.code).toBe('upstream_rate_limited');
    expect(limited.retryAfterSeconds).toBe(42);
    standIn.injectFault({ target: 'graphql', kind: 'graphql_budget' });
    const budget = await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }));
    expect(budget.code).toBe('upstream_rate_limited');
    expect(budget.retryAfterSeconds).toBe(300);
  });

  it('maps 5xx, a reset connection, a timeout and a malformed body', async () => {
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 503, body: 'unable to execute query' });
    expect((await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
      'upstream_unavailable',
    );
    standIn.injectFault({ target: 'graphql', kind: 'reset' });
    expect((await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
      'upstream_unavailable',
    );
    standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 3_000 });
    expect((await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
      'upstream_timeout',
    );
    standIn.injectFault({ target: 'graphql', kind: 'malformed' });
    expect((await failure(source().findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
      'upstream_bad_response',
    );
  });

  it('says so when the dataset is not enabled for the account', async () => {
    const disabled = await startCloudflareStandIn({ token: TOKEN, settings: { enabled: false } });
    try {
      const events = createGraphqlEventSource({
        graphqlUrl: `${disabled.apiUrl}/graphql`,
        apiToken: TOKEN,
        accountId: disabled.dataset.accountId,
        fetch: http.fetch,
      });
      expect((await failure(events.findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }))).code).toBe(
        'dataset_unavailable',
      );
    } finally {
      await disabled.close();
    }
  });
});
