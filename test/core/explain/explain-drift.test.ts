import { describe, expect, it } from 'vitest';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';
import { explainDrift, findChangedSince } from '../../../src/core/explain/explain-drift.js';
import type { AuditEntry } from '../../../src/core/ports.js';
import { app, asUser, policy, r, signedIn } from '../../fixtures/policy/directory.js';

// The event of these tests: signed in from Stockholm (SE) at 09:15:42 on 2026-11-20.
const BEFORE_EVENT = '2026-11-19T16:00:00Z';
const AFTER_EVENT = '2026-11-20T11:30:00Z';
const event = signedIn();
const context = asUser('ines@corp.example');

/** Replays today's app and flags drift, the way the use case does. */
function drift(current: ReturnType<typeof app>, audit?: { entries: AuditEntry[]; gaps: string[] }) {
  const today = explainLogin(event, current, context);
  return explainDrift({
    event,
    app: current,
    context,
    todayDecision: today.replayedDecision,
    ...(audit ? { audit } : {}),
  });
}

describe('findChangedSince', () => {
  it('flags an app changed after the event', () => {
    const current = app([policy({ updatedAt: BEFORE_EVENT })], { updatedAt: AFTER_EVENT });
    expect(findChangedSince(event, current)).toEqual([
      { what: 'app', id: current.id, name: 'Ledger', updatedAt: AFTER_EVENT },
    ]);
  });

  it('flags an app policy and a reusable policy changed after the event, not those changed before', () => {
    const own = policy({ name: 'Staff', updatedAt: AFTER_EVENT });
    const reusable = policy({
      name: 'Block embargoed',
      decision: 'deny',
      reusable: true,
      updatedAt: AFTER_EVENT,
    });
    const old = policy({ name: 'Old', updatedAt: BEFORE_EVENT });
    const changes = findChangedSince(event, app([reusable, own, old], { updatedAt: BEFORE_EVENT }));
    expect(changes.map((c) => [c.what, c.name])).toEqual([
      ['policy', 'Block embargoed'],
      ['policy', 'Staff'],
    ]);
  });

  it('flags nothing when every updated_at is at or before the event, missing or unreadable', () => {
    const current = app(
      [policy({ updatedAt: event.datetime }), policy({}), policy({ updatedAt: 'yesterday-ish' })],
      { updatedAt: BEFORE_EVENT },
    );
    expect(findChangedSince(event, current)).toEqual([]);
    expect(drift(current)).toBeUndefined();
  });
});

describe('explainDrift', () => {
  it('without the audit log: flags the change and says who and what are unknown', () => {
    const current = app([policy({ name: 'Staff', updatedAt: AFTER_EVENT })]);
    const result = drift(current, {
      entries: [],
      gaps: ['Who changed it: add the “Account Settings Read” permission to the token'],
    });
    expect(result?.changedSince).toEqual([
      { what: 'policy', id: current.policies[0]?.id, name: 'Staff', updatedAt: AFTER_EVENT },
    ]);
    expect(result?.atEvent).toBeUndefined();
    expect(result?.gaps.join(' ')).toContain('Account Settings Read');
  });

  it('replays the previous version: allowed today, denied as it was at the event (country)', () => {
    const now = policy({
      name: 'Nordics',
      include: [r.domain('corp.example')],
      require: [r.geo('SE')],
      updatedAt: AFTER_EVENT,
    });
    const then = { ...now, require: [r.geo('NO')], updatedAt: BEFORE_EVENT };
    const current = app([now]);
    const result = drift(current, {
      entries: [
        {
          resourceId: now.id,
          when: '2026-11-20T11:29:58Z',
          action: 'update',
          actorEmail: 'admin@corp.example',
          before: { what: 'policy', policy: then },
        },
      ],
      gaps: [],
    });
    expect(result?.todayDecision).toBe('allowed');
    expect(result?.atEvent).toMatchObject({
      decision: 'denied',
      cause: 'country_not_allowed',
      policy: 'Nordics',
      assumedCurrent: [],
    });
    const change = result?.changedSince[0];
    expect(change).toMatchObject({ by: 'admin@corp.example', changedAt: '2026-11-20T11:29:58Z' });
    expect(change?.before).toEqual({ what: 'policy', policy: then });
    expect(change?.differences?.join(' ')).toMatch(/Require: was .*NO.*; now .*SE/);
  });

  it('uses the first change after the event, not an earlier or a later one', () => {
    const now = policy({ name: 'Staff', require: [r.geo('SE')], updatedAt: AFTER_EVENT });
    const v1 = { ...now, require: [r.geo('DK')] };
    const v2 = { ...now, require: [r.geo('NO')] };
    const entry = (when: string, before: typeof now, actorEmail: string): AuditEntry => ({
      resourceId: now.id,
      when,
      action: 'update',
      actorEmail,
      before: { what: 'policy', policy: before },
    });
    const result = drift(app([now]), {
      entries: [
        entry('2026-11-20T11:00:00Z', v2, 'second@corp.example'),
        entry('2026-11-20T08:00:00Z', v1, 'before-the-event@corp.example'),
        entry('2026-11-20T10:00:00Z', v2, 'first@corp.example'),
      ],
      gaps: [],
    });
    expect(result?.changedSince[0]?.by).toBe('first@corp.example');
  });

  it('a Block reusable policy added after the event is left out of the replay at the event', () => {
    const allow = policy({ name: 'Everyone', updatedAt: BEFORE_EVENT });
    const block = policy({
      name: 'Block SE',
      decision: 'deny',
      reusable: true,
      include: [r.geo('SE')],
      precedence: 0,
      updatedAt: AFTER_EVENT,
    });
    const result = drift(app([block, allow]), {
      entries: [
        { resourceId: block.id, when: AFTER_EVENT, action: 'create', actorEmail: 'sec@corp.example' },
      ],
      gaps: [],
    });
    expect(result?.todayDecision).toBe('denied');
    expect(result?.changedSince[0]).toMatchObject({ createdAfter: true, by: 'sec@corp.example' });
    expect(result?.atEvent?.decision).toBe('allowed');
  });

  it('an app change with its previous settings (allowed IdPs) is named in words', () => {
    const current = app([policy({ updatedAt: BEFORE_EVENT })], {
      updatedAt: AFTER_EVENT,
      allowedIdps: ['0f1e2d3c-0000-4000-8000-00000000a001'],
    });
    const { policies: _p, ...settings } = current;
    const result = drift(current, {
      entries: [
        {
          resourceId: current.id,
          when: AFTER_EVENT,
          action: 'update',
          before: { what: 'app', app: { ...settings, allowedIdps: [] } },
        },
      ],
      gaps: [],
    });
    expect(result?.changedSince[0]?.differences).toEqual([
      'Allowed identity providers: was all; now Okta (staff).',
    ]);
    expect(result?.atEvent?.assumedCurrent).toEqual([]);
  });

  it('names the changed objects replayed as today when only some previous versions are known', () => {
    const a = policy({
      name: 'A',
      include: [r.domain('corp.example')],
      require: [r.geo('SE')],
      updatedAt: AFTER_EVENT,
    });
    const b = policy({ name: 'B', include: [r.email('nobody@corp.example')], updatedAt: AFTER_EVENT });
    const result = drift(app([a, b]), {
      entries: [
        {
          resourceId: a.id,
          when: AFTER_EVENT,
          action: 'update',
          before: { what: 'policy', policy: { ...a, require: [r.geo('NO')] } },
        },
        { resourceId: b.id, when: AFTER_EVENT, action: 'update' },
      ],
      gaps: [],
    });
    expect(result?.atEvent?.assumedCurrent).toEqual(['B']);
    expect(result?.atEvent?.decision).toBe('denied');
  });
});
