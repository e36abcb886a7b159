import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBatchingEventSource } from '../../src/cloudflare/batching-event-source.js';
import { createCachingEventSource } from '../../src/cloudflare/caching-event-source.js';
import { createConfigurationProbe } from '../../src/cloudflare/config-check.js';
import { createFailedLoginsByEmail } from '../../src/cloudflare/failed-logins-by-email.js';
import { createCloudflareHttp } from '../../src/cloudflare/http.js';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import {
  type BudgetSpender,
  type CloudflareApi,
  createMemoryRequestBudget,
  type RequestBudget,
} from '../../src/cloudflare/request-budget.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import type { ScopedEventSource } from '../../src/cloudflare/scoped-ports.js';
import { type CallScope, createUpstreamGuard } from '../../src/cloudflare/upstream-guard.js';
import type { AccessLoginEvent } from '../../src/core/access-event.js';
import type { EventLookup } from '../../src/core/ports.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// The lookup deadline and the spender travel as a value (CallScope), not in an async context. These
// tests prove the value reaches every Cloudflare call of a lookup: each call's budget claim names the
// lookup's spender, and a scope whose deadline has passed stops every call before it is sent. Claims
// are counts of budget claims and of requests the stand-in received; nothing is timed.
const TOKEN = 'call-scope-test-token-SECRET';
const DEADLINE_MS = 20_000;
let standIn: CloudflareStandIn;
let adapters: CloudflareAdapters[] = [];
/** The guard's clock (deadlines, budget); the caches' clock is separate. */
let guardMs = 0;
/** The caches' clock. */
let cacheMs = 0;
/** Every budget claim, in order: the API and whose share (`bot` for the bot's own). */
let claims: Array<{ api: CloudflareApi; spender: string }> = [];

const ANN: BudgetSpender = { id: 'U0ANN', staff: false };
const BOB: BudgetSpender = { id: 'U0BOB', staff: false };
const CAT: BudgetSpender = { id: 'U0CAT', staff: true };

function recordingBudget(): RequestBudget {
  const inner = createMemoryRequestBudget({ clock: () => guardMs });
  return {
    take(api, spender) {
      claims.push({ api, spender: spender?.id ?? 'bot' });
      return inner.take(api, spender);
    },
    pause: (api, seconds) => inner.pause(api, seconds),
  };
}

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(() => standIn.close());
beforeEach(() => {
  guardMs = 1_000_000;
  cacheMs = 1_000_000;
  claims = [];
});
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  adapters = [];
  standIn.clearFaults();
  standIn.requests.length = 0;
});

function cloudflare(): CloudflareAdapters {
  const built = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 7 * 86_400,
    lookupDeadlineMs: DEADLINE_MS,
    cache: { clock: () => cacheMs, keepWarmMs: 0 },
    guard: { clock: () => guardMs, budget: recordingBudget(), sleep: async () => undefined },
  });
  adapters.push(built);
  return built;
}

const spenders = () => [...new Set(claims.map((c) => c.spender))];
const apis = () => [...new Set(claims.map((c) => c.api))].sort();
const paths = () => standIn.requests.map((r) => r.path);
const reset = () => {
  claims = [];
  standIn.requests.length = 0;
};

async function eventOf(cf: CloudflareAdapters, rayId: string): Promise<AccessLoginEvent> {
  const lookup = (await cf.events.findByRayIds([rayId], { now: new Date() })).get(rayId);
  if (lookup?.kind !== 'found') throw new Error(`the sample dataset has no row for ${rayId}`);
  return lookup.event;
}

describe('the spender reaches every call of a lookup', () => {
  it('search, enrichment, identity-log search and audit log all spend the asker’s share', async () => {
    const cf = cloudflare();
    const { events, directory } = cf.forLookup(ANN);
    const report = await explainRayIds(
      { events, directory, now: () => new Date() },
      {
        text: `${SAMPLE_RAY.ipListNotAllowed} ${SAMPLE_RAY.policyChanged} ${SAMPLE_RAY.identityLogOnly}`,
        requesterEmail: 'ann@example.com',
      },
    );
    expect(report.results.map((r) => r.outcome)).not.toContain('error');
    // Every part of the lookup went out: the settings and row queries, the enrichment wave, the
    // Gateway list behind an ip_list rule, the identity log (a Ray ID analytics lacks) and the audit log (a policy changed since the denial).
    expect(apis()).toEqual(['graphql', 'rest']);
    expect(paths().some((p) => p.endsWith('/logs/access_requests'))).toBe(true);
    expect(paths().some((p) => p.endsWith('/audit_logs'))).toBe(true);
    expect(paths().some((p) => /\/access\/apps\/[^/]+$/.test(p))).toBe(true);
    expect(paths().some((p) => /\/gateway\/lists\/[^/]+\/items$/.test(p))).toBe(true);
    // One claim per request (no retries here), every one of them Ann's.
    expect(claims).toHaveLength(standIn.requests.length);
    expect(spenders()).toEqual([ANN.id]);
  });

  it('warm-up, the configuration check and the plain ports spend the bot’s own budget', async () => {
    const cf = cloudflare();
    await cf.prime();
    expect(claims.length).toBeGreaterThan(1);
    expect(apis()).toEqual(['graphql', 'rest']);
    expect(spenders()).toEqual(['bot']);
    reset();
    const http = createCloudflareHttp({ timeoutMs: 5_000 });
    try {
      const probe = createConfigurationProbe({
        rest: createRestClient({
          apiUrl: standIn.apiUrl,
          apiToken: TOKEN,
          fetch: http.fetch,
          guard: cf.guard,
        }),
        fetch: http.fetch,
        guard: cf.guard,
        graphqlUrl: standIn.connection.graphqlUrl,
        apiToken: TOKEN,
        accountId: standIn.dataset.accountId,
      });
      expect((await probe.check()).every((c) => c.ok)).toBe(true);
    } finally {
      await http.close();
    }
    expect(apis()).toEqual(['graphql', 'rest']);
    expect(spenders()).toEqual(['bot']);
    reset();
    // Outside any lookup: the plain ports are the bot's own calls.
    await cf.directory.enrich(await eventOf(cf, SAMPLE_RAY.notInInclude), new Date());
    expect(claims.length).toBeGreaterThan(1);
    expect(spenders()).toEqual(['bot']);
  });

  it('a batched search spends the lookup that opened the batch; the joiner’s enrichment spends its own', async () => {
    const cf = cloudflare();
    await cf.prime();
    reset();
    const ann = cf.forLookup(ANN);
    const bob = cf.forLookup(BOB);
    const now = new Date();
    const [a, b] = await Promise.all([
      ann.events.findByRayIds([SAMPLE_RAY.notInInclude], { now }),
      bob.events.findByRayIds([SAMPLE_RAY.blockPolicyMatched], { now }),
    ]);
    expect(a.get(SAMPLE_RAY.notInInclude)?.kind).toBe('found');
    expect(b.get(SAMPLE_RAY.blockPolicyMatched)?.kind).toBe('found');
    // One query for both (cfRayId_in), on Ann's share.
    expect(standIn.requests.filter((r) => r.path.endsWith('/graphql'))).toHaveLength(1);
    expect(claims).toEqual([{ api: 'graphql', spender: ANN.id }]);
    reset();
    const found = b.get(SAMPLE_RAY.blockPolicyMatched);
    if (found?.kind !== 'found') throw new Error('unreachable');
    await bob.directory.enrich(found.event, new Date());
    expect(claims.length).toBeGreaterThan(0);
    expect(spenders()).toEqual([BOB.id]);
  });

  it('a cached loader runs under the scope of the read that started it, a refresh-ahead under its reader’s', async () => {
    const cf = cloudflare();
    const event = await eventOf(cf, SAMPLE_RAY.notInInclude);
    reset();
    // Ann misses every cache; Bob, a moment later, joins her loads instead of starting his own.
    const ann = cf.forLookup(ANN).directory.enrich(event, new Date());
    const bob = cf.forLookup(BOB).directory.enrich(event, new Date());
    await Promise.all([ann, bob]);
    expect(claims.length).toBeGreaterThan(3);
    expect(spenders()).toEqual([ANN.id]);
    reset();
    // Everything is cached now: Cat's enrichment costs nothing.
    await cf.forLookup(CAT).directory.enrich(event, new Date());
    expect(claims).toEqual([]);
    // Past the refresh-ahead age (60 s) and the user TTL (60 s): Cat's read answers and reloads, on his share.
    cacheMs += 61_000;
    await cf.forLookup(CAT).directory.enrich(event, new Date());
    await vi.waitFor(() => expect(claims.length).toBeGreaterThan(3));
    expect(spenders()).toEqual([CAT.id]);
  });

  it('a Ray ID another lookup is already searching for waits on that search, which stays on its share', async () => {
    const cf = cloudflare();
    await cf.prime();
    reset();
    const now = new Date();
    const first = cf.forLookup(ANN).events.findByRayIds([SAMPLE_RAY.blockPolicyMatched], { now });
    // Bob asks for the same Ray ID after the batch went out: he joins Ann's search in the cache.
    await vi.waitFor(() => expect(claims).toHaveLength(1));
    const second = cf.forLookup(BOB).events.findByRayIds([SAMPLE_RAY.blockPolicyMatched], { now });
    const [a, b] = await Promise.all([first, second]);
    expect(b.get(SAMPLE_RAY.blockPolicyMatched)).toEqual(a.get(SAMPLE_RAY.blockPolicyMatched));
    expect(claims).toEqual([{ api: 'graphql', spender: ANN.id }]);
  });

  it('the App Home’s own failed logins spend the viewer’s share, within the scope’s deadline', async () => {
    const cf = cloudflare();
    const http = createCloudflareHttp({ timeoutMs: 5_000 });
    try {
      const rest = createRestClient({
        apiUrl: standIn.apiUrl,
        apiToken: TOKEN,
        fetch: http.fetch,
        guard: cf.guard,
      });
      const own = createFailedLoginsByEmail(rest, standIn.dataset.accountId, { clock: () => cacheMs });
      const email = standIn.dataset.users.find((u) => standIn.dataset.failedLogins[u.id])?.email ?? 'none';
      const outcome = await own.recentFailedLoginsForEmail(email, 5, cf.guard.newScope(BOB));
      expect(outcome.kind).toBe('found');
      expect(claims).toHaveLength(2);
      expect(spenders()).toEqual([BOB.id]);
      reset();
      const expired = cf.guard.newScope(BOB);
      guardMs += DEADLINE_MS;
      await expect(own.recentFailedLoginsForEmail('other@example.com', 5, expired)).rejects.toMatchObject({
        code: 'upstream_timeout',
      });
      expect(standIn.requests).toHaveLength(0);
    } finally {
      await http.close();
    }
  });
});

describe('the deadline reaches every call of a lookup', () => {
  it('once a lookup’s deadline has passed, none of its port calls sends a request; a call outside it still works', async () => {
    const cf = cloudflare();
    const event = await eventOf(cf, SAMPLE_RAY.policyChanged);
    reset();
    const lookup = cf.forLookup(ANN);
    guardMs += DEADLINE_MS;
    const search = await lookup.events.findByRayIds([SAMPLE_RAY.notInInclude], { now: new Date() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(search).toMatchObject({ code: 'upstream_timeout' });
    const enriched = await lookup.directory.enrich(event, new Date());
    expect(enriched.names.gaps?.length).toBeGreaterThan(3);
    expect(enriched.names.gaps?.every((gap) => gap.includes('upstream_timeout'))).toBe(true);
    const logs = await lookup.directory.findInLogs([SAMPLE_RAY.identityLogOnly], {
      since: new Date(Date.now() - 86_400_000),
      until: new Date(),
      userEmail: 'ann@example.com',
    });
    expect(logs.found.size).toBe(0);
    expect(logs.gaps.join('\n')).toMatch(/upstream_timeout/);
    const audit = await lookup.directory.auditEntries?.({
      since: new Date(Date.now() - 86_400_000),
      until: new Date(),
      resources: [{ id: event.appId, what: 'app' }],
    });
    expect(audit?.gaps.join('\n')).toMatch(/upstream_timeout/);
    expect(standIn.requests).toHaveLength(0);
    expect(claims).toHaveLength(0);
    // A new lookup (and a call with no lookup) gets a deadline of its own.
    const fresh = await cf.forLookup(ANN).events.findByRayIds([SAMPLE_RAY.notInInclude], { now: new Date() });
    expect(fresh.get(SAMPLE_RAY.notInInclude)?.kind).toBe('found');
    expect((await cf.directory.enrich(event, new Date())).app).toBeDefined();
  });

  it('the deadline is one for the whole lookup: time spent on the search is gone for the enrichment', async () => {
    const cf = cloudflare();
    const event = await eventOf(cf, SAMPLE_RAY.notInInclude);
    reset();
    const lookup = cf.forLookup(ANN);
    await lookup.events.findByRayIds([SAMPLE_RAY.countryNotAllowed], { now: new Date() });
    expect(claims).toHaveLength(1);
    // The search "took" the rest of the deadline: the enrichment of the same lookup may not start.
    guardMs += DEADLINE_MS;
    const enriched = await lookup.directory.enrich(event, new Date());
    expect(enriched.app).toBeUndefined();
    expect(claims).toHaveLength(1);
  });
});

describe('CallScope plumbing', () => {
  it('the guard spends the scope’s spender and hands its signal to the attempt; no scope: a new deadline, the bot’s share', async () => {
    let now = 0;
    const taken: Array<BudgetSpender | undefined> = [];
    const guard = createUpstreamGuard({
      clock: () => now,
      lookupDeadlineMs: 1_000,
      budget: {
        take: (_api, spender) => {
          taken.push(spender);
          return { ok: true };
        },
        pause: () => undefined,
      },
    });
    const scope = guard.newScope(BOB);
    const signals: AbortSignal[] = [];
    const attempt = async (signal: AbortSignal) => {
      signals.push(signal);
      return 'ok';
    };
    await guard.call('rest', attempt, scope);
    await guard.call('rest', attempt);
    await guard.call('rest', attempt);
    expect(taken).toEqual([BOB, undefined, undefined]);
    expect(signals[0]).toBe(scope.signal);
    expect(new Set(signals).size).toBe(3);
    now += 1_000;
    await expect(guard.call('rest', attempt, scope)).rejects.toMatchObject({ code: 'upstream_timeout' });
    // Each call without a scope starts a deadline of its own, so it is not past.
    await expect(guard.call('rest', attempt)).resolves.toBe('ok');
  });

  it('the REST client passes the scope’s signal to fetch, so a passed deadline aborts the request in flight', async () => {
    const http = createCloudflareHttp({ timeoutMs: 5_000 });
    try {
      const seen: Array<AbortSignal | null | undefined> = [];
      const guard = createUpstreamGuard({ retries: 0 });
      const rest = createRestClient({
        apiUrl: standIn.apiUrl,
        apiToken: TOKEN,
        guard,
        fetch: (input, init) => {
          seen.push(init?.signal);
          return http.fetch(input, init);
        },
      });
      const scope = guard.newScope(ANN);
      const path = `/accounts/${standIn.dataset.accountId}/access/apps`;
      await rest.list(path, z.unknown(), 'Access: Apps and Policies Read', {}, scope);
      expect(seen).toEqual([scope.signal]);
    } finally {
      await http.close();
    }
  });

  it('the batch lends the opener’s scope to the shared request, the cache the scope of the caller who missed', async () => {
    const seen: Array<CallScope | undefined> = [];
    const inner: ScopedEventSource = {
      async findByRayIds(rayIds, _options, scope) {
        seen.push(scope);
        return new Map(rayIds.map((id): [string, EventLookup] => [id, notFound()]));
      },
    };
    const guard = createUpstreamGuard();
    const [a, b, c] = [guard.newScope(ANN), guard.newScope(BOB), guard.newScope(CAT)];
    const now = new Date();
    const batching = createBatchingEventSource(inner, { windowMs: 1 });
    await Promise.all([
      batching.findByRayIds(['aaaaaaaaaaaaaaaa'], { now }, a),
      batching.findByRayIds(['bbbbbbbbbbbbbbbb'], { now }, b),
    ]);
    expect(seen).toEqual([a]);
    // A full batch goes out at once: still on the opener's scope, and the next batch on its own opener's.
    const small = createBatchingEventSource(inner, { windowMs: 1, maxRayIds: 1 });
    seen.length = 0;
    await Promise.all([
      small.findByRayIds(['cccccccccccccccc'], { now }, b),
      small.findByRayIds(['dddddddddddddddd'], { now }, c),
    ]);
    expect(seen).toEqual([b, c]);
    seen.length = 0;
    const caching = createCachingEventSource(inner);
    await caching.findByRayIds(['eeeeeeeeeeeeeeee'], { now }, c);
    expect(seen).toEqual([c]);
  });
});

function notFound(): EventLookup {
  const at = new Date(0);
  return {
    kind: 'not_found',
    searched: { oldest: at, newest: at, windows: 0, limitedBy: 'retention', oldestReachable: at },
  };
}
