import type { KnownBlock } from '@slack/types';
import type { AccessLoginEvent, ResolvedNames } from '../../core/access-event.js';
import type { PolicyVerdict, RuleRef } from '../../core/explanation.js';
import type { FailedLogin } from '../../core/ports.js';
import type { RayIdResult } from '../../core/report.js';
import { warpAuthenticationNote } from '../../core/warp-authentication.js';
import {
  BUDGET,
  EMOJI,
  field,
  footer,
  known,
  type RenderResultOptions,
  searchedSpan,
  titled,
} from './card-parts.js';

export type { RenderResultOptions } from './card-parts.js';

import { CAUSE_LABELS, SECONDARY_CAUSE_LABELS } from './cause-labels.js';
import { bulletList, context, fieldsSection, header, section, slackDateFromIso } from './compose.js';
import { EMPTY_VALUE, inlineCode, safeText, truncate } from './escape.js';
import { renderDrift } from './render-drift.js';
import { renderError } from './render-error.js';
import { renderNotFound } from './render-not-found.js';

export type FoundResult = Extract<RayIdResult, { outcome: 'allowed' | 'denied' }>;

/** Policies listed one per line before "…and N more". */
const MAX_POLICY_LINES = 12;
/** Hostnames of an app listed on the card before "+N more". */
const MAX_HOSTNAMES = 4;
/** Recent failed logins listed before "…and N more". */
const MAX_FAILED_LOGIN_LINES = 5;

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
  const drift = renderDrift(result.drift, result.redacted === true);
  if (drift) blocks.push(drift);
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
