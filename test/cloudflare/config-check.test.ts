import { afterAll, describe, expect, it } from 'vitest';
import { createConfigurationProbe } from '../../src/cloudflare/config-check.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { type Permission, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';

const http = createCloudflareHttp({ timeoutMs: 2_000 });
afterAll(() => http.close());

async function check(permissions?: Permission[], token = 'probe-token') {
  const standIn = await startCloudflareStandIn({
    token: 'probe-token',
    ...(permissions ? { permissions } : {}),
  });
  try {
    const probe = createConfigurationProbe({
      rest: createRestClient({ apiUrl: standIn.apiUrl, apiToken: token, fetch: http.fetch }),
      fetch: http.fetch,
      graphqlUrl: `${standIn.apiUrl}/graphql`,
      apiToken: token,
      accountId: standIn.dataset.accountId,
    });
    return (await probe.check()).map((c) => `${c.ok ? 'ok' : 'NO'} ${c.permission}: ${c.detail}`);
  } finally {
    await standIn.close();
  }
}

describe('configuration probe (startup check and App Home)', () => {
  it('reports every permission working with a full token', async () => {
    expect((await check()).every((line) => line.startsWith('ok '))).toBe(true);
  });

  it('names exactly what is missing', async () => {
    const lines = await check(['Account Analytics Read', 'Access: Apps and Policies Read']);
    expect(lines).toEqual([
      'ok API token: active',
      'ok Account Analytics Read: finds logins by Ray ID',
      'ok Access: Apps and Policies Read: names apps and replays their policies',
      'NO Access: Audit Logs Read: missing on this token',
      'NO Access: Organizations, Identity Providers, and Groups Read: missing on this token',
      'NO Access: Service Tokens Read: missing on this token',
      'NO Access: Device Posture Read: missing on this token',
    ]);
  });

  it('says the token itself is rejected', async () => {
    const lines = await check(undefined, 'wrong-token');
    expect(lines[0]).toMatch(/^NO API token/);
    expect(lines[1]).toBe('NO Account Analytics Read: the token was rejected');
  });
});
