import { afterAll, describe, expect, it } from 'vitest';
import { createRestAccessDirectory } from '../../src/cloudflare/access-directory.js';
import { toAccessLoginEvent } from '../../src/cloudflare/graphql-schemas.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import {
  ALL_PERMISSIONS,
  type Permission,
  startCloudflareStandIn,
} from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';

const TOKEN = 'directory-token-SECRET';
const http = createCloudflareHttp({ timeoutMs: 2_000 });
afterAll(() => http.close());

async function resolveWith(rayId: string, permissions: Permission[] = [...ALL_PERMISSIONS]) {
  const standIn = await startCloudflareStandIn({ token: TOKEN, permissions });
  try {
    const row = standIn.dataset.events.find((e) => e.cfRayId === rayId);
    if (!row) throw new Error(`no sample event ${rayId}`);
    const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
    const names = await createRestAccessDirectory(rest, standIn.dataset.accountId).resolveNames(
      toAccessLoginEvent(row),
    );
    const app = standIn.dataset.apps.find((a) => a.id === row.appId);
    return { names, app, requests: standIn.requests.map((r) => r.path) };
  } finally {
    await standIn.close();
  }
}

describe('REST access directory', () => {
  it('resolves the app name and domain and the user email, in parallel calls', async () => {
    const { names, app, requests } = await resolveWith(SAMPLE_RAY.notInInclude);
    expect(names.appName).toBe(app?.name);
    expect(names.appDomain).toBe(app?.domain);
    expect(names.userEmail).toMatch(/@/);
    expect(names.gaps).toBeUndefined();
    expect(requests).toHaveLength(2);
  });

  it('skips the user call for a non-identity event', async () => {
    const { names, requests } = await resolveWith(SAMPLE_RAY.mtlsMissing);
    expect(names.userEmail).toBeUndefined();
    expect(requests.every((p) => p.includes('/access/apps/'))).toBe(true);
  });

  it('degrades to gaps naming the missing permission instead of failing', async () => {
    const { names } = await resolveWith(SAMPLE_RAY.notInInclude, ['Account Analytics Read']);
    expect(names.appName).toBeUndefined();
    expect(names.gaps).toEqual([
      'App name: add *Access: Apps and Policies Read* to the token to see it',
      'User email: add *Access: Audit Logs Read* to the token to see it',
    ]);
  });
});
