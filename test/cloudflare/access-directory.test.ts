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
import { createSampleDataset, SAMPLE_RAY } from '../../src/sandbox/dataset.js';

const TOKEN = 'directory-token-SECRET';
const http = createCloudflareHttp({ timeoutMs: 2_000 });
afterAll(() => http.close());

async function enrich(rayId: string, permissions: Permission[] = [...ALL_PERMISSIONS]) {
  const standIn = await startCloudflareStandIn({ token: TOKEN, permissions });
  try {
    const row = standIn.dataset.events.find((e) => e.cfRayId === rayId);
    if (!row) throw new Error(`no sample event ${rayId}`);
    const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
    const event = toAccessLoginEvent(row);
    const enrichment = await createRestAccessDirectory(rest, standIn.dataset.accountId).enrich(
      event,
      new Date(),
    );
    return { enrichment, row, dataset: standIn.dataset, paths: standIn.requests.map((r) => r.path) };
  } finally {
    await standIn.close();
  }
}

describe('REST access directory (enrichment)', () => {
  it('loads the app with its policies, the lookups, the user and failed logins in one wave', async () => {
    const { enrichment, row, dataset, paths } = await enrich(SAMPLE_RAY.notInInclude);
    const app = dataset.apps.find((a) => a.id === row.appId);
    expect(enrichment.app?.name).toBe(app?.name);
    expect(enrichment.app?.policies.map((p) => p.name)).toEqual(app?.policies.map((p) => p.name));
    expect(enrichment.names).toMatchObject({ appName: app?.name, appDomain: app?.domain });
    expect(enrichment.names.userEmail).toMatch(/@/);
    expect(enrichment.names.gaps).toBeUndefined();
    expect(enrichment.context.identityProviders).toHaveLength(dataset.identityProviders.length);
    expect(enrichment.context.serviceTokens).toHaveLength(dataset.serviceTokens.length);
    expect(enrichment.context.user?.email).toBe(enrichment.names.userEmail);
    expect(enrichment.recentFailedLogins?.length).toBeGreaterThan(0);
    const times = enrichment.recentFailedLogins?.map((f) => f.datetime) ?? [];
    expect(times).toEqual([...times].sort().reverse());
    // One call per lookup kind: app, IdPs, groups, tokens, posture, last seen identity, failed logins.
    expect(
      paths
        .map((p) =>
          p.replace(/[0-9a-f-]{36}/g, ':id').replace(`/client/v4/accounts/${dataset.accountId}/`, ''),
        )
        .sort(),
    ).toEqual(
      [
        'access/apps/:id',
        'access/groups',
        'access/identity_providers',
        'access/service_tokens',
        'access/users/:id/failed_logins',
        'access/users/:id/last_seen_identity',
        'devices/posture',
      ].sort(),
    );
  });

  it('names the service token a request presented', async () => {
    const { enrichment, row, dataset } = await enrich(SAMPLE_RAY.serviceTokenExpired);
    const token = dataset.serviceTokens.find(
      (t) => t.id === row.serviceTokenId || t.client_id === row.serviceTokenId,
    );
    expect(enrichment.names.serviceTokenName).toBe(token?.name);
    expect(enrichment.recentFailedLogins).toBeUndefined();
  });

  it('degrades to gaps naming the missing permission instead of failing', async () => {
    const { enrichment } = await enrich(SAMPLE_RAY.notInInclude, ['Account Analytics Read']);
    expect(enrichment.app).toBeUndefined();
    expect(enrichment.names.appName).toBeUndefined();
    expect(enrichment.names.gaps).toEqual([
      'App and policies: add the “Access: Apps and Policies Read” permission to the token to name the app and replay its policies',
      'Identity providers: add the “Access: Organizations, Identity Providers, and Groups Read” permission to the token to name IdPs and check login methods',
      'Access groups: add the “Access: Organizations, Identity Providers, and Groups Read” permission to the token to check rule groups',
      'Service tokens: add the “Access: Service Tokens Read” permission to the token to name tokens and check their expiry',
      'Device posture rules: add the “Access: Device Posture Read” permission to the token to check posture rules',
      "User's last identity: add the “Access: Audit Logs Read” permission to the token to see the user's email, IdP groups and posture results",
      "Failed logins: add the “Access: Audit Logs Read” permission to the token to list the user's recent failed logins",
    ]);
  });
});

describe('REST access directory (identity log search)', () => {
  it("finds a Ray ID in the identity log, and in a user's failed logins by email", async () => {
    const now = new Date();
    const dataset = createSampleDataset(now);
    const user = dataset.users[0];
    if (!user) throw new Error('dataset needs a user');
    dataset.accessRequests.push({
      action: 'login',
      allowed: false,
      app_domain: 'wiki.northwind.example',
      app_uid: dataset.apps[0]?.id ?? '',
      connection: 'okta',
      created_at: new Date(now.getTime() - 3_600_000).toISOString(),
      ip_address: '203.0.113.7',
      ray_id: '7e7e7e7e7e7e7e7e',
      user_email: user.email,
    });
    dataset.failedLogins[user.id] = [
      {
        expiration: 0,
        metadata: {
          app_name: 'Wiki',
          aud: 'a'.repeat(64),
          datetime: new Date(now.getTime() - 7_200_000).toISOString(),
          ray_id: '6f6f6f6f6f6f6f6f',
          user_email: user.email,
          user_uuid: user.id,
        },
      },
    ];
    const standIn = await startCloudflareStandIn({ token: TOKEN, dataset });
    try {
      const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
      const directory = createRestAccessDirectory(rest, dataset.accountId);
      const since = new Date(now.getTime() - 86_400_000);
      const { found, gaps } = await directory.findInLogs(
        ['7e7e7e7e7e7e7e7e', '6f6f6f6f6f6f6f6f', '0000000000000001'],
        {
          since,
          until: now,
          userEmail: user.email.toUpperCase(),
        },
      );
      expect(gaps).toEqual([]);
      expect(found.get('7e7e7e7e7e7e7e7e')).toMatchObject({
        source: 'access_requests',
        allowed: false,
        connection: 'okta',
      });
      expect(found.get('6f6f6f6f6f6f6f6f')).toMatchObject({ source: 'failed_logins', appName: 'Wiki' });
      expect(found.has('0000000000000001')).toBe(false);
    } finally {
      await standIn.close();
    }
  });

  it('reports a gap, not an error, without Access: Audit Logs Read', async () => {
    const standIn = await startCloudflareStandIn({ token: TOKEN, permissions: ['Account Analytics Read'] });
    try {
      const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
      const result = await createRestAccessDirectory(rest, standIn.dataset.accountId).findInLogs(
        ['7e7e7e7e7e7e7e7e'],
        {
          since: new Date(Date.now() - 86_400_000),
          until: new Date(),
        },
      );
      expect(result.found.size).toBe(0);
      expect(result.gaps).toEqual([
        'Identity log: add the “Access: Audit Logs Read” permission to the token to search it for Ray IDs analytics lacks',
      ]);
    } finally {
      await standIn.close();
    }
  });
});
