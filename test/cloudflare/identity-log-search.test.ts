import { afterEach, describe, expect, it } from 'vitest';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { createSampleDataset, SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// A busy account: thousands of identity-log rows newer than the one analytics lacks.
const open: Array<CloudflareStandIn | CloudflareAdapters> = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open.length = 0;
});

async function busyAccount(options: { rejectLogFilters?: string[] } = {}) {
  const now = new Date();
  const dataset = createSampleDataset(now);
  for (let i = 0; i < 4000; i++) {
    dataset.accessRequests.unshift({
      action: 'login',
      allowed: true,
      app_uid: dataset.apps[1]?.id ?? '',
      connection: 'okta',
      created_at: new Date(now.getTime() - 60_000 - i * 500).toISOString(),
      ray_id: (0x1000000000000000 + i).toString(16),
      user_email: `someone${i % 40}@northwind.example`,
    });
  }
  const standIn = await startCloudflareStandIn({ dataset, now: () => now, ...options });
  const cf = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 7 * 86_400,
    cache: { keepWarmMs: 0 },
  });
  open.push(cf, standIn);
  const explain = (requesterEmail?: string, rayId: string = SAMPLE_RAY.identityLogOnly) =>
    explainRayIds(
      { events: cf.events, directory: cf.directory, now: () => now },
      { text: `Ray ID: ${rayId}`, requesterEmail },
    );
  return { standIn, explain };
}

const logCalls = (standIn: CloudflareStandIn) =>
  standIn.requests.filter((r) => r.path.endsWith('/access/logs/access_requests'));

describe('a Ray ID only the identity log has', () => {
  it('is found with one filtered call and explained against its app (from app_uid)', async () => {
    const { standIn, explain } = await busyAccount();
    const result = (await explain()).results[0];
    expect(result?.outcome === 'denied' || result?.outcome === 'allowed').toBe(true);
    if (result?.outcome !== 'denied' && result?.outcome !== 'allowed') return;
    expect(result.event.source).toBe('identity_log');
    expect(result.names.appName).toBe('Engineering Wiki');
    expect(result.policies?.length).toBeGreaterThan(0);
    expect(result.names.gaps).toContainEqual(expect.stringMatching(/only in Access's identity log/));
    expect(logCalls(standIn).map((r) => [r.query.ray_id, r.query.ray_idOp])).toEqual([
      [SAMPLE_RAY.identityLogOnly, 'eq'],
    ]);
  });

  it('where the API refuses the ray_id filter: walks the pages, and remembers the refusal', async () => {
    const { standIn, explain } = await busyAccount({ rejectLogFilters: ['ray_id'] });
    const first = (await explain('alice.nguyen@northwind.example')).results[0];
    expect(first?.outcome).not.toBe('not_found');
    const calls = logCalls(standIn);
    expect(calls[0]?.query.ray_id).toBe(SAMPLE_RAY.identityLogOnly);
    // Then the asker's own rows, exact email, 1 000 per page.
    expect(calls.slice(1).every((r) => r.query.ray_id === undefined)).toBe(true);
    expect(calls[1]?.query).toMatchObject({ email_exact: 'true', per_page: '1000', page: '1' });
    // A second search sends no ray_id (the refusal is remembered) and pages through the whole window.
    standIn.requests.length = 0;
    const nowhere = await explain(undefined, '00000000deadbeef');
    expect(nowhere.results[0]?.outcome).not.toBe('error');
    const walk = logCalls(standIn);
    expect(walk.every((r) => r.query.ray_id === undefined)).toBe(true);
    // 4 000+ rows in the window at 1 000 a page: every page, and no more.
    expect(walk.map((r) => r.query.page)).toEqual(['1', '2', '3', '4', '5']);
  });
});
