import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { createUpstreamGuard } from '../../src/cloudflare/upstream-guard.js';
import { LookupError } from '../../src/core/errors.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';

const TOKEN = 'rest-token-SECRET-value';
const PERMISSION = 'Access: Apps and Policies Read';
const appSchema = z.object({ id: z.string(), name: z.string() }).loose();
let standIn: CloudflareStandIn;
const http = createCloudflareHttp({ timeoutMs: 2_000 });

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

// How each answer maps to an error; retries, pauses and budgets are in faults.test.ts.
const client = (perPage = 2) =>
  createRestClient({
    apiUrl: standIn.apiUrl,
    apiToken: TOKEN,
    fetch: http.fetch,
    perPage,
    guard: createUpstreamGuard({ retries: 0 }),
  });
const appsPath = () => `/accounts/${standIn.dataset.accountId}/access/apps`;

async function failure(promise: Promise<unknown>): Promise<LookupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LookupError);
  expect(JSON.stringify({ ...(error as object), stack: (error as Error).stack })).not.toContain(TOKEN);
  return error as LookupError;
}

describe('Cloudflare REST v4 client against the stand-in', () => {
  it('follows pagination to the last page', async () => {
    const apps = await client(2).list(appsPath(), appSchema, PERMISSION);
    expect(apps.items.map((a) => a.id)).toEqual(standIn.dataset.apps.map((a) => a.id));
    expect(standIn.requests.length).toBe(Math.ceil(standIn.dataset.apps.length / 2));
    expect(standIn.requests.map((r) => r.query.page)).toEqual(standIn.requests.map((_, i) => String(i + 1)));
  });

  it('validates a single resource', async () => {
    const first = standIn.dataset.apps[0];
    const app = await client().get(`${appsPath()}/${first?.id}`, appSchema, PERMISSION);
    expect(app.name).toBe(first?.name);
  });

  it('maps success:false with code 10000 (HTTP 403) to the missing permission', async () => {
    standIn.injectFault({
      target: 'rest',
      kind: 'status',
      status: 403,
      body: JSON.stringify({
        success: false,
        errors: [{ code: 10000, message: 'Authentication error' }],
        messages: [],
        result: null,
      }),
    });
    const error = await failure(client().list(appsPath(), appSchema, PERMISSION));
    expect(error.code).toBe('cloudflare_permission');
    expect(error.permission).toBe(PERMISSION);
  });

  it('maps 429 code 971 to rate limited, honouring Retry-After', async () => {
    standIn.injectFault({
      target: 'rest',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '17' },
      body: JSON.stringify({
        success: false,
        errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
      }),
    });
    const error = await failure(client().list(appsPath(), appSchema, PERMISSION));
    expect(error.code).toBe('upstream_rate_limited');
    expect(error.retryAfterSeconds).toBe(17);
  });

  it('treats success:false in a 200 as a failure, and a non-JSON body as unreadable', async () => {
    standIn.injectFault({
      target: 'rest',
      kind: 'status',
      status: 200,
      body: JSON.stringify({
        success: false,
        errors: [{ code: 7000, message: 'No route for that URI' }],
        result: null,
      }),
    });
    expect((await failure(client().list(appsPath(), appSchema, PERMISSION))).code).toBe(
      'upstream_query_error',
    );
    standIn.injectFault({ target: 'rest', kind: 'malformed' });
    expect((await failure(client().list(appsPath(), appSchema, PERMISSION))).code).toBe(
      'upstream_bad_response',
    );
  });

  it('maps an unknown object (404, code 7003) and a 5xx', async () => {
    const missing = await failure(
      client().get(`${appsPath()}/00000000-0000-4000-8000-000000000000`, appSchema, PERMISSION),
    );
    expect(missing.status).toBe(404);
    standIn.injectFault({ target: 'rest', kind: 'status', status: 502 });
    expect((await failure(client().list(appsPath(), appSchema, PERMISSION))).code).toBe(
      'upstream_unavailable',
    );
  });
});
