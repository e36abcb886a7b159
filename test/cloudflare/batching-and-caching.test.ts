import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import type { EventLookup } from '../../src/core/ports.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// Every claim here is a count of requests the stand-in received: no timings.
const TOKEN = 'cache-test-token-SECRET';
let standIn: CloudflareStandIn;
let adapters: CloudflareAdapters[] = [];
/** The caches' clock; search times use the real one. */
let clockMs = 1_000_000;

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(() => standIn.close());
beforeEach(() => {
  clockMs = 1_000_000;
});
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
  standIn.clearFaults();
  standIn.requests.length = 0;
});

function cloudflare(keepWarmMs = 0): CloudflareAdapters {
  const built = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 7 * 86_400,
    cache: { clock: () => clockMs, keepWarmMs },
    // Retries happen at once here; their policy is tested in faults.test.ts.
    guard: { sleep: async () => undefined },
  });
  adapters.push(built);
  return built;
}

const graphql = () => standIn.requests.filter((r) => r.path.endsWith('/graphql'));
const rowQueries = () => graphql().filter((r) => r.operationName !== 'AccessLoginDatasetSettings');
const rest = () => standIn.requests.filter((r) => !r.path.endsWith('/graphql'));
const calls = () => standIn.requests.length;
const explain = (cf: CloudflareAdapters, text: string) =>
  explainRayIds({ events: cf.events, directory: cf.directory, now: () => new Date() }, { text });
/** Service-token logins to one app: no user to look up, so a warm card needs only the row. */
const backgroundRays = () =>
  standIn.dataset.events.filter((e) => e.background && e.userUuid === '').map((e) => e.cfRayId);
const rayAt = (index: number): string => {
  const rayId = backgroundRays()[index];
  if (!rayId) throw new Error(`the sample dataset needs ${index + 1} background events`);
  return rayId;
};

describe('batching concurrent lookups', () => {
  it('merges two findByRayIds calls within the window into one GraphQL query, each caller getting its own Map', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    const now = new Date();
    const [a, b] = await Promise.all([
      cf.events.findByRayIds([rayAt(0)], { now }),
      cf.events.findByRayIds([rayAt(1), '0000aaaa0000bbbb'], { now }),
    ]);
    expect(graphql()).toHaveLength(1);
    expect(graphql()[0]?.operationName).toBe('AccessLoginsByRayIds');
    expect(graphql()[0]?.variables?.rayIds).toEqual([rayAt(0), rayAt(1), '0000aaaa0000bbbb']);
    expect([...a.keys()]).toEqual([rayAt(0)]);
    expect([...b.keys()]).toEqual([rayAt(1), '0000aaaa0000bbbb']);
    expect(a.get(rayAt(0))?.kind).toBe('found');
    expect(b.get('0000aaaa0000bbbb')?.kind).toBe('not_found');
  });

  it('merges an anchor from a moment ago with "now", but not a much older anchor', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    await Promise.all([
      cf.events.findByRayIds([rayAt(2)], { now }),
      cf.events.findByRayIds([rayAt(3)], { now, anchor: minutesAgo(1) }),
      cf.events.findByRayIds([rayAt(4)], { now, anchor: minutesAgo(120) }),
    ]);
    expect(graphql()).toHaveLength(2);
  });

  it('never merges a search to the retention with a capped one, nor answers it from a capped miss', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    const unknown = '0000abab0000cdcd';
    const now = new Date();
    const [capped, wide] = await Promise.all([
      cf.events.findByRayIds([unknown], { now }),
      cf.events.findByRayIds([unknown], { now, searchToRetention: true }),
    ]);
    expect(capped.get(unknown)?.searched).toMatchObject({ windows: 1, limitedBy: 'configured_cap' });
    expect(wide.get(unknown)?.searched.limitedBy).toBe('retention');
    expect(wide.get(unknown)?.searched.windows).toBeGreaterThan(1);
    const queries = rowQueries().length;
    expect(queries).toBe(1 + (wide.get(unknown)?.searched.windows ?? 0));
    await cf.events.findByRayIds([unknown], { now: new Date(), searchToRetention: true });
    expect(rowQueries()).toHaveLength(queries);
  });

  it('sends ten Ray IDs of one message as one GraphQL query', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    const rayIds = backgroundRays().slice(0, 10);
    const report = await explain(cf, rayIds.join(' '));
    expect(report.results.map((r) => r.outcome)).toEqual(rayIds.map(() => 'allowed'));
    expect(graphql()).toHaveLength(1);
  });

  it('shares a lookup still in flight instead of sending a second one', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    standIn.injectFault({ target: 'graphql', kind: 'delay', ms: 150 });
    const now = new Date();
    const first = cf.events.findByRayIds([rayAt(5)], { now });
    // Well past the batching window: the first query is already on the wire.
    await new Promise((resolve) => setTimeout(resolve, 40));
    const second = cf.events.findByRayIds([rayAt(5)], { now: new Date() });
    const [a, b] = await Promise.all([first, second]);
    expect(graphql()).toHaveLength(1);
    expect(a.get(rayAt(5))).toBe(b.get(rayAt(5)));
  });

  it('fails every caller of a batch with the upstream error, and caches nothing', async () => {
    const cf = cloudflare();
    await cf.prime();
    standIn.requests.length = 0;
    // A first try and two retries, all failing.
    standIn.injectFault({ target: 'graphql', kind: 'status', status: 503, times: 3 });
    const now = new Date();
    const results = await Promise.allSettled([
      cf.events.findByRayIds([rayAt(6)], { now }),
      cf.events.findByRayIds([rayAt(7)], { now }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(graphql()).toHaveLength(3);
    const retry = await cf.events.findByRayIds([rayAt(6)], { now });
    expect(retry.get(rayAt(6))?.kind).toBe('found');
    expect(graphql()).toHaveLength(4);
  });
});

describe('caching', () => {
  it('prime() reads the settings and the account-wide lookups, so a cold card needs only the row, the app and the user', async () => {
    const cf = cloudflare();
    const report = await cf.prime();
    expect(report.gaps).toEqual([]);
    expect(report.settings.enabled).toBe(true);
    expect(graphql().map((r) => r.operationName)).toEqual(['AccessLoginDatasetSettings']);
    standIn.requests.length = 0;
    await explain(cf, SAMPLE_RAY.notInInclude);
    expect(rowQueries()).toHaveLength(1);
    expect(graphql()).toHaveLength(1);
    const paths = rest().map((r) => r.path.replace(/^.*\/accounts\/[0-9a-f]+\//, ''));
    expect(paths.map((p) => p.replace(/[0-9a-f-]{36}/g, ':id')).sort()).toEqual([
      'access/apps/:id',
      'access/users/:id/failed_logins',
      'access/users/:id/last_seen_identity',
    ]);
  });

  it('answers a repeated Ray ID with zero upstream calls', async () => {
    const cf = cloudflare();
    const first = await explain(cf, SAMPLE_RAY.notInInclude);
    expect(calls()).toBeGreaterThan(0);
    standIn.requests.length = 0;
    const again = await explain(cf, `Ray ID: ${SAMPLE_RAY.notInInclude}`);
    expect(calls()).toBe(0);
    expect(again.results).toEqual(first.results);
  });

  it('enriches a second event of a known app with zero REST calls (only its row is fetched)', async () => {
    const cf = cloudflare();
    await explain(cf, rayAt(0));
    standIn.requests.length = 0;
    const report = await explain(cf, rayAt(1));
    expect(report.results[0]?.outcome).toBe('allowed');
    expect(rest()).toHaveLength(0);
    expect(graphql()).toHaveLength(1);
  });

  it('refreshes metadata in the background after refreshAfter: the next card gets the old value at once, the one after the new', async () => {
    const cf = cloudflare();
    const appId = standIn.dataset.events.find((e) => e.cfRayId === rayAt(0))?.appId;
    const app = standIn.dataset.apps.find((a) => a.id === appId);
    if (!app) throw new Error('no app for the background events');
    const originalName = app.name;
    try {
      const first = await explain(cf, rayAt(0));
      expect(first.results[0]?.outcome === 'allowed' && first.results[0].names.appName).toBe(originalName);
      app.name = 'Renamed while cached';
      standIn.requests.length = 0;

      clockMs += 30_000; // still fresh: no call at all
      await explain(cf, rayAt(0));
      expect(calls()).toBe(0);

      clockMs += 60_000; // past refreshAfter (60 s), well before the TTL (10 min)
      const stale = await explain(cf, rayAt(0));
      expect(stale.results[0]?.outcome === 'allowed' && stale.results[0].names.appName).toBe(originalName);
      await vi.waitFor(async () => {
        const fresh = await explain(cf, rayAt(0));
        expect(fresh.results[0]?.outcome === 'allowed' && fresh.results[0].names.appName).toBe(
          'Renamed while cached',
        );
      });
      // One reload per kind of metadata, and no Ray ID query: the row is cached for a day.
      expect(graphql()).toHaveLength(0);
      const reloaded = rest().map((r) => r.path.replace(/^.*\/accounts\/[0-9a-f]+\//, ''));
      expect(new Set(reloaded).size).toBe(reloaded.length);
      expect(reloaded.some((p) => p.startsWith('access/apps/'))).toBe(true);
    } finally {
      app.name = originalName;
    }
  });

  it('after prime(), keeps the account-wide lookups warm on its own while nobody asks', async () => {
    const cf = cloudflare(20);
    await cf.prime();
    standIn.requests.length = 0;
    clockMs += 61_000; // older than refreshAfter: the next keep-warm tick reloads them
    await vi.waitFor(() => {
      const paths = rest().map((r) => r.path.replace(/^.*\/accounts\/[0-9a-f]+\//, ''));
      expect(paths).toEqual(
        expect.arrayContaining(['access/identity_providers', 'access/groups', 'access/service_tokens']),
      );
    });
    // Settings are younger than their own refreshAfter (10 min): not read again.
    expect(graphql()).toHaveLength(0);
  });

  it('forgets metadata after its TTL when nobody read it: the card waits for a fresh load', async () => {
    const cf = cloudflare();
    await explain(cf, rayAt(0));
    standIn.requests.length = 0;
    clockMs += 11 * 60_000;
    await explain(cf, rayAt(0));
    expect(rest().some((r) => r.path.includes('/access/apps/'))).toBe(true);
  });

  it('believes "not found" only briefly (30 s)', async () => {
    const cf = cloudflare();
    const unknown = '0000cccc0000dddd';
    const first = await cf.events.findByRayIds([unknown], { now: new Date() });
    expect(first.get(unknown)?.kind).toBe('not_found');
    const afterFirst = rowQueries().length;

    clockMs += 20_000;
    await cf.events.findByRayIds([unknown], { now: new Date() });
    expect(rowQueries()).toHaveLength(afterFirst);

    clockMs += 11_000;
    await cf.events.findByRayIds([unknown], { now: new Date() });
    expect(rowQueries()).toHaveLength(afterFirst + 1);
  });

  it('keeps a found row for a day', async () => {
    const cf = cloudflare();
    const now = new Date();
    await cf.events.findByRayIds([rayAt(0)], { now });
    const before = rowQueries().length;
    clockMs += 23 * 60 * 60_000;
    const lookup: EventLookup | undefined = (await cf.events.findByRayIds([rayAt(0)], { now })).get(rayAt(0));
    expect(lookup?.kind).toBe('found');
    expect(rowQueries()).toHaveLength(before);
  });

  it('answers a repeated not-found paste (analytics and identity log) with zero calls within 30 s', async () => {
    const cf = cloudflare();
    await explain(cf, 'Ray ID: 0000eeee0000ffff');
    standIn.requests.length = 0;
    const again = await explain(cf, 'Ray ID: 0000eeee0000ffff');
    expect(again.results[0]?.outcome).toBe('not_found');
    expect(calls()).toBe(0);
  });

  it('searches again, analytics and identity log, when "Search further back" widens a recent miss', async () => {
    const cf = cloudflare();
    await explain(cf, 'Ray ID: 0000eeee0000aaaa');
    standIn.requests.length = 0;
    const wider = await explainRayIds(
      { events: cf.events, directory: cf.directory, now: () => new Date() },
      { text: 'Ray ID: 0000eeee0000aaaa', searchToRetention: true },
    );
    const result = wider.results[0];
    expect(result?.outcome === 'not_found' && result.searched.limitedBy).toBe('retention');
    expect(rowQueries().length).toBeGreaterThan(1);
    expect(rest().filter((r) => r.path.endsWith('/logs/access_requests'))).toHaveLength(1);
  });

  it('shares in-flight enrichment: two events of one app in one message load the app once', async () => {
    const cf = cloudflare();
    await explain(cf, `${rayAt(0)} ${rayAt(1)} ${rayAt(2)}`);
    const appCalls = rest().filter((r) => /\/access\/apps\/[^/]+$/.test(r.path));
    const lookupCalls = rest().filter((r) => r.path.endsWith('/access/groups'));
    expect(appCalls).toHaveLength(1);
    expect(lookupCalls).toHaveLength(1);
  });

  it('keeps caches per adapter instance', async () => {
    await explain(cloudflare(), rayAt(0));
    standIn.requests.length = 0;
    await explain(cloudflare(), rayAt(0));
    expect(rowQueries()).toHaveLength(1);
    expect(rest().length).toBeGreaterThan(0);
  });

  it('remembers a missing permission briefly instead of asking on every card', async () => {
    const limited = await startCloudflareStandIn({ token: TOKEN, permissions: ['Account Analytics Read'] });
    const cf = createCloudflareAdapters({
      ...limited.connection,
      timeoutMs: 5_000,
      cache: { clock: () => clockMs },
    });
    adapters.push(cf);
    try {
      const report = await cf.prime();
      expect(report.gaps).toHaveLength(4);
      const first = await explain(cf, SAMPLE_RAY.serviceTokenExpired);
      expect(first.results[0]?.outcome === 'denied' && first.results[0].names.gaps?.length).toBeGreaterThan(
        0,
      );
      const restCalls = () => limited.requests.filter((r) => !r.path.endsWith('/graphql')).length;
      const before = restCalls();
      await explain(cf, SAMPLE_RAY.serviceTokenMissing);
      expect(restCalls()).toBe(before);
      clockMs += 31_000;
      await explain(cf, SAMPLE_RAY.serviceTokenNotAuthorized);
      expect(restCalls()).toBeGreaterThan(before);
    } finally {
      await limited.close();
    }
  });

  it('prime() rejects with the lookup error when the dataset is not enabled', async () => {
    const disabled = await startCloudflareStandIn({ token: TOKEN, settings: { enabled: false } });
    const cf = createCloudflareAdapters({
      ...disabled.connection,
      timeoutMs: 5_000,
    });
    adapters.push(cf);
    try {
      await expect(cf.prime()).rejects.toMatchObject({ code: 'dataset_unavailable' });
    } finally {
      await disabled.close();
    }
  });
});
