import type { AccessLoginEvent } from '../core/access-event.js';
import { loginEventFromLog } from '../core/access-event.js';
import { toLookupFailure } from '../core/errors.js';
import { explainLogin } from '../core/explain/explain-denial.js';
import { explainDrift, findChangedSince } from '../core/explain/explain-drift.js';
import { explainEvent } from '../core/explain/explain-event.js';
import { explainNotFound } from '../core/explain/explain-not-found.js';
import type { PolicyDrift } from '../core/explanation.js';
import { classifyPaste } from '../core/paste.js';
import type { AccessDirectory, AccessEventSource, Enrichment } from '../core/ports.js';
import { extractRayIds } from '../core/ray-id.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';

type LogResults = Awaited<ReturnType<AccessDirectory['findInLogs']>>;

export interface ExplainDependencies {
  events: AccessEventSource;
  directory: AccessDirectory;
  now: () => Date;
  /** Receives failures (already redacted by the adapters) for the log; never shown to users. */
  onError?: (error: unknown) => void;
}

export interface ExplainRequest {
  /** Whatever the user sent: a Ray ID, a pasted 403 page, a Slack message. */
  text: string;
  /** When the text was posted (a Slack message ts), so the search starts there. */
  anchor?: Date | undefined;
  /**
   * The requester's email (from Slack), so their failed logins can be searched for a missing Ray ID.
   * It may still be on its way (the Slack adapter asks `users.info` while the search runs): it is
   * awaited only when a Ray ID is missing, so a found row never waits for it.
   */
  requesterEmail?: string | PromiseLike<string | undefined> | undefined;
  /** Search back to the dataset's retention instead of the configured cap ("Search further back"). */
  searchToRetention?: boolean | undefined;
}

/**
 * Drift for one replayed event: only when the app or a policy changed after it does the audit log
 * get asked (so the usual card costs no extra call), over the event to the newest change.
 */
async function driftOf(
  deps: ExplainDependencies,
  event: AccessLoginEvent,
  enriched: Enrichment & { app: NonNullable<Enrichment['app']> },
  todayDecision: PolicyDrift['todayDecision'],
  now: Date,
): Promise<PolicyDrift | undefined> {
  const changed = findChangedSince(event, enriched.app);
  if (changed.length === 0) return undefined;
  let audit: { entries: AuditEntries; gaps: string[] } | undefined;
  if (deps.directory.auditEntries) {
    const newest = Math.max(...changed.map((c) => Date.parse(c.updatedAt)));
    try {
      audit = await deps.directory.auditEntries({
        since: new Date(event.datetime),
        until: new Date(Math.min(now.getTime(), newest + 1000)),
        resources: changed.map(({ id, what }) => ({ id, what })),
      });
    } catch (error) {
      // The port answers gaps, not failures; should one slip through, the card still flags the change.
      deps.onError?.(error);
      audit = {
        entries: [],
        gaps: ['Who changed it and what changed: the account audit log could not be read'],
      };
    }
  }
  return explainDrift({
    event,
    app: enriched.app,
    context: enriched.context,
    names: enriched.names,
    todayDecision,
    ...(audit ? { audit } : {}),
  });
}

type AuditEntries = Awaited<ReturnType<NonNullable<AccessDirectory['auditEntries']>>>['entries'];

/** Extract → look up → enrich → replay the policies → explain, one result per Ray ID, never throwing for upstream failures. */
export async function explainRayIds(
  deps: ExplainDependencies,
  request: ExplainRequest,
): Promise<ExplainReport> {
  const extraction = extractRayIds(request.text);
  const paste = classifyPaste(request.text);
  const base = { totalRayIds: extraction.total, skippedRayIds: extraction.skipped, paste };
  if (extraction.rayIds.length === 0) return { ...base, results: [] };

  const now = deps.now();
  let lookups: Awaited<ReturnType<AccessEventSource['findByRayIds']>>;
  try {
    lookups = await deps.events.findByRayIds(extraction.rayIds, {
      now,
      anchor: request.anchor,
      searchToRetention: request.searchToRetention,
    });
  } catch (error) {
    deps.onError?.(error);
    const failure = toLookupFailure(error);
    return { ...base, results: extraction.rayIds.map((rayId) => ({ rayId, outcome: 'error', failure })) };
  }

  // Analytics may lack a Ray ID that Access's own log has; search it alongside the enrichment calls.
  const missing = [...lookups].filter(([, lookup]) => lookup.kind === 'not_found');
  const first = missing[0];
  const logs: Promise<LogResults> = first
    ? Promise.resolve(request.requesterEmail).then((userEmail) =>
        deps.directory.findInLogs(
          missing.map(([rayId]) => rayId),
          { since: first[1].searched.oldest, until: now, userEmail },
        ),
      )
    : Promise.resolve({ found: new Map(), gaps: [] });

  const results = await Promise.all(
    extraction.rayIds.map(async (rayId): Promise<RayIdResult> => {
      const lookup = lookups.get(rayId);
      if (!lookup) {
        return {
          rayId,
          outcome: 'error',
          failure: {
            code: 'upstream_bad_response',
            message: 'The lookup returned no answer for this Ray ID.',
          },
        };
      }
      if (lookup.kind === 'not_found') {
        const { found, gaps } = await logs;
        const logged = found.get(rayId);
        // A Ray ID only the identity log has, with its app named: replay that app's policies.
        if (logged?.appUid) {
          const event = loginEventFromLog({ ...logged, appUid: logged.appUid });
          const enriched = await deps.directory.enrich(event, now);
          if (enriched.app) {
            const { policies, ...explanation } = explainLogin(
              event,
              enriched.app,
              enriched.context,
              enriched.names,
            );
            const drift = await driftOf(
              deps,
              event,
              { ...enriched, app: enriched.app },
              explanation.replayedDecision,
              now,
            );
            return {
              rayId,
              outcome: explanation.decision,
              event,
              names: enriched.names,
              explanation,
              policies,
              searched: lookup.searched,
              ...(enriched.recentFailedLogins ? { recentFailedLogins: enriched.recentFailedLogins } : {}),
              ...(drift ? { drift } : {}),
            };
          }
        }
        return {
          rayId,
          outcome: 'not_found',
          searched: lookup.searched,
          notFound: {
            ...explainNotFound(lookup.searched, paste, now, found.get(rayId)),
            ...(gaps.length > 0 ? { gaps } : {}),
          },
        };
      }
      const { event, searched } = lookup;
      const enriched = await deps.directory.enrich(event, now);
      const { names, app, context, recentFailedLogins } = enriched;
      const extra = recentFailedLogins ? { recentFailedLogins } : {};
      if (!app) {
        // Without the app's policies only the row can speak; the gaps say which permission is missing.
        const explanation = explainEvent(event, names);
        return { rayId, outcome: explanation.decision, event, names, explanation, searched, ...extra };
      }
      const { policies, ...explanation } = explainLogin(event, app, context, names);
      const drift = await driftOf(deps, event, { ...enriched, app }, explanation.replayedDecision, now);
      return {
        rayId,
        outcome: explanation.decision,
        event,
        names,
        explanation,
        policies,
        searched,
        ...extra,
        ...(drift ? { drift } : {}),
      };
    }),
  );
  return { ...base, results };
}
