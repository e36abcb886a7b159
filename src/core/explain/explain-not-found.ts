import type { PasteInfo } from '../paste.js';
import type { IdentityLogEntry, SearchedRange } from '../ports.js';
import type { NotFoundExplanation } from '../report.js';

/** Analytics ingest with about a minute's delay; a few minutes of margin avoids a false "nothing there". */
const INGESTION_LAG_MS = 3 * 60_000;

const SOURCES = {
  waf: 'A Cloudflare WAF or security rule (the "Sorry, you have been blocked" page), not Access',
  errorPage:
    'A Cloudflare 1xxx error page (e.g. 1010 or 1020: a firewall or browser-signature block), not Access',
  tunnel:
    "cloudflared's Access check (`originRequest.access` with the app's AUD tag) after Access had already let the request in",
  origin: 'The application (origin) itself answering 403',
  otherAccount: 'An Access app in a different Cloudflare account than the one the bot reads',
  sampled: 'Adaptive sampling: Cloudflare may drop a single event from this dataset (rare)',
} as const;

function likelySources(paste: PasteInfo): string[] {
  switch (paste.kind) {
    case 'waf_block_page':
      return [SOURCES.waf, SOURCES.origin];
    case 'cloudflare_error_page':
      return [SOURCES.errorPage, SOURCES.waf];
    case 'access_block_page':
      return [SOURCES.otherAccount, SOURCES.tunnel, SOURCES.sampled];
    case 'plain':
      return [SOURCES.waf, SOURCES.tunnel, SOURCES.origin, SOURCES.otherAccount];
  }
}

/** Explains a Ray ID that analytics lacks but Access's identity log (or failed logins) has. */
function explainLogged(entry: IdentityLogEntry): NotFoundExplanation {
  const who = entry.userEmail ?? 'a user';
  const where = entry.appDomain ?? entry.appName ?? 'the app';
  const verdict = entry.allowed === true ? 'allowed' : 'denied';
  const via = entry.connection ? ` (signed in with ${entry.connection})` : '';
  const log = entry.source === 'access_requests' ? "Access's authentication log" : "the user's failed logins";
  return {
    summary: `${log} has this Ray ID: Access ${verdict} ${who} at ${where}${via} on ${entry.datetime}. The analytics dataset has no row for it (adaptive sampling, or not ingested yet), so the policies cannot be replayed against it.`,
    likelySources: entry.allowed === true ? [SOURCES.tunnel, SOURCES.origin] : [],
    maybeTooRecent: false,
    adminFix:
      entry.allowed === true
        ? "Access let the request in; check cloudflared's AUD check and the origin for the 403."
        : `Check ${where}'s Allow policies against ${who}'s identity (Zero Trust › Access › Applications), or run the policy tester for that user.`,
    userMessage:
      entry.allowed === true
        ? 'The sign-in worked; the block came from the application behind it. IT is following up.'
        : 'Your sign-in worked, but your account is not allowed into this app yet. IT is checking the policy.',
    identityLog: entry,
  };
}

/**
 * Explains a Ray ID with no Access login row: what was searched and what else could have answered 403,
 * or what Access's own log says when it has the Ray ID.
 */
export function explainNotFound(
  searched: SearchedRange,
  paste: PasteInfo,
  now: Date,
  logged?: IdentityLogEntry,
): NotFoundExplanation {
  if (logged) return explainLogged(logged);
  const notAccessPage = paste.kind === 'waf_block_page' || paste.kind === 'cloudflare_error_page';
  // Unanchored searches end at now, so a 403 from a moment ago may simply not be queryable yet.
  const maybeTooRecent = !notAccessPage && now.getTime() - searched.newest.getTime() < INGESTION_LAG_MS;
  const stopped =
    searched.limitedBy === 'configured_cap'
      ? 'the configured search limit (ACCESS_WHY_MAX_LOOKBACK_DAYS)'
      : "the dataset's retention";
  const pageHint =
    paste.kind === 'waf_block_page'
      ? ' The pasted page is a Cloudflare WAF block page, so Access was probably never involved.'
      : paste.kind === 'cloudflare_error_page'
        ? ' The pasted page is a Cloudflare error page, so Access was probably never involved.'
        : '';
  const summary =
    searched.windows === 0
      ? `The Ray ID was posted before the oldest Access data Cloudflare keeps, so there is nothing left to search.${pageHint}`
      : `Cloudflare Access has no login event for this Ray ID back to ${stopped}.${pageHint}`;
  return {
    summary,
    likelySources: likelySources(paste),
    maybeTooRecent,
    adminFix: notAccessPage
      ? 'Look the Ray ID up in Security › Events for the zone (the WAF event log), not in Access.'
      : 'Check Security › Events for the zone, then the tunnel (cloudflared) logs and the origin logs for this Ray ID.',
    userMessage:
      'Thanks — IT has the Ray ID. This block did not come from the company sign-in (Cloudflare Access); IT is checking the other layers.',
  };
}
