import { afterEach, describe, expect, it } from 'vitest';
import { createGraphqlEventSource } from '../../src/cloudflare/access-event-source.js';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { toHttpLookupError } from '../../src/cloudflare/map-error.js';
import { LOGIN_DIMENSIONS, selectionFromAvailableFields } from '../../src/cloudflare/queries.js';
import { createUpstreamGuard } from '../../src/cloudflare/upstream-guard.js';
import { LookupError } from '../../src/core/errors.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { DIMENSION_NAMES } from '../../src/sandbox/schema.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

const open: Array<CloudflareStandIn | CloudflareAdapters> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open.length = 0;
});

/** A stand-in account whose plan lacks `lacking` (the settings node says so, queries asking for it fail). */
async function accountLacking(lacking: readonly string[]) {
  const now = new Date();
  const standIn = await startCloudflareStandIn({
    now: () => now,
    settings: { availableFields: [...DIMENSION_NAMES, 'count'].filter((f) => !lacking.includes(f)) },
  });
  const cf = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 30 * 86_400,
    cache: { keepWarmMs: 0 },
  });
  open.push(cf, standIn);
  const explain = (rayId: string) =>
    explainRayIds(
      { events: cf.events, directory: cf.directory, now: () => now },
      { text: `Ray ID: ${rayId}` },
    );
  return { standIn, explain };
}

const loginQueries = (standIn: CloudflareStandIn) =>
  standIn.requests.filter((r) => r.operationName === 'AccessLoginByRayId');

describe('an account whose plan lacks some GraphQL fields', () => {
  it('the stand-in refuses a query asking for a missing field, the way Cloudflare does', async () => {
    const { standIn } = await accountLacking(['country']);
    const response = await fetch(standIn.connection.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.connection.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query Q($a: string!, $s: Time!) { viewer { accounts(filter: { accountTag: $a }) {
          accessLoginRequestsAdaptiveGroups(filter: { datetime_geq: $s }, limit: 1) { dimensions { cfRayId country } } } } }`,
        variables: { a: standIn.connection.accountId, s: new Date(Date.now() - 3600_000).toISOString() },
      }),
    });
    const body = (await response.json()) as { data: unknown; errors: Array<{ message: string }> };
    expect(body.data).toBeNull();
    expect(body.errors[0]?.message).toBe("does not have access to the field 'country'");
  });

  it('still gets a card: the query asks only for what the plan has, the card names the rest', async () => {
    const { standIn, explain } = await accountLacking(['country', 'mtlsStatus', 'count']);
    const result = (await explain(SAMPLE_RAY.countryNotAllowed)).results[0];
    expect(result?.outcome).toBe('denied');
    if (result?.outcome !== 'denied') return;
    expect(result.event.unavailableFields).toEqual(['country', 'mtlsStatus']);
    expect(result.event.country).toBe('');
    expect(result.names.gaps).toContainEqual(
      "Login details: country, mtlsStatus are not available on this account's plan",
    );
    // No permission is asked for: the token is fine, the plan is not.
    expect(JSON.stringify(result)).not.toMatch(/Account Analytics/);
    const [query] = loginQueries(standIn);
    expect(query?.document).not.toMatch(/\bcountry\b|\bmtlsStatus\b|\bcount\b/);
    expect(query?.document).toMatch(/\bcfRayId\b/);
  });

  it('without the Ray ID field no lookup can work: says so, names no permission', async () => {
    const { standIn, explain } = await accountLacking(['cfRayId']);
    const result = (await explain(SAMPLE_RAY.countryNotAllowed)).results[0];
    expect(result?.outcome).toBe('error');
    if (result?.outcome !== 'error') return;
    expect(result.failure.code).toBe('dataset_unavailable');
    expect(result.failure.message).toMatch(/plan does not include the cfRayId field/);
    expect(result.failure.permission).toBeUndefined();
    expect(loginQueries(standIn)).toEqual([]);
  });

  it('a field refused although the settings offered it is dropped, remembered, and the query asked again', async () => {
    const now = new Date();
    const standIn = await startCloudflareStandIn({ now: () => now });
    open.push(standIn);
    const events = createGraphqlEventSource({
      graphqlUrl: standIn.connection.graphqlUrl,
      apiToken: standIn.connection.apiToken,
      accountId: standIn.connection.accountId,
      fetch,
      maxLookbackSeconds: 30 * 86_400,
      guard: createUpstreamGuard({ retries: 0 }),
    });
    await events.prime();
    standIn.injectFault({
      kind: 'graphql_errors',
      errors: [{ message: "does not have access to the field 'deviceId'", path: null, extensions: {} }],
    });
    const first = await events.findByRayIds([SAMPLE_RAY.warpRequired], { now });
    const found = first.get(SAMPLE_RAY.warpRequired);
    expect(found?.kind).toBe('found');
    if (found?.kind !== 'found') return;
    expect(found.event.unavailableFields).toEqual(['deviceId']);
    await events.findByRayIds([SAMPLE_RAY.countryNotAllowed], { now });
    const documents = loginQueries(standIn).map((r) => r.document ?? '');
    // The refused query, its retry, and the next lookup's windows: only the first asked for deviceId.
    expect(documents.length).toBeGreaterThanOrEqual(3);
    expect(documents.map((d) => /\bdeviceId\b/.test(d))).toEqual([
      true,
      ...documents.slice(1).map(() => false),
    ]);
  });
});

describe('reading availableFields and the refusal', () => {
  it('reads bare, `dimensions.` and `dimensions_` spellings, case-insensitively, ignoring unknown names', () => {
    expect(
      selectionFromAvailableFields(['cfRayId', 'dimensions.datetime', 'DIMENSIONS_userUuid', 'sum.x']),
    ).toEqual({ dimensions: ['cfRayId', 'datetime', 'userUuid'], count: false });
    expect(selectionFromAvailableFields([...LOGIN_DIMENSIONS, 'count'])).toEqual({
      dimensions: LOGIN_DIMENSIONS,
      count: true,
    });
  });

  it('a refused field is a query error, not a permission error; a real authorization error still names it', () => {
    const field = toHttpLookupError(
      200,
      undefined,
      [{ message: "does not have access to the field 'country'" }],
      [],
      'Account Analytics Read',
    );
    expect(field).toBeInstanceOf(LookupError);
    expect(field.code).toBe('upstream_query_error');
    expect(field.permission).toBeUndefined();
    const authz = toHttpLookupError(
      200,
      undefined,
      [{ message: 'not authorized for that account', extensions: { code: 'authz' } }],
      [],
      'Account Analytics Read',
    );
    expect(authz.code).toBe('cloudflare_permission');
    expect(authz.permission).toBe('Account Analytics Read');
    const path = toHttpLookupError(
      403,
      undefined,
      [{ message: 'does not have access to the path' }],
      [],
      'Account Analytics Read',
    );
    expect(path.code).toBe('cloudflare_permission');
  });
});
