import type { KnownBlock } from '@slack/types';
import type { AccessLoginEvent, ResolvedNames } from '../../core/access-event.js';
import type { LookupErrorCode, LookupFailure } from '../../core/errors.js';
import type { PolicyVerdict, RuleRef } from '../../core/explanation.js';
import type { PasteInfo } from '../../core/paste.js';
import type { FailedLogin, SearchedRange } from '../../core/ports.js';
import type { RayIdResult } from '../../core/report.js';
import { warpAuthenticationNote } from '../../core/warp-authentication.js';
import { CAUSE_LABELS, SECONDARY_CAUSE_LABELS } from './cause-labels.js';
import {
  bulletList,
  context,
  fieldsSection,
  header,
  section,
  slackDate,
  slackDateFromIso,
} from './compose.js';
import { EMPTY_VALUE, inlineCode, safeText, truncate } from './escape.js';

export interface RenderResultOptions {
  now: Date;
  /** What the pasted text looked like; explains a missing Access row when it was a WAF/1xxx page. */
  paste?: PasteInfo;
}

export type FoundResult = Extract<RayIdResult, { outcome: 'allowed' | 'denied' }>;
type NotFoundResult = Extract<RayIdResult, { outcome: 'not_found' }>;
type ErrorResult = Extract<RayIdResult, { outcome: 'error' }>;

/**
 * Character budgets per part of a card. They keep one card (even with hostile 5000-character names)
 * near 8k characters, well under Slack's undocumented ~12k cumulative text ceiling, so a report can
 * always show one card and still list the rest of ten Ray IDs one line each.
 */
const BUDGET = {
  summary: 800,
  name: 120,
  field: 300,
  why: 1800,
  whyLine: 300,
  evidenceItem: 400,
  fix: 1000,
  tell: 600,
  policies: 1500,
  policyName: 80,
  policyReason: 200,
  failedLogins: 800,
  note: 400,
  footer: 400,
  fallbackLine: 300,
} as const;

/** Policies listed one per line before "…and N more". */
const MAX_POLICY_LINES = 12;
/** Hostnames of an app listed on the card before "+N more". */
const MAX_HOSTNAMES = 4;
/** Recent failed logins listed before "…and N more". */
const MAX_FAILED_LOGIN_LINES = 5;

const EMOJI = { allowed: '✅', denied: '🚫', not_found: '🔎', error: '⚠️' } as const;

/** True for a name the directory resolved: present and not blank. */
function known(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** The app as people know it: its name, else a shortened id. Untrusted, unescaped. */
export function appLabel(event: AccessLoginEvent, names: ResolvedNames): string {
  if (known(names.appName)) return names.appName;
  if (event.appId === '') return 'an unknown app';
  return `app ${event.appId.slice(0, 8)}…`;
}

function userValue(event: AccessLoginEvent, names: ResolvedNames): string {
  if (known(names.userEmail)) return safeText(names.userEmail, 150);
  if (event.userUuid !== '') return `user ${inlineCode(event.userUuid, 60)}`;
  return `${EMPTY_VALUE} (non-identity request)`;
}

function appValue(event: AccessLoginEvent, names: ResolvedNames): string {
  const lines: string[] = [];
  if (known(names.appName)) lines.push(safeText(names.appName, BUDGET.name));
  // Every hostname the app covers (its destinations), the primary domain first.
  const hostnames = (names.appHostnames ?? []).filter(known);
  if (hostnames.length > 1) {
    const shown = hostnames.slice(0, MAX_HOSTNAMES).map((h) => inlineCode(h, 60));
    const more = hostnames.length - shown.length;
    lines.push(`${shown.join(' ')}${more > 0 ? ` +${more} more` : ''}`);
  } else if (known(names.appDomain)) lines.push(inlineCode(names.appDomain, 100));
  else lines.push(inlineCode(event.appId, 60));
  return lines.join('\n');
}

/**
 * The user's last seen identity, for the card's context line: IdP, IP and client certificate. It is
 * their latest login, not necessarily this request, and it says so. Escaped; `undefined` when empty.
 */
function lastSeenText(names: ResolvedNames): string | undefined {
  const seen = names.lastSeen;
  if (seen === undefined) return undefined;
  const parts: string[] = [];
  if (known(seen.idpType) || known(seen.idpId)) {
    parts.push(`IdP ${inlineCode(known(seen.idpType) ? seen.idpType : (seen.idpId ?? ''), 60)}`);
  }
  if (known(seen.ip)) parts.push(`IP ${inlineCode(seen.ip, 60)}`);
  const mtls = seen.mtls;
  if (mtls !== undefined) {
    const cert =
      mtls.certPresented === false
        ? 'no client certificate'
        : mtls.certPresented
          ? 'client certificate presented'
          : 'client certificate';
    const details = [
      known(mtls.authStatus) ? `status ${inlineCode(mtls.authStatus, 40)}` : '',
      known(mtls.certSerial) ? `serial ${inlineCode(mtls.certSerial, 70)}` : '',
    ].filter((d) => d !== '');
    parts.push(details.length > 0 ? `${cert} (${details.join(', ')})` : cert);
  }
  if (parts.length === 0) return undefined;
  return `🪪 Last seen identity (the user’s latest login, not necessarily this request): ${parts.join(' · ')}`;
}

function identityProviderValue(event: AccessLoginEvent, names: ResolvedNames): string {
  if (event.identityProvider === 'nonidentity') return 'none (decided before login)';
  if (known(names.identityProviderName)) return safeText(names.identityProviderName, BUDGET.name);
  return inlineCode(event.identityProvider, 100);
}

function serviceTokenValue(event: AccessLoginEvent, names: ResolvedNames): string {
  const parts: string[] = [];
  if (known(names.serviceTokenName)) parts.push(safeText(names.serviceTokenName, BUDGET.name));
  if (event.serviceTokenId !== '') parts.push(inlineCode(event.serviceTokenId, 80));
  return parts.length > 0 ? parts.join('\n') : 'none presented';
}

function mtlsValue(event: AccessLoginEvent): string {
  const status = event.mtlsStatus.trim();
  if (status === '' || status.toUpperCase() === 'NONE') return 'no client certificate';
  const parts = [inlineCode(status, 80)];
  if (event.mtlsCommonName !== '') parts.push(`CN ${inlineCode(event.mtlsCommonName, 100)}`);
  if (event.mtlsCertSerialId !== '') parts.push(`serial ${inlineCode(event.mtlsCertSerialId, 70)}`);
  return parts.join(' · ');
}

function mark(flag: boolean): string {
  return flag ? '✓' : '✗';
}

function field(label: string, value: string): string {
  return truncate(`*${label}*\n${value}`, BUDGET.field);
}

function searchedSpan(searched: SearchedRange): string {
  return `${slackDate(searched.oldest)} – ${slackDate(searched.newest)}`;
}

function footer(rayId: string, extra?: string | undefined): KnownBlock {
  const parts = [`Ray ID ${inlineCode(rayId, 40)}`];
  if (extra !== undefined) parts.push(extra);
  return context(parts.join(' · '), { verbatim: true, max: BUDGET.footer });
}

function titled(title: string, body: string, max: number): KnownBlock {
  return section(`*${title}*\n${truncate(body, max - title.length - 3)}`, { verbatim: true, max });
}

const CLAUSE: Record<RuleRef['ruleType'], string> = {
  include: 'Include',
  require: 'Require',
  exclude: 'Exclude',
};

/** A rule as "Require rule `geo` `US`": its clause, selector and the one detail that names it. */
function ruleText(rule: RuleRef, policy: string | undefined): string {
  const parts = [`${CLAUSE[rule.ruleType]} rule ${inlineCode(rule.selector, 40)}`];
  if (known(rule.group)) parts.push(`(rule group ${inlineCode(rule.group, 80)})`);
  else if (known(rule.postureType)) parts.push(`(posture ${inlineCode(rule.postureType, 40)})`);
  else if (known(rule.valueName)) parts.push(`'${safeText(rule.valueName, 80)}'`);
  else if (known(rule.value)) parts.push(inlineCode(rule.value, 80));
  if (rule.policy !== policy) parts.push(`of policy ${inlineCode(rule.policy, BUDGET.policyName)}`);
  return parts.join(' ');
}

/** The lines above the evidence: cause, policy, rule, secondary causes and a replay warning. */
function whyLines(result: FoundResult): string[] {
  const x = result.explanation;
  const lines = [`*Cause:* ${CAUSE_LABELS[x.cause]}`];
  if (known(x.policy)) lines.push(`*Policy:* ${inlineCode(x.policy, 150)}`);
  if (x.failedRule !== undefined) lines.push(`*Failed rule:* ${ruleText(x.failedRule, x.policy)}`);
  if (x.matchedRule !== undefined) lines.push(`*Matched rule:* ${ruleText(x.matchedRule, x.policy)}`);
  const secondary = [...new Set(x.secondaryCauses ?? [])].filter((cause) => cause !== x.cause);
  if (secondary.length > 0) {
    lines.push(`*Also:* ${secondary.map((cause) => SECONDARY_CAUSE_LABELS[cause]).join('; ')}`);
  }
  if (x.replayDisagrees === true) {
    lines.push(
      x.decision === 'denied'
        ? '⚠️ *The current policies would admit this request*; see what the row cannot show.'
        : '⚠️ *The current policies would deny this request*: they changed since, or the row lacks data.',
    );
  }
  return lines.map((line) => truncate(line, BUDGET.whyLine));
}

function whyText(result: FoundResult): string {
  const head = whyLines(result).join('\n');
  const evidence = result.explanation.evidence.map(
    (item) => `${safeText(item.label, 100)}: ${safeText(item.detail, BUDGET.evidenceItem)}`,
  );
  const room = BUDGET.why - head.length - 'Why'.length - 10;
  const body =
    evidence.length > 0 ? bulletList(evidence, room) : 'The login row carries no single deciding fact.';
  return `${head}\n${body}`;
}

/** Core words for a policy Access never ran; the line's own "(not reached)" says it already. */
const NOT_REACHED_PREFIX = /^Not reached \([^)]*\)\.\s*/;

function policyLine(verdict: PolicyVerdict): string {
  const reason = verdict.reached ? verdict.reason : verdict.reason.replace(NOT_REACHED_PREFIX, '');
  const line =
    `${verdict.icon} ${verdict.action} '${safeText(verdict.policy, BUDGET.policyName)}' — ` +
    safeText(reason, BUDGET.policyReason);
  return verdict.reached ? line : `_(not reached)_ ${line}`;
}

function policiesText(policies: readonly PolicyVerdict[]): string {
  if (policies.length === 0) return 'The app has no policies.';
  return bulletList(policies.map(policyLine), BUDGET.policies - 40, 360, MAX_POLICY_LINES);
}

function failedLoginsText(rayId: string, logins: readonly FailedLogin[]): string {
  const s = logins.length === 1 ? '' : 's';
  const lines = logins.map((login) => {
    const app = known(login.appName) ? safeText(login.appName, 60) : 'unknown app';
    const self = login.rayId === rayId ? ' (this request)' : '';
    return `${slackDateFromIso(login.datetime)} · ${app} · ${inlineCode(login.rayId, 40)}${self}`;
  });
  const list = bulletList(lines, BUDGET.failedLogins - 80, 200, MAX_FAILED_LOGIN_LINES);
  return `${logins.length} failed login${s} for this user, newest first:\n${list}`;
}

function renderFound(result: FoundResult): KnownBlock[] {
  const { event, names, explanation } = result;
  const blocks: KnownBlock[] = [];
  const verb = result.outcome === 'denied' ? 'Access denied' : 'Access allowed';
  blocks.push(header(`${EMOJI[result.outcome]} ${verb} — ${appLabel(event, names)}`));
  blocks.push(section(safeText(explanation.summary, BUDGET.summary), { verbatim: true }));

  blocks.push(titled('Why', whyText(result), BUDGET.why));
  blocks.push(titled('Fix (admin)', safeText(explanation.adminFix, BUDGET.fix), BUDGET.fix));
  blocks.push(titled('Tell the user', safeText(explanation.userMessage, BUDGET.tell), BUDGET.tell));
  if (result.policies !== undefined) {
    blocks.push(titled('Policies (in evaluation order)', policiesText(result.policies), BUDGET.policies));
  }

  if (result.redacted) {
    // Another person's login: what happened and what to do, nothing that identifies or locates them.
    blocks.push(
      fieldsSection([field('App', appValue(event, names)), field('When', slackDateFromIso(event.datetime))]),
      context(
        '🔒 Details hidden: this login is not yours. Helpdesk staff see who, from where and which rule.',
      ),
      footer(result.rayId),
    );
    return blocks;
  }

  const fields = [
    field('App', appValue(event, names)),
    field('User', userValue(event, names)),
    field('When', slackDateFromIso(event.datetime)),
    field(
      'Country · IP',
      `${event.country === '' ? EMPTY_VALUE : inlineCode(event.country, 20)} · ${event.ipAddress === '' ? EMPTY_VALUE : inlineCode(event.ipAddress, 60)}`,
    ),
    field('Identity provider', identityProviderValue(event, names)),
    field('WARP · Gateway', `WARP ${mark(event.hasWarpEnabled)} · Gateway ${mark(event.hasGatewayEnabled)}`),
    field('mTLS', mtlsValue(event)),
    field('Service token', serviceTokenValue(event, names)),
    field('Existing session', event.hasExistingJwt ? 'yes (already had an Access session)' : 'no'),
  ];
  if (event.deviceId !== '') fields.push(field('Device', inlineCode(event.deviceId, 80)));
  blocks.push(fieldsSection(fields));

  const warp = warpAuthenticationNote(explanation.cause, explanation.decision, event, names);
  if (warp !== undefined)
    blocks.push(context(`🔐 ${safeText(warp, BUDGET.note)}`, { verbatim: true, max: BUDGET.note }));
  const lastSeen = lastSeenText(names);
  if (lastSeen !== undefined) blocks.push(context(lastSeen, { verbatim: true, max: BUDGET.note }));

  const logins = result.recentFailedLogins ?? [];
  if (logins.length > 0) {
    blocks.push(titled('Recent failed logins', failedLoginsText(result.rayId, logins), BUDGET.failedLogins));
  }

  if (!explanation.determinable) {
    const needs = explanation.needs.map((need) => safeText(need, 150));
    const text =
      needs.length > 0
        ? `Not enough data to name the deciding rule yet — needs: ${needs.join(', ')}`
        : 'Not enough data to name the deciding rule yet.';
    blocks.push(context(`ℹ️ ${text}`, { verbatim: true, max: BUDGET.note }));
  }
  const gaps = (names.gaps ?? []).filter((gap) => gap.trim() !== '');
  if (gaps.length > 0) {
    const text = gaps.map((gap) => safeText(gap, 200)).join('; ');
    blocks.push(context(`Not resolved: ${text}`, { verbatim: true, max: BUDGET.note }));
  }
  const { searched } = result;
  blocks.push(
    footer(result.rayId, searched === undefined ? undefined : `searched ${searchedSpan(searched)}`),
  );
  return blocks;
}

function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

function searchedText(searched: SearchedRange): string {
  const windows = `${searched.windows} query window${searched.windows === 1 ? '' : 's'}`;
  const span = humanDuration(searched.newest.getTime() - searched.oldest.getTime());
  const lines = [
    `From ${slackDate(searched.oldest)} to ${slackDate(searched.newest)} (${span}, ${windows}).`,
  ];
  if (searched.limitedBy === 'retention') {
    lines.push("Stopped at the dataset's retention: Cloudflare holds no older Access login data.");
  } else {
    const further =
      searched.oldestReachable.getTime() < searched.oldest.getTime()
        ? `; Cloudflare still holds data back to ${slackDate(searched.oldestReachable)}, so raising the cap searches further`
        : '';
    lines.push(`Stopped at the bot's configured look-back cap${further}.`);
  }
  return lines.join('\n');
}

/** The page details a paste carried, as escaped "HTTP 403 · app AUD `…`" text; empty when none. */
function pasteDetails(paste: PasteInfo): string {
  const parts: string[] = [];
  if (paste.statusCode !== undefined && Number.isInteger(paste.statusCode))
    parts.push(`HTTP ${paste.statusCode}`);
  if (paste.appAud !== undefined && paste.appAud !== '')
    parts.push(`app AUD ${inlineCode(paste.appAud, 70)}`);
  if (paste.mtlsStatus !== undefined && paste.mtlsStatus !== '')
    parts.push(`mTLS ${inlineCode(paste.mtlsStatus, 40)}`);
  return parts.join(' · ');
}

/**
 * An escaped note on what the pasted page was, when that explains a missing Access row (WAF and
 * 1xxx pages) or helps find the app (an Access page's AUD); `undefined` when it adds nothing.
 */
export function pasteNote(paste: PasteInfo | undefined): string | undefined {
  if (paste === undefined) return undefined;
  const details = pasteDetails(paste);
  const suffix = details === '' ? '' : ` (${details})`;
  switch (paste.kind) {
    case 'waf_block_page':
      return (
        `The pasted page is a Cloudflare WAF block page, not an Access page${suffix}: a WAF rule blocked ` +
        'the request (look the Ray ID up in Security › Events).'
      );
    case 'cloudflare_error_page': {
      const code =
        paste.errorCode !== undefined && paste.errorCode !== ''
          ? `Cloudflare error ${inlineCode(paste.errorCode, 12)}`
          : 'a Cloudflare 1xxx error page';
      return `The pasted page is ${code}, not an Access page${suffix}: the error number names the cause.`;
    }
    case 'access_block_page':
      return details === '' ? undefined : `The pasted page is a Cloudflare Access block page (${details}).`;
    case 'plain':
      return undefined;
  }
}

function renderNotFound(result: NotFoundResult, options: RenderResultOptions): KnownBlock[] {
  const { notFound } = result;
  const blocks: KnownBlock[] = [
    header(`${EMOJI.not_found} No Access login for Ray ${result.rayId}`),
    section(safeText(notFound.summary, BUDGET.summary), { verbatim: true }),
    titled('Searched', searchedText(result.searched), 1000),
  ];
  const sources = notFound.likelySources.filter((source) => source.trim() !== '');
  if (sources.length > 0) {
    const lines = sources.map((source) => safeText(source, 300));
    blocks.push(titled('Likely other sources', bulletList(lines, 1400), 1500));
  }
  const note = pasteNote(options.paste);
  if (note !== undefined) blocks.push(context(`📋 ${note}`, { verbatim: true, max: BUDGET.note }));
  if (notFound.maybeTooRecent) {
    blocks.push(context("⏱️ Cloudflare's analytics lag about a minute — try again shortly."));
  }
  blocks.push(titled('Fix (admin)', safeText(notFound.adminFix, BUDGET.fix), BUDGET.fix));
  blocks.push(titled('Tell the user', safeText(notFound.userMessage, BUDGET.tell), BUDGET.tell));
  const gaps = (notFound.gaps ?? []).filter((gap) => gap.trim() !== '');
  if (gaps.length > 0) {
    const text = gaps.map((gap) => safeText(gap, 200)).join('; ');
    blocks.push(context(`Not searched: ${text}`, { verbatim: true, max: BUDGET.note }));
  }
  blocks.push(footer(result.rayId));
  return blocks;
}

function waitText(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

const STATUS_PAGE = 'https://www.cloudflarestatus.com';

/** One admin action per failure code; a new code fails to compile until it has one. */
const ADMIN_ACTIONS: Record<LookupErrorCode, (failure: LookupFailure, now: Date) => string> = {
  cloudflare_auth: () =>
    'Cloudflare rejected the API token (wrong, expired or revoked). Create or roll the token in the ' +
    'Cloudflare dashboard (My Profile › API Tokens), update the bot’s configuration and restart it.',
  cloudflare_permission: (failure) => {
    const permission =
      failure.permission !== undefined && failure.permission.trim() !== ''
        ? `*${safeText(failure.permission, 150)}*`
        : 'the permission named above';
    return (
      'Edit the API token in the Cloudflare dashboard (My Profile › API Tokens) and add ' +
      `${permission}, scoped to this account. No restart is needed.`
    );
  },
  upstream_rate_limited: (failure, now) => {
    const seconds = failure.retryAfterSeconds;
    // A Retry-After beyond a day is noise, not a schedule; don't turn it into a date.
    const when =
      seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 && seconds <= 86_400
        ? `try again in ${waitText(Math.ceil(seconds))} (after ${slackDate(new Date(now.getTime() + Math.ceil(seconds) * 1000), '{time_secs}')})`
        : 'try again in a few minutes';
    return (
      `Cloudflare's rate limit (or the bot's own budget that keeps it under it) is used up; ${when}. ` +
      'If this happens often, other tools may share the token: give the bot its own, or raise ' +
      'CLOUDFLARE_GRAPHQL_BUDGET / CLOUDFLARE_REST_BUDGET if the account allows.'
    );
  },
  upstream_unavailable: () => `Cloudflare's API is failing; check ${STATUS_PAGE} and retry.`,
  upstream_timeout: () =>
    `Cloudflare didn't answer in time. Retry in a minute; if it keeps happening, check ${STATUS_PAGE} ` +
    'or lower the bot’s look-back so each lookup needs fewer queries.',
  upstream_bad_response: () =>
    'Cloudflare sent an answer the bot could not read. Retry; if it persists, the bot’s logs hold the ' +
    'detail (kept out of Slack) — report it to whoever runs the bot.',
  upstream_query_error: () =>
    'Cloudflare rejected the bot’s analytics query. This usually means the account’s plan or the dataset ' +
    'settings changed; the bot’s logs hold the detail (kept out of Slack).',
  dataset_unavailable: () =>
    'The Access login dataset (`accessLoginRequestsAdaptiveGroups`) is not available to this token or ' +
    'account. Check that Zero Trust is enabled on the account and that the token has *Account Analytics: Read*.',
  config_invalid: () =>
    'The bot’s configuration is invalid; the message above names the setting. Fix it in the bot’s ' +
    'environment and restart the bot.',
  interrupted: () =>
    'Nothing to fix: the bot was restarted (a deploy or its supervisor) while this lookup ran. Ask again; ' +
    'if restarts cut lookups short often, raise SHUTDOWN_DRAIN_MS.',
};

function renderError(result: ErrorResult, options: RenderResultOptions): KnownBlock[] {
  const { failure } = result;
  return [
    header(`${EMOJI.error} Couldn't look up Ray ${result.rayId}`),
    section(safeText(failure.message, BUDGET.summary), { verbatim: true }),
    // Only the permission name is API data; the other texts are ours and may auto-link the status page.
    section(`*What the admin can do*\n${ADMIN_ACTIONS[failure.code](failure, options.now)}`, {
      verbatim: failure.code === 'cloudflare_permission',
    }),
    footer(result.rayId, `error ${inlineCode(failure.code, 40)}`),
  ];
}

/** The card for one Ray ID: found (allowed/denied), not found, or a failed lookup. */
/** A card's worth of the user's recent failed logins (the "Recent failed logins" button). */
export function renderFailedLogins(result: FoundResult): KnownBlock[] {
  const logins = result.recentFailedLogins ?? [];
  const who = safeText(userLabel(result.event, result.names), 150);
  return [
    header(`🧾 Recent failed logins — ${userLabel(result.event, result.names)}`),
    logins.length > 0
      ? titled('Recent failed logins', failedLoginsText(result.rayId, logins), BUDGET.failedLogins)
      : section(
          `No recent failed logins for ${who} (or the token cannot read them: *Access: Audit Logs Read*).`,
          {
            verbatim: true,
          },
        ),
    footer(result.rayId),
  ];
}

export function renderResultBlocks(result: RayIdResult, options: RenderResultOptions): KnownBlock[] {
  switch (result.outcome) {
    case 'allowed':
    case 'denied':
      return renderFound(result);
    case 'not_found':
      return renderNotFound(result, options);
    case 'error':
      return renderError(result, options);
  }
}

/** Who made the request, for one-line summaries. Untrusted, unescaped. */
export function userLabel(event: AccessLoginEvent, names: ResolvedNames): string {
  if (known(names.userEmail)) return names.userEmail;
  if (event.userUuid !== '') return `user ${event.userUuid}`;
  return 'a non-identity request';
}

/** "Country not allowed (policy 'Staff')", unescaped; the policy name is shortened to stay readable. */
export function causeAndPolicy(explanation: FoundResult['explanation']): string {
  const label = CAUSE_LABELS[explanation.cause];
  return known(explanation.policy) ? `${label} (policy '${truncate(explanation.policy, 80)}')` : label;
}

/**
 * One escaped line for the message's top-level `text` (notifications, screen readers), e.g.
 * "Access denied for alice@example.com to Grafana (Ray 74e4ac510dfdc44f): …".
 */
export function toFallbackLine(result: RayIdResult): string {
  let line: string;
  switch (result.outcome) {
    case 'allowed':
    case 'denied': {
      const verb = result.outcome === 'denied' ? 'Access denied' : 'Access allowed';
      line =
        `${verb} for ${userLabel(result.event, result.names)} to ${appLabel(result.event, result.names)} ` +
        `(Ray ${result.rayId}): ${causeAndPolicy(result.explanation)}. ${result.explanation.summary}`;
      break;
    }
    case 'not_found':
      line = `No Access login found for Ray ${result.rayId}: ${result.notFound.summary}`;
      break;
    case 'error':
      line = `Couldn't look up Ray ${result.rayId}: ${result.failure.message}`;
      break;
  }
  return safeText(line.replace(/\s+/g, ' '), BUDGET.fallbackLine);
}
