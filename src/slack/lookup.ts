import { redactResult } from '../core/explain/redact.js';
import { extractRayIds } from '../core/ray-id.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';
import type { ExplainRequest } from '../usecases/explain-ray-ids.js';
import type { Destination, ListenerDependencies, Spender, Viewer } from './dependencies.js';

function causeOf(result: RayIdResult): string {
  switch (result.outcome) {
    case 'allowed':
    case 'denied':
      return result.explanation.cause;
    case 'not_found':
      return 'not_found';
    case 'error':
      return result.failure.code;
  }
}

/** The use case does not throw for upstream failures; a bug still must not leave the asker in silence. */
async function explainSafely(
  deps: ListenerDependencies,
  request: ExplainRequest,
  spender: Spender,
): Promise<ExplainReport> {
  try {
    return await deps.explain(request, spender);
  } catch (error) {
    deps.onUnexpected(error);
    const { rayIds, total, skipped } = extractRayIds(request.text);
    return {
      results: rayIds.map((rayId) => ({
        rayId,
        outcome: 'error',
        failure: {
          code: 'upstream_bad_response',
          message: 'The lookup failed unexpectedly; the bot logged the details.',
        },
      })),
      totalRayIds: total,
      skippedRayIds: skipped,
      paste: { kind: 'plain' },
    };
  }
}

/** The event's subject is the viewer: same email, compared case-insensitively. */
function isViewersOwn(result: RayIdResult, viewerEmail: string | undefined): boolean {
  if (!viewerEmail) return false;
  const subject =
    result.outcome === 'allowed' || result.outcome === 'denied'
      ? result.names.userEmail
      : result.outcome === 'not_found'
        ? result.notFound.identityLog?.userEmail
        : undefined;
  return subject !== undefined && subject.toLowerCase() === viewerEmail.toLowerCase();
}

/** A lookup's report as this destination may see it, and whether the viewer is helpdesk staff. */
export interface LookupOutcome {
  report: ExplainReport;
  staff: boolean;
  /** Ray IDs of denials whose subject is the viewer (their Slack email): they may ask the helpdesk about them. */
  ownDenials: ReadonlySet<string>;
}

/**
 * Runs a lookup for a Slack viewer and shapes it for where the answer goes. A post in a channel is
 * read by everyone there, so it is judged by the channel, never by who asked: full only in a
 * `HELPDESK_STAFF_CHANNEL_IDS` channel, redacted everywhere else. A private answer is full for staff
 * and for the event's own subject, redacted for anyone else. Writes the audit line (origin channel,
 * target and team), and spends Cloudflare budget on the viewer's share.
 */
export async function lookUpFor(
  deps: ListenerDependencies,
  viewer: Viewer,
  request: ExplainRequest,
  destination: Destination,
): Promise<LookupOutcome> {
  // Acks first: every request already received is acked before this one's lookup (Slack calls, the
  // use case, rendering) takes the event loop.
  await deps.acksFirst();
  // The asker's email (cached) decides what they may see privately, and lets a Ray ID that analytics
  // lacks be found among their own failed logins. The search does not wait for it (a cold users.info
  // would add a Slack round trip to the card); whether they are staff decides whose budget it spends.
  const staff = await deps.audience.isStaff(viewer.userId);
  // Asked once the search's request is on its way (the Web API call costs ~1 ms of CPU to start).
  const asked = new Promise<string | undefined>((resolve) =>
    setImmediate(() => resolve(deps.audience.emailOf(viewer.userId).catch(() => undefined))),
  );
  const raw = await explainSafely(
    deps,
    { ...request, requesterEmail: request.requesterEmail ?? asked },
    { id: viewer.userId, staff },
  );
  const email = await asked;
  const fullFor = (result: RayIdResult) =>
    destination.kind === 'channel'
      ? deps.staffChannelIds.has(destination.channelId)
      : staff || isViewersOwn(result, email);
  let redacted = false;
  const results = raw.results.map((result) => {
    if (result.outcome === 'error' || fullFor(result)) return result;
    const hidden = redactResult(result);
    redacted ||= hidden !== result;
    return hidden;
  });
  deps.audit({
    time: deps.now().toISOString(),
    event: 'lookup',
    user: viewer.userId,
    team: viewer.teamId ?? 'unknown',
    ...(viewer.channelId ? { channel: viewer.channelId } : {}),
    target: destination.kind === 'channel' ? destination.channelId : 'private',
    surface: viewer.surface,
    rayIds: raw.results.map((r) => r.rayId),
    results: raw.results.map((r) => ({ rayId: r.rayId, outcome: r.outcome, cause: causeOf(r) })),
    redacted,
  });
  const ownDenials = new Set(
    raw.results.filter((r) => r.outcome === 'denied' && isViewersOwn(r, email)).map((r) => r.rayId),
  );
  return { report: { ...raw, results }, staff, ownDenials };
}

/** The viewer's own denials, when a helpdesk channel takes "Ask the helpdesk" requests; else none. */
export function askableDenials(
  deps: Pick<ListenerDependencies, 'helpdeskRequestsChannelId'>,
  ownDenials: ReadonlySet<string>,
): ReadonlySet<string> | undefined {
  return deps.helpdeskRequestsChannelId && ownDenials.size > 0 ? ownDenials : undefined;
}
