import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGraphqlEventSource } from '../../src/cloudflare/access-event-source.js';
import { createConfigurationProbe } from '../../src/cloudflare/config-check.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { createMemoryRequestBudget } from '../../src/cloudflare/request-budget.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { createUpstreamGuard, type UpstreamGuardOptions } from '../../src/cloudflare/upstream-guard.js';
import { LookupError } from '../../src/core/errors.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// Every claim is a count of requests the stand-in received, with an injected clock, sleep and random:
// no back-off is really waited and nothing is timed. Only the deadline tests wait, for deadlines of
// 100 ms to 1 s, because aborting a request in flight takes a real timer.
const TOKEN = 'faults-test-token-SECRET';
let standIn: CloudflareStandIn;
const http = createCloudflareHttp({ timeoutMs: 5_000 });
/** The guard's clock; every test starts at the same instant. */
let clockMs = 0;
/** Back-offs the guard asked for, in ms. */
let sleeps: number[] = [];
let adapters: CloudflareAdapters[] = [];

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(async () => {
  await http.close();
  await standIn.close();
});
beforeEach(() => {
  clockMs = 1_000_000;
  sleeps = [];
});
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
  standIn.clearFaults();
  standIn.requests.length = 0;
});

const clock = () => clockMs;
const advance = (seconds: number) => {
  clockMs += seconds * 1000;
};

/** A guard on the fake clock: sleeping advances the clock, random is 0.5 (back-offs of 100, 200 ms). */
function guard(options: UpstreamGuardOptions & { graphqlBudget?: number; restBudget?: number } = {}) {
  const { graphqlBudget, restBudget, ...rest } = options;
  return createUpstreamGuard({
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clockMs += ms;
    },
    random: () => 0.5,
    budget: createMemoryRequestBudget({
      clock,
      limits: {
        ...(graphqlBudget === undefined ? {} : { graphql: graphqlBudget }),
        ...(restBudget === undefined ? {} : { rest: restBudget }),
      },
    }),
    ...rest,
  });
}

function graphqlSource(g = guard(), fetch = http.fetch) {
  return createGraphqlEventSource({
    graphqlUrl: `${standIn.apiUrl}/graphql`,
    apiToken: TOKEN,
    accountId: standIn.dataset.accountId,
    fetch,
    guard: g,
    maxLookbackSeconds: 30 * 86_400,
  });
}

function restClient(g = guard()) {
  return createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch, guard: g });
}

/** A source whose dataset settings are already cached, so each lookup of `rayId()` is one GraphQL query. */
async function primedSource(g = guard(), fetch = http.fetch) {
  const source = graphqlSource(g, fetch);
  await source.prime();
  standIn.requests.length = 0;
  return source;
}

function rayId(index = 0): string {
  const event = standIn.dataset.events[index];
  if (!event) throw new Error(`the sample dataset needs ${index + 1} events`);
  return event.cfRayId;
}

const appsPath = () => `/accounts/${standIn.dataset.accountId}/access/apps`;
const appList = z.array(z.looseObject({ id: z.string() }));
const graphqlCalls = () => standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
const restCalls = () => standIn.requests.filter((r) => !r.path.endsWith('/graphql')).length;

async function failure(promise: Promise<unknown>): Promise<LookupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LookupError);
  const lookupError = error as LookupError;
  expect(JSON.stringify({ ...lookupError, message: lookupError.message })).not.toContain(TOKEN);
  return lookupError;
}

const found = async (promise: Promise<Map<string, { kind: string }>>, id: string) =>
  (await promise).get(id)?.kind;

describe('retries (GraphQL)', () => {
  it('answers after one retry when a 500 is followed by a success', async () => {
    const source = await primedSource();
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 500 });
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(2);
    expect(sleeps).toEqual([100]);
  });

  it('gives up with upstream_unavailable after the bounded retries (503 three times: 3 calls)', async () => {
    const source = await primedSource();
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 503, times: 3 });
    const error = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(error.code).toBe('upstream_unavailable');
    expect(graphqlCalls()).toBe(3);
    // Full jitter: uniform in [0, 200 × 2^n); random() = 0.5 gives the middle.
    expect(sleeps).toEqual([100, 200]);
  });

  it('retries a reset connection', async () => {
    const source = await primedSource();
    standIn.injectFault({ target: 'graphql', kind: 'reset' });
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(2);
  });

  it('retries Cloudflare\'s documented "try again later" even inside a 200', async () => {
    const source = await primedSource();
    standIn.injectFault({
      target: 'graphql',
      kind: 'graphql_errors',
      errors: [{ message: 'too many queries in progress, please try again later', path: null }],
    });
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(2);
  });

  it('never retries other GraphQL errors in a 200, a 403, a 401 or a malformed body (1 call each)', async () => {
    const source = await primedSource();
    const cases: Array<[Parameters<CloudflareStandIn['injectFault']>[0], string]> = [
      [
        {
          target: 'graphql',
          kind: 'graphql_errors',
          errors: [{ message: 'query time range is too large', path: null }],
        },
        'upstream_query_error',
      ],
      [{ target: 'graphql', kind: 'status', status: 403 }, 'cloudflare_permission'],
      [{ target: 'graphql', kind: 'status', status: 401 }, 'cloudflare_auth'],
      [{ target: 'graphql', kind: 'malformed' }, 'upstream_bad_response'],
      [{ target: 'graphql', kind: 'status', status: 400 }, 'upstream_query_error'],
    ];
    for (const [fault, code] of cases) {
      standIn.requests.length = 0;
      standIn.injectFault({ ...fault, times: 3 });
      expect((await failure(source.findByRayIds([rayId()], { now: new Date() }))).code, code).toBe(code);
      expect(graphqlCalls(), code).toBe(1);
      standIn.clearFaults();
    }
    expect(sleeps).toEqual([]);
  });

  it('does not retry a request that timed out (the next would most likely time out too)', async () => {
    const quick = createCloudflareHttp({ timeoutMs: 100 });
    // The settings are read over the normal pool; only the row query meets the short per-request timeout.
    let pool = http.fetch;
    try {
      const source = await primedSource(guard(), ((input, init) => pool(input, init)) as typeof fetch);
      pool = quick.fetch;
      standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 2_000, times: 3 });
      expect((await failure(source.findByRayIds([rayId()], { now: new Date() }))).code).toBe(
        'upstream_timeout',
      );
      expect(graphqlCalls()).toBe(1);
    } finally {
      await quick.close();
    }
  });
});

describe('retries (REST)', () => {
  it('answers after one retry when a 500 is followed by a success', async () => {
    standIn.injectFault({ target: 'rest', kind: 'status', status: 500 });
    expect((await restClient().get(appsPath(), appList, 'perm')).length).toBeGreaterThan(0);
    expect(restCalls()).toBe(2);
  });

  it('gives up with upstream_unavailable after 3 calls when 503 persists', async () => {
    standIn.injectFault({ target: 'rest', kind: 'status', status: 503, times: 3 });
    expect((await failure(restClient().get(appsPath(), appList, 'perm'))).code).toBe('upstream_unavailable');
    expect(restCalls()).toBe(3);
  });

  it('retries a reset connection', async () => {
    standIn.injectFault({ target: 'rest', kind: 'reset' });
    expect((await restClient().get(appsPath(), appList, 'perm')).length).toBeGreaterThan(0);
    expect(restCalls()).toBe(2);
  });

  it('never retries 403 code 10000, 401, 404 or a malformed body (1 call each)', async () => {
    const cases: Array<[Parameters<CloudflareStandIn['injectFault']>[0], string]> = [
      [
        {
          target: 'rest',
          kind: 'status',
          status: 403,
          body: JSON.stringify({
            success: false,
            errors: [{ code: 10000, message: 'Authentication error' }],
          }),
        },
        'cloudflare_permission',
      ],
      [{ target: 'rest', kind: 'status', status: 401 }, 'cloudflare_auth'],
      [{ target: 'rest', kind: 'status', status: 404 }, 'upstream_query_error'],
      [{ target: 'rest', kind: 'malformed' }, 'upstream_bad_response'],
    ];
    const client = restClient();
    for (const [fault, code] of cases) {
      standIn.requests.length = 0;
      standIn.injectFault({ ...fault, times: 3 });
      expect((await failure(client.get(appsPath(), appList, 'perm'))).code, code).toBe(code);
      expect(restCalls(), code).toBe(1);
      standIn.clearFaults();
    }
    expect(sleeps).toEqual([]);
  });
});

describe('429 and the GraphQL budget error pause that API', () => {
  it('GraphQL 429 with Retry-After: 7 → rate limited for ~7 s, the next lookup fails fast with 0 calls, then works', async () => {
    const source = await primedSource();
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const limited = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(limited.code).toBe('upstream_rate_limited');
    expect(limited.retryAfterSeconds).toBe(7);
    expect(graphqlCalls()).toBe(1);

    standIn.requests.length = 0;
    advance(2);
    const fast = await failure(source.findByRayIds([rayId(1)], { now: new Date() }));
    expect(fast.code).toBe('upstream_rate_limited');
    expect(fast.retryAfterSeconds).toBe(5);
    expect(graphqlCalls()).toBe(0);

    advance(5);
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(1);
  });

  it("the GraphQL budget error (no Retry-After) pauses GraphQL for Cloudflare's 5 minutes", async () => {
    const source = await primedSource();
    standIn.injectFault({ target: 'graphql', kind: 'graphql_budget' });
    const limited = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(limited.code).toBe('upstream_rate_limited');
    expect(limited.retryAfterSeconds).toBe(300);

    standIn.requests.length = 0;
    advance(299);
    const fast = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(fast.retryAfterSeconds).toBe(1);
    expect(graphqlCalls()).toBe(0);

    advance(1);
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(1);
  });

  it('REST 429 code 971 with Retry-After: 7 pauses REST only; GraphQL carries on', async () => {
    const g = guard();
    const client = restClient(g);
    const source = await primedSource(g);
    standIn.injectFault({
      target: 'rest',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '7' },
      body: JSON.stringify({ success: false, errors: [{ code: 971, message: 'Please wait' }] }),
    });
    const limited = await failure(client.get(appsPath(), appList, 'perm'));
    expect(limited.code).toBe('upstream_rate_limited');
    expect(limited.retryAfterSeconds).toBe(7);
    standIn.requests.length = 0;
    expect((await failure(client.list(appsPath(), appList, 'perm'))).retryAfterSeconds).toBe(7);
    expect(restCalls()).toBe(0);
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(1);
    advance(7);
    expect((await client.get(appsPath(), appList, 'perm')).length).toBeGreaterThan(0);
    expect(restCalls()).toBe(1);
  });

  it('REST 429 without Retry-After pauses REST for 5 minutes (Cloudflare blocks that long)', async () => {
    const client = restClient();
    standIn.injectFault({ target: 'rest', kind: 'status', status: 429 });
    expect((await failure(client.get(appsPath(), appList, 'perm'))).retryAfterSeconds).toBe(300);
    advance(120);
    standIn.requests.length = 0;
    expect((await failure(client.get(appsPath(), appList, 'perm'))).retryAfterSeconds).toBe(180);
    expect(restCalls()).toBe(0);
  });
});

describe('client-side budget', () => {
  it('with 3 GraphQL queries per window, the 4th fails fast with 0 calls and the seconds until a slot frees', async () => {
    const source = graphqlSource(guard({ graphqlBudget: 3 }));
    // Settings + row query, then one row query a minute later: three in all.
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    advance(60);
    expect(await found(source.findByRayIds([rayId(1)], { now: new Date() }), rayId(1))).toBe('found');
    expect(graphqlCalls()).toBe(3);

    standIn.requests.length = 0;
    const spent = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(spent.code).toBe('upstream_rate_limited');
    // The first two went out a minute ago: the oldest leaves the 5-minute window in 240 s.
    expect(spent.retryAfterSeconds).toBe(240);
    expect(spent.safeMessage).toMatch(/budget \(3 per 5 min\)/);
    expect(graphqlCalls()).toBe(0);

    advance(240);
    expect(await found(source.findByRayIds([rayId()], { now: new Date() }), rayId())).toBe('found');
    expect(graphqlCalls()).toBe(1);
  });

  it('counts retries against the budget and stops retrying when it is spent', async () => {
    const client = restClient(guard({ restBudget: 2 }));
    standIn.injectFault({ target: 'rest', kind: 'status', status: 503, times: 3 });
    const error = await failure(client.get(appsPath(), appList, 'perm'));
    expect(error.code).toBe('upstream_rate_limited');
    expect(restCalls()).toBe(2);
  });

  it('is shared by the lookups, the enrichment, the warm-up and the configuration probe', async () => {
    const cf = createCloudflareAdapters({
      ...standIn.connection,
      timeoutMs: 5_000,
      maxLookbackSeconds: 7 * 86_400,
      graphqlBudget: 2,
      restBudget: 1_000,
      cache: { keepWarmMs: 0 },
      guard: { clock },
    });
    adapters.push(cf);
    const probe = createConfigurationProbe({
      rest: createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch, guard: cf.guard }),
      fetch: http.fetch,
      guard: cf.guard,
      graphqlUrl: `${standIn.apiUrl}/graphql`,
      apiToken: TOKEN,
      accountId: standIn.dataset.accountId,
    });
    await cf.prime(); // GraphQL 1 of 2: the settings
    const checks = await probe.check(); // GraphQL 2 of 2: the probe's analytics check
    expect(checks.every((c) => c.ok)).toBe(true);
    standIn.requests.length = 0;
    const report = await explainRayIds(
      { events: cf.events, directory: cf.directory, now: () => new Date() },
      { text: SAMPLE_RAY.notInInclude },
    );
    expect(report.results[0]).toMatchObject({
      outcome: 'error',
      failure: { code: 'upstream_rate_limited', retryAfterSeconds: 300 },
    });
    expect(graphqlCalls()).toBe(0);
  });
});

describe('lookup deadline', () => {
  it('ends a lookup stuck on a slow upstream with upstream_timeout (a delay fault, a short deadline)', async () => {
    const source = await primedSource(guard({ lookupDeadlineMs: 100 }));
    standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 3_000 });
    const error = await failure(source.findByRayIds([rayId()], { now: new Date() }));
    expect(error.code).toBe('upstream_timeout');
    expect(error.safeMessage).toMatch(/deadline/);
    expect(graphqlCalls()).toBe(1);
  });

  it('does not start a retry whose back-off would end past the deadline', async () => {
    // Back-offs of 0.99 × 6 s and 0.99 × 12 s on the fake clock: the first fits in 10 s, the second does not.
    const source = await primedSource(
      guard({ lookupDeadlineMs: 10_000, retryBaseMs: 6_000, random: () => 0.99 }),
    );
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 503, times: 3 });
    expect((await failure(source.findByRayIds([rayId()], { now: new Date() }))).code).toBe(
      'upstream_unavailable',
    );
    expect(graphqlCalls()).toBe(2);
    expect(sleeps).toEqual([5_940]);
  });

  it('stops between search windows once the deadline has passed', async () => {
    const g = guard({ lookupDeadlineMs: 10_000 });
    const source = await primedSource(g);
    // Each query "takes" 6 s on the fake clock: the second window would start past the deadline.
    const slow = createGraphqlEventSource({
      graphqlUrl: `${standIn.apiUrl}/graphql`,
      apiToken: TOKEN,
      accountId: standIn.dataset.accountId,
      fetch: (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        clockMs += 6_000;
        return http.fetch(input, init);
      }) as typeof fetch,
      guard: g,
      maxLookbackSeconds: 30 * 86_400,
    });
    await slow.prime();
    standIn.requests.length = 0;
    const error = await failure(slow.findByRayIds(['0000aaaa0000bbbb'], { now: new Date() }));
    expect(error.code).toBe('upstream_timeout');
    expect(graphqlCalls()).toBe(2);
    // The same unknown Ray ID without the slow clock searches more windows than that.
    standIn.requests.length = 0;
    const lookup = (await source.findByRayIds(['0000aaaa0000bbbb'], { now: new Date() })).get(
      '0000aaaa0000bbbb',
    );
    expect(lookup?.searched.windows).toBeGreaterThan(2);
  });

  it('spans the whole lookup: a slow search leaves the enrichment only what is left (gaps, not a hang)', async () => {
    const cf = createCloudflareAdapters({
      ...standIn.connection,
      timeoutMs: 5_000,
      maxLookbackSeconds: 7 * 86_400,
      lookupDeadlineMs: 1_000,
      cache: { keepWarmMs: 0 },
    });
    adapters.push(cf);
    await cf.prime();
    // Each half fits in the deadline on its own; together they do not.
    standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 500 });
    standIn.injectFault({ target: 'rest', kind: 'delay', ms: 900, times: 20 });
    const { events, directory } = cf.forLookup();
    const report = await explainRayIds(
      { events, directory, now: () => new Date() },
      { text: SAMPLE_RAY.notInInclude },
    );
    const result = report.results[0];
    expect(result?.outcome).toBe('denied');
    expect(result?.outcome === 'denied' && result.names.gaps?.join('\n')).toMatch(/upstream_timeout/);
  });

  it('answers with an upstream_timeout card through the use case when the search itself is too slow', async () => {
    const cf = createCloudflareAdapters({
      ...standIn.connection,
      timeoutMs: 5_000,
      maxLookbackSeconds: 7 * 86_400,
      lookupDeadlineMs: 100,
      cache: { keepWarmMs: 0 },
    });
    adapters.push(cf);
    standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 3_000 });
    const { events, directory } = cf.forLookup();
    const report = await explainRayIds(
      { events, directory, now: () => new Date() },
      { text: SAMPLE_RAY.notInInclude },
    );
    expect(report.results[0]).toMatchObject({ outcome: 'error', failure: { code: 'upstream_timeout' } });
  });
});
