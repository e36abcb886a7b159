import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_PERMISSION, createAuditLogReader } from '../../src/cloudflare/audit-log.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import {
  ALL_PERMISSIONS,
  type Permission,
  startCloudflareStandIn,
} from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { ID } from '../../src/sandbox/sample/ids.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

const TOKEN = 'audit-log-token-SECRET';
const http = createCloudflareHttp({ timeoutMs: 2_000 });
afterAll(() => http.close());

const withoutAuditLog = ALL_PERMISSIONS.filter((p) => p !== AUDIT_LOG_PERMISSION);

async function withStandIn<T>(
  permissions: readonly Permission[],
  work: (standIn: Awaited<ReturnType<typeof startCloudflareStandIn>>) => Promise<T>,
): Promise<T> {
  const standIn = await startCloudflareStandIn({ token: TOKEN, permissions });
  try {
    return await work(standIn);
  } finally {
    await standIn.close();
  }
}

describe('account audit log reader', () => {
  it('reads the changes of the named objects since the event, oldest first, with the previous policy', async () => {
    await withStandIn(ALL_PERMISSIONS, async (standIn) => {
      const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
      const now = new Date();
      const since = new Date(now.getTime() - 8 * 3_600_000);
      const { entries, gaps } = await createAuditLogReader(rest, standIn.dataset.accountId).entries({
        since,
        until: now,
        resources: [{ id: ID.policyPayrollStaff, what: 'policy' }],
      });
      expect(gaps).toEqual([]);
      // The DNS change in the same window is not one of the named objects.
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        resourceId: ID.policyPayrollStaff,
        action: 'update',
        actorEmail: 'dana.ops@northwind.example',
      });
      const before = entries[0]?.before;
      if (before?.what !== 'policy') throw new Error('no previous policy');
      expect(before.policy.include).toEqual([{ kind: 'geo', countryCode: 'IE' }]);
      const sent = standIn.requests.filter((r) => r.path.endsWith('/audit_logs'));
      expect(sent).toHaveLength(1);
      expect(sent[0]?.query).toMatchObject({
        since: since.toISOString(),
        before: now.toISOString(),
        direction: 'asc',
        per_page: '1000',
      });
      expect(sent[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });
  });

  it('without the permission: no entries and a gap naming “Account Settings Read”, never a failure', async () => {
    await withStandIn(withoutAuditLog, async (standIn) => {
      const rest = createRestClient({ apiUrl: standIn.apiUrl, apiToken: TOKEN, fetch: http.fetch });
      const result = await createAuditLogReader(rest, standIn.dataset.accountId).entries({
        since: new Date(Date.now() - 86_400_000),
        until: new Date(),
        resources: [{ id: ID.policyPayrollStaff, what: 'policy' }],
      });
      expect(result.entries).toEqual([]);
      expect(result.gaps).toEqual([
        'Who changed it and what changed: add the “Account Settings Read” permission to the token to read the account audit log',
      ]);
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });
  });
});

describe('policy drift through the adapters', () => {
  async function explain(permissions: readonly Permission[], rayId: string) {
    return withStandIn(permissions, async (standIn) => {
      const cloudflare = createCloudflareAdapters({ ...standIn.connection, timeoutMs: 5_000 });
      try {
        const report = await explainRayIds({ ...cloudflare, now: () => new Date() }, { text: rayId });
        const auditCalls = standIn.requests.filter((r) => r.path.endsWith('/audit_logs')).length;
        return { result: report.results[0], auditCalls };
      } finally {
        await cloudflare.close();
      }
    });
  }

  it('a policy widened after the denial: who, what, and both verdicts', async () => {
    const { result, auditCalls } = await explain(ALL_PERMISSIONS, SAMPLE_RAY.policyChanged);
    if (result?.outcome !== 'denied') throw new Error(`got ${result?.outcome}`);
    expect(auditCalls).toBe(1);
    expect(result.drift?.todayDecision).toBe('allowed');
    expect(result.drift?.atEvent).toMatchObject({ decision: 'denied', cause: 'country_not_allowed' });
    expect(result.drift?.changedSince).toHaveLength(1);
    expect(result.drift?.changedSince[0]).toMatchObject({
      what: 'policy',
      id: ID.policyPayrollStaff,
      name: 'Payroll staff',
      by: 'dana.ops@northwind.example',
    });
    expect(result.drift?.changedSince[0]?.differences?.[0]).toMatch(/^Include: was .*IE.*; now .*US/);
  });

  it('without audit-log access the change is still flagged, and the gap names the permission', async () => {
    const { result } = await explain(withoutAuditLog, SAMPLE_RAY.policyChanged);
    if (result?.outcome !== 'denied') throw new Error(`got ${result?.outcome}`);
    expect(result.drift?.changedSince.map((c) => c.name)).toEqual(['Payroll staff']);
    expect(result.drift?.changedSince[0]?.by).toBeUndefined();
    expect(result.drift?.atEvent).toBeUndefined();
    expect(result.drift?.gaps.join(' ')).toContain('Account Settings Read');
  });

  it('an event with no later change costs no audit-log call', async () => {
    const { result, auditCalls } = await explain(ALL_PERMISSIONS, SAMPLE_RAY.ipNotAllowed);
    if (result?.outcome !== 'denied') throw new Error(`got ${result?.outcome}`);
    expect(result.drift).toBeUndefined();
    expect(auditCalls).toBe(0);
  });
});

describe('stand-in /audit_logs', () => {
  async function get(standIn: Awaited<ReturnType<typeof startCloudflareStandIn>>, query: string) {
    const response = await fetch(
      `${standIn.apiUrl}/accounts/${standIn.dataset.accountId}/audit_logs?${query}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('pages newest first by default, caps per_page at 1000 and filters on action.type and the window', async () => {
    await withStandIn(ALL_PERMISSIONS, async (standIn) => {
      const all = await get(standIn, 'per_page=5000');
      expect(all.status).toBe(200);
      expect(all.body.result_info).toMatchObject({ page: 1, per_page: 1000, total_count: 2, total_pages: 1 });
      const results = all.body.result as Array<{ when: string; resource: { id: string } }>;
      expect(results.map((e) => e.resource.id)[0]).toBe(ID.policyPayrollStaff);
      const updates = await get(standIn, 'action.type=update');
      expect((updates.body.result as unknown[]).length).toBe(1);
      const latest = results[0]?.when ?? '';
      const older = await get(standIn, `before=${encodeURIComponent(latest)}`);
      expect((older.body.result as unknown[]).length).toBe(1);
    });
  });

  it('answers 403 with the authentication error without “Account Settings Read”', async () => {
    await withStandIn(withoutAuditLog, async (standIn) => {
      const denied = await get(standIn, '');
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ success: false, errors: [{ code: 10000 }] });
    });
  });
});
