import { describe, expect, it } from 'vitest';
import { LookupError } from '../../src/core/errors.js';
import { emptyPolicyContext } from '../../src/core/policy/types.js';
import type {
  AccessDirectory,
  AccessEventSource,
  EventLookup,
  IdentityLogEntry,
  SearchedRange,
} from '../../src/core/ports.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';
import { loginEvent, nonIdentityDenial } from '../fixtures/events.js';
import { app, policy, r } from '../fixtures/policy/directory.js';

const now = new Date('2026-11-22T12:00:00Z');
const searched: SearchedRange = {
  oldest: new Date('2026-11-15T12:00:00Z'),
  newest: now,
  windows: 1,
  limitedBy: 'configured_cap',
  oldestReachable: new Date('2026-08-24T12:00:00Z'),
};
const allowed = loginEvent({ rayId: '1a2b3c4d5e6f7a8b', isSuccessfulLogin: true, approvingPolicyId: 'p1' });

function fakeSource(events = [allowed, nonIdentityDenial]) {
  const calls: Array<{ rayIds: readonly string[]; anchor: Date | undefined }> = [];
  const source: AccessEventSource = {
    async findByRayIds(rayIds, options) {
      calls.push({ rayIds, anchor: options.anchor });
      return new Map(
        rayIds.map((rayId): [string, EventLookup] => {
          const event = events.find((e) => e.rayId === rayId);
          return [rayId, event ? { kind: 'found', event, searched } : { kind: 'not_found', searched }];
        }),
      );
    },
  };
  return { source, calls };
}

/** Knows the app of signed-in users (one Allow policy for example.com); not the non-identity app. */
/** In Access's identity log, but not in analytics. */
const LOGGED_ONLY = '3c3c3c3c3c3c3c3c';

const directory: AccessDirectory = {
  async findInLogs(rayIds) {
    const found = new Map<string, IdentityLogEntry>();
    for (const rayId of rayIds) {
      if (rayId === LOGGED_ONLY) {
        found.set(rayId, {
          source: 'access_requests',
          rayId,
          datetime: '2026-11-22T11:58:00Z',
          allowed: false,
          userEmail: 'bo@example.com',
          appDomain: 'wiki.example.com',
        });
      }
    }
    return { found, gaps: [] };
  },
  async enrich(event, when) {
    if (!event.userUuid) {
      return { names: { gaps: ['App and policies: add a permission'] }, context: emptyPolicyContext(when) };
    }
    return {
      names: { appName: 'Grafana', userEmail: 'ana@example.com' },
      app: app([policy({ name: 'Staff', include: [r.domain('corp.example')] })], { name: 'Grafana' }),
      context: { ...emptyPolicyContext(when), user: { email: 'ana@example.com' } },
      recentFailedLogins: [
        { rayId: 'abcdefabcdefabcd', datetime: '2026-11-21T10:00:00Z', appName: 'Grafana' },
      ],
    };
  },
};

describe('explainRayIds', () => {
  it('looks every extracted Ray ID up in one call, in order, and explains each', async () => {
    const { source, calls } = fakeSource();
    const anchor = new Date('2026-11-21T10:00:00Z');
    const report = await explainRayIds(
      { events: source, directory, now: () => now },
      {
        text: `cf-ray: ${allowed.rayId}-SJC and Ray ID: ${nonIdentityDenial.rayId} and 0f0f0f0f0f0f0f0f`,
        anchor,
      },
    );
    expect(calls).toEqual([{ rayIds: [allowed.rayId, nonIdentityDenial.rayId, '0f0f0f0f0f0f0f0f'], anchor }]);
    expect(report.results.map((r) => [r.rayId, r.outcome])).toEqual([
      [allowed.rayId, 'allowed'],
      [nonIdentityDenial.rayId, 'denied'],
      ['0f0f0f0f0f0f0f0f', 'not_found'],
    ]);
    const denied = report.results[1];
    expect(denied?.outcome === 'denied' && denied.names).toEqual({
      gaps: ['App and policies: add a permission'],
    });
    // Without the app, only the row speaks.
    expect(denied?.outcome === 'denied' && denied.explanation.cause).toBe('undetermined');
    expect(denied?.outcome === 'denied' && denied.policies).toBeUndefined();
  });

  it("replays the app's policies when the directory has them, and passes the failed logins on", async () => {
    const { source } = fakeSource([loginEvent({ rayId: '2b2b2b2b2b2b2b2b' })]);
    const report = await explainRayIds(
      { events: source, directory, now: () => now },
      { text: '2b2b2b2b2b2b2b2b' },
    );
    const result = report.results[0];
    if (result?.outcome !== 'denied') throw new Error(`expected a denial, got ${result?.outcome}`);
    expect(result.explanation.policy).toBe('Staff');
    expect(result.explanation.cause).toBe('not_in_include');
    expect(result.policies?.map((p) => [p.policy, p.icon])).toEqual([
      ['Staff', expect.stringMatching(/✅|❌|❔/)],
    ]);
    expect(result.recentFailedLogins).toHaveLength(1);
  });

  it('returns no results (and calls nothing) when the text has no Ray ID', async () => {
    const { source, calls } = fakeSource();
    const report = await explainRayIds(
      { events: source, directory, now: () => now },
      { text: 'it says 403 :(' },
    );
    expect(report.results).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('turns a source failure into one safe error result per Ray ID and reports the error', async () => {
    const seen: unknown[] = [];
    const failure = new LookupError('cloudflare_permission', {
      safeMessage: 'needs Account Analytics Read',
      detail: 'internal detail',
      permission: 'Account Analytics Read',
    });
    const report = await explainRayIds(
      {
        events: { findByRayIds: () => Promise.reject(failure) },
        directory,
        now: () => now,
        onError: (e) => seen.push(e),
      },
      { text: `${allowed.rayId} ${nonIdentityDenial.rayId}` },
    );
    expect(report.results).toEqual([
      {
        rayId: allowed.rayId,
        outcome: 'error',
        failure: {
          code: 'cloudflare_permission',
          message: 'needs Account Analytics Read',
          permission: 'Account Analytics Read',
        },
      },
      {
        rayId: nonIdentityDenial.rayId,
        outcome: 'error',
        failure: {
          code: 'cloudflare_permission',
          message: 'needs Account Analytics Read',
          permission: 'Account Analytics Read',
        },
      },
    ]);
    expect(seen).toEqual([failure]);
  });

  it('never leaks a foreign error message', async () => {
    const report = await explainRayIds(
      {
        events: { findByRayIds: () => Promise.reject(new Error('Bearer abc.secret leaked in message')) },
        directory,
        now: () => now,
      },
      { text: allowed.rayId },
    );
    expect(JSON.stringify(report)).not.toMatch(/secret/);
    expect(report.results[0]).toMatchObject({ outcome: 'error', failure: { code: 'upstream_bad_response' } });
  });

  it("says what Access's identity log has for a Ray ID analytics lacks", async () => {
    const { source } = fakeSource();
    const report = await explainRayIds({ events: source, directory, now: () => now }, { text: LOGGED_ONLY });
    const result = report.results[0];
    if (result?.outcome !== 'not_found') throw new Error(`expected not_found, got ${result?.outcome}`);
    expect(result.notFound.identityLog?.userEmail).toBe('bo@example.com');
    expect(result.notFound.summary).toMatch(
      /^Access's authentication log has this Ray ID: Access denied bo@example.com at wiki.example.com/,
    );
  });

  it('hands the identity-log search the requester email it was promised, once it arrives', async () => {
    const { source } = fakeSource();
    const asked: (string | undefined)[] = [];
    const logs: AccessDirectory = {
      ...directory,
      async findInLogs(rayIds, search) {
        asked.push(search.userEmail);
        return directory.findInLogs(rayIds, search);
      },
    };
    const email = new Promise<string>((resolve) => setTimeout(() => resolve('bo@example.com'), 5));
    await explainRayIds(
      { events: source, directory: logs, now: () => now },
      { text: LOGGED_ONLY, requesterEmail: email },
    );
    expect(asked).toEqual(['bo@example.com']);
  });
});
