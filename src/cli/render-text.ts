import type { ResolvedNames } from '../core/access-event.js';
import { toPlainLine } from '../core/plain-text.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';
import { warpAuthenticationNote } from '../core/warp-authentication.js';

/** A data value on one line, without invisible format characters (names come from Cloudflare and pastes). */
const v = (text: string) => toPlainLine(text);
const wrap = (label: string, text: string) => `  ${label.padEnd(11)} ${v(text)}`;

/** The user's last seen identity on one line (their latest login, not necessarily this request). */
function lastSeenLine(names: ResolvedNames): string | undefined {
  const seen = names.lastSeen;
  if (!seen) return undefined;
  const parts = [
    seen.idpType || seen.idpId ? `IdP ${seen.idpType ?? seen.idpId}` : '',
    seen.ip ? `IP ${seen.ip}` : '',
    seen.mtls
      ? `client certificate ${seen.mtls.certPresented === false ? 'not presented' : 'presented'}${seen.mtls.authStatus ? ` (${seen.mtls.authStatus})` : ''}${seen.mtls.certSerial ? ` serial ${seen.mtls.certSerial}` : ''}`
      : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? `${parts.join(' · ')} (latest login, not necessarily this one)` : undefined;
}

function renderResult(result: RayIdResult): string[] {
  switch (result.outcome) {
    case 'allowed':
    case 'denied': {
      const { explanation: x, event, names } = result;
      const lines = [
        `Ray ${result.rayId}: ${result.outcome.toUpperCase()} (${x.cause}${x.policy ? `, policy '${v(x.policy)}'` : ''})`,
        wrap(
          'App',
          names.appName ? `${names.appName}${names.appDomain ? ` (${names.appDomain})` : ''}` : event.appId,
        ),
        ...((names.appHostnames?.length ?? 0) > 1
          ? [wrap('Hostnames', (names.appHostnames ?? []).join(', '))]
          : []),
        wrap('User', names.userEmail ?? (event.userUuid || '— (non-identity request)')),
        wrap('When', event.datetime),
        wrap('From', `${event.country || '?'} ${event.ipAddress}`.trim()),
        wrap('What', x.summary),
        '  Why:',
        ...x.evidence.map((e) => `    - ${v(e.label)}: ${v(e.detail)}`),
        wrap('Fix', x.adminFix),
        wrap('Tell user', x.userMessage),
      ];
      if (result.policies?.length) {
        lines.push('  Policies (in evaluation order):');
        for (const p of result.policies) {
          lines.push(
            `    ${p.icon} ${p.action} '${v(p.policy)}'${p.reached ? '' : ' (not reached)'}: ${v(p.reason)}`,
          );
        }
      }
      const warp = warpAuthenticationNote(x.cause, x.decision, event, names);
      if (warp) lines.push(wrap('WARP login', warp));
      const lastSeen = lastSeenLine(names);
      if (lastSeen) lines.push(wrap('Last seen', lastSeen));
      if (!x.determinable) lines.push(wrap('Needs', x.needs.join('; ')));
      if (result.recentFailedLogins?.length) {
        const recent = result.recentFailedLogins.map((f) => `${f.datetime} ${f.appName ?? ''} (${f.rayId})`);
        lines.push(wrap('Failures', `${recent.length} recent: ${recent.join('; ')}`));
      }
      for (const gap of names.gaps ?? []) lines.push(wrap('Missing', gap));
      return lines;
    }
    case 'not_found':
      return [
        `Ray ${result.rayId}: NOT FOUND in Access logs`,
        wrap(
          'Searched',
          `${result.searched.oldest.toISOString()} – ${result.searched.newest.toISOString()} (${result.searched.windows} window(s), stopped at ${result.searched.limitedBy === 'configured_cap' ? 'the configured cap' : 'retention'})`,
        ),
        wrap('What', result.notFound.summary),
        '  Could be:',
        ...result.notFound.likelySources.map((s) => `    - ${v(s)}`),
        ...(result.notFound.maybeTooRecent
          ? [wrap('Note', 'Very recent? Analytics lag about a minute; retry.')]
          : []),
        wrap('Fix', result.notFound.adminFix),
        wrap('Tell user', result.notFound.userMessage),
        ...(result.notFound.gaps ?? []).map((gap) => wrap('Missing', gap)),
      ];
    case 'error':
      return [
        `Ray ${result.rayId}: ERROR (${result.failure.code})`,
        wrap('Problem', result.failure.message),
        ...(result.failure.permission
          ? [wrap('Fix', `add "${result.failure.permission}" to the API token`)]
          : []),
      ];
  }
}

// Names and messages come from Cloudflare and pastes: keep terminal escape sequences out.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Plain-text rendering for terminals. */
export function renderText(report: ExplainReport): string {
  return renderUnsafe(report).replace(CONTROL, '\ufffd');
}

function renderUnsafe(report: ExplainReport): string {
  if (report.results.length === 0) {
    return 'No Ray ID found. A Ray ID is 16 hex digits, shown on the 403 page as "Ray ID: 74e4ac510dfdc44f".';
  }
  const blocks = report.results.map((r) => renderResult(r).join('\n'));
  if (report.skippedRayIds.length > 0) {
    blocks.push(
      `${report.results.length} of ${report.totalRayIds} Ray IDs looked up; skipped: ${report.skippedRayIds.join(', ')}`,
    );
  }
  return blocks.join('\n\n');
}
