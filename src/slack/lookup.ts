import { redactResult } from '../core/explain/redact.js';
import { extractRayIds } from '../core/ray-id.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';
import type { ExplainRequest } from '../usecases/explain-ray-ids.js';
import type { ListenerDependencies, Viewer } from './dependencies.js';

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
async function explainSafely(deps: ListenerDependencies, request: ExplainRequest): Promise<ExplainReport> {
  try {
    return await deps.explain(request);
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

/**
 * Runs a lookup for a Slack viewer: staff (listed, in the helpdesk group, or asking in a helpdesk
 * channel) see everything; anyone else sees full detail only for their own events and a redacted card
 * for anyone else's. Writes the audit line.
 */
export async function lookUpFor(
  deps: ListenerDependencies,
  viewer: Viewer,
  request: ExplainRequest,
): Promise<ExplainReport> {
  const staffContext = viewer.channelId !== undefined && deps.helpdeskChannelIds.has(viewer.channelId);
  // The asker's email (cached) decides what they may see, and lets a Ray ID that analytics lacks be
  // found among their own failed logins.
  const [email, staff] = await Promise.all([
    deps.audience.emailOf(viewer.userId),
    staffContext ? Promise.resolve(true) : deps.audience.isStaff(viewer.userId),
  ]);
  const raw = await explainSafely(deps, { ...request, requesterEmail: request.requesterEmail ?? email });
  let redacted = false;
  const results = raw.results.map((result) => {
    if (staff || result.outcome === 'error' || isViewersOwn(result, email)) return result;
    const hidden = redactResult(result);
    redacted ||= hidden !== result;
    return hidden;
  });
  deps.audit({
    time: deps.now().toISOString(),
    event: 'lookup',
    user: viewer.userId,
    ...(viewer.teamId ? { team: viewer.teamId } : {}),
    ...(viewer.channelId ? { channel: viewer.channelId } : {}),
    surface: viewer.surface,
    rayIds: raw.results.map((r) => r.rayId),
    results: raw.results.map((r) => ({ rayId: r.rayId, outcome: r.outcome, cause: causeOf(r) })),
    redacted,
  });
  return { ...raw, results };
}
