import type { AccessLoginEvent, ResolvedNames } from '../access-event.js';
import type { AppSettings, PolicyChange, PolicyDrift, ReplayAtEvent } from '../explanation.js';
import type { AccessApp, AppPolicy, PolicyContext } from '../policy/types.js';
import type { AuditEntry } from '../ports.js';
import { appDifferences, policyDifferences } from './drift-differences.js';
import { explainLogin } from './explain-denial.js';

// Policy drift: the replay reads today's app and policies, but Access decided with the versions of
// the event's time. An `updated_at` later than the event says the two may differ; the account audit
// log, where readable, says who changed what and may carry the previous version to replay.

const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** True when `updatedAt` is a readable time strictly later than the event. */
function changedAfter(updatedAt: string | undefined, eventTime: number): updatedAt is string {
  const t = time(updatedAt);
  return Number.isFinite(t) && Number.isFinite(eventTime) && t > eventTime;
}

/** The app and each of its policies (reusable ones included) whose `updated_at` is later than the event. */
export function findChangedSince(event: Pick<AccessLoginEvent, 'datetime'>, app: AccessApp): PolicyChange[] {
  const at = time(event.datetime);
  const changes: PolicyChange[] = [];
  if (changedAfter(app.updatedAt, at)) {
    changes.push({ what: 'app', id: app.id, name: app.name, updatedAt: app.updatedAt });
  }
  for (const policy of app.policies) {
    if (changedAfter(policy.updatedAt, at)) {
      changes.push({ what: 'policy', id: policy.id, name: policy.name, updatedAt: policy.updatedAt });
    }
  }
  return changes;
}

// Access action types are not documented for the audit log; a creation is recognised by name.
const CREATED = /^(create|add)/i;

/** The first logged change of one object after the event: who made it, and what it was before. */
function withAudit(
  change: PolicyChange,
  entries: readonly AuditEntry[],
  eventTime: number,
  app: AccessApp,
  context: PolicyContext,
): PolicyChange {
  const first = entries
    .filter((e) => e.resourceId === change.id && time(e.when) >= eventTime)
    .sort((a, b) => time(a.when) - time(b.when))[0];
  if (!first) return change;
  const out: PolicyChange = {
    ...change,
    ...(first.actorEmail ? { by: first.actorEmail } : {}),
    changedAt: first.when,
  };
  const before = first.before;
  if (before?.what === 'policy' && change.what === 'policy') {
    const now = app.policies.find((p) => p.id === change.id);
    return {
      ...out,
      before,
      ...(now ? { differences: policyDifferences(before.policy, now, context) } : {}),
    };
  }
  if (before?.what === 'app' && change.what === 'app') {
    const { policies: _p, ...settings } = app;
    return { ...out, before, differences: appDifferences(before.app, settings, context) };
  }
  if (!before && first.action && CREATED.test(first.action)) return { ...out, createdAfter: true };
  return out;
}

/** The app as it was at the event, as far as the changes tell; undefined when no previous version is known. */
function appAtEvent(app: AccessApp, changes: readonly PolicyChange[]): AccessApp | undefined {
  if (!changes.some((c) => c.before || c.createdAfter)) return undefined;
  const byId = new Map(changes.map((c) => [c.id, c]));
  const policies: AppPolicy[] = app.policies.flatMap((policy) => {
    const change = byId.get(policy.id);
    if (change?.createdAfter) return [];
    if (change?.before?.what !== 'policy') return [policy];
    // A reusable policy's body carries no app precedence: keep the app's current order for it.
    return [{ ...change.before.policy, precedence: policy.precedence }];
  });
  const appChange = changes.find((c) => c.what === 'app');
  const settings: AppSettings | undefined =
    appChange?.before?.what === 'app' ? appChange.before.app : undefined;
  return settings ? { ...settings, id: app.id, policies } : { ...app, policies };
}

export interface DriftInput {
  event: AccessLoginEvent;
  app: AccessApp;
  context: PolicyContext;
  names?: ResolvedNames;
  /** What the replay of today's policies gave. */
  todayDecision: PolicyDrift['todayDecision'];
  /** The audit log's entries for the changed objects, when it was asked; its gaps otherwise. */
  audit?: { entries: readonly AuditEntry[]; gaps: readonly string[] };
}

/**
 * Flags the app and policies changed after the event: who changed them and what changed (from the
 * audit entries), and — when a previous version is known — the verdict replayed against the app as
 * it was at the event. Undefined when nothing changed after the event.
 */
export function explainDrift(input: DriftInput): PolicyDrift | undefined {
  const { event, app, context } = input;
  const found = findChangedSince(event, app);
  if (found.length === 0) return undefined;
  const at = time(event.datetime);
  const entries = input.audit?.entries ?? [];
  const changedSince = found.map((change) => withAudit(change, entries, at, app, context));
  const gaps = input.audit
    ? [...input.audit.gaps]
    : ['Who changed it and what changed: the account audit log was not read'];
  const previous = appAtEvent(app, changedSince);
  if (!previous) return { changedSince, todayDecision: input.todayDecision, gaps };
  const replayed = explainLogin(event, previous, context, input.names);
  const atEvent: ReplayAtEvent = {
    decision: replayed.replayedDecision,
    cause: replayed.cause,
    summary: replayed.summary,
    determinable: replayed.determinable,
    ...(replayed.policy ? { policy: replayed.policy } : {}),
    assumedCurrent: changedSince.filter((c) => !c.before && !c.createdAfter).map((c) => c.name),
  };
  return { changedSince, todayDecision: input.todayDecision, atEvent, gaps };
}
