import type { ExplainReport, RayIdResult } from '../core/report.js';
import { warpAuthenticationNote } from '../core/warp-authentication.js';

/** One result in the CLI's `--json` output: stable keys for scripts and tests. */
export interface JsonResult {
  rayId: string;
  outcome: RayIdResult['outcome'];
  /** Cause code for found events, `not_found`, or the error code. */
  cause: string;
  [key: string]: unknown;
}

/** Pure mapping of a report to the CLI's JSON document. */
export function toJsonReport(report: ExplainReport): {
  results: JsonResult[];
  totalRayIds: number;
  skippedRayIds: string[];
  paste: ExplainReport['paste'];
} {
  return {
    results: report.results.map(toJsonResult),
    totalRayIds: report.totalRayIds,
    skippedRayIds: report.skippedRayIds,
    paste: report.paste,
  };
}

function toJsonResult(result: RayIdResult): JsonResult {
  switch (result.outcome) {
    case 'allowed':
    case 'denied': {
      const { explanation: x, event, names } = result;
      const warp = warpAuthenticationNote(x.cause, x.decision, event, names);
      return {
        rayId: result.rayId,
        outcome: result.outcome,
        cause: x.cause,
        ...(x.policy === undefined ? {} : { policy: x.policy }),
        determinable: x.determinable,
        ...(x.determinable ? {} : { needs: x.needs }),
        ...(x.failedRule === undefined ? {} : { failedRule: x.failedRule }),
        ...(x.matchedRule === undefined ? {} : { matchedRule: x.matchedRule }),
        ...(x.secondaryCauses === undefined ? {} : { secondaryCauses: x.secondaryCauses }),
        ...(x.replayDisagrees ? { replayDisagrees: true } : {}),
        summary: x.summary,
        evidence: x.evidence,
        adminFix: x.adminFix,
        userMessage: x.userMessage,
        ...(warp === undefined ? {} : { warpAuthentication: warp }),
        ...(result.policies === undefined
          ? {}
          : {
              policies: result.policies.map((p) => ({
                name: p.policy,
                action: p.action,
                status: p.status,
                reached: p.reached,
                reason: p.reason,
              })),
            }),
        ...(result.recentFailedLogins === undefined ? {} : { recentFailedLogins: result.recentFailedLogins }),
        app: { id: event.appId, ...names },
        event,
        ...(result.searched === undefined
          ? {}
          : {
              searched: {
                from: result.searched.oldest.toISOString(),
                to: result.searched.newest.toISOString(),
              },
            }),
      };
    }
    case 'not_found':
      return {
        rayId: result.rayId,
        outcome: 'not_found',
        cause: 'not_found',
        summary: result.notFound.summary,
        likelySources: result.notFound.likelySources,
        maybeTooRecent: result.notFound.maybeTooRecent,
        adminFix: result.notFound.adminFix,
        userMessage: result.notFound.userMessage,
        ...(result.notFound.identityLog === undefined ? {} : { identityLog: result.notFound.identityLog }),
        ...(result.notFound.gaps === undefined ? {} : { gaps: result.notFound.gaps }),
        searched: {
          from: result.searched.oldest.toISOString(),
          to: result.searched.newest.toISOString(),
          windows: result.searched.windows,
          limitedBy: result.searched.limitedBy,
          oldestReachable: result.searched.oldestReachable.toISOString(),
        },
      };
    case 'error':
      return {
        rayId: result.rayId,
        outcome: 'error',
        cause: result.failure.code,
        message: result.failure.message,
        ...(result.failure.permission === undefined ? {} : { permission: result.failure.permission }),
        ...(result.failure.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: result.failure.retryAfterSeconds }),
      };
  }
}
