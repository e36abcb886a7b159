import { type AccessLoginEvent, isNonIdentityEvent, type ResolvedNames } from '../access-event.js';
import type { CauseCode, Evidence, Explanation } from '../explanation.js';
import {
  effectOf,
  evaluatePolicies,
  type PolicyReplay,
  type PolicyResult,
  type ReplayDecision,
} from '../policy/evaluate-policies.js';
import {
  type ClauseName,
  createRuleScope,
  type DecisiveRule,
  type RuleResult,
  type RuleScope,
  type Verdict,
} from '../policy/evaluate-rule.js';
import type { AccessApp, NeedCode, PolicyContext, PolicyDecision, Rule, RuleKind } from '../policy/types.js';
import { collectDenialEvidence } from './explain-event.js';

/**
 * Causes that ride along with the primary one. Besides the cause vocabulary, one factor the
 * vocabulary has no code for: Gateway HTTP inspection strips client certificates (D-MTLS).
 */
export type SecondaryCause = CauseCode | 'gateway_http_inspection_breaks_mtls';

/** A rule named in an explanation: where it sits and what it checks. */
export interface RuleRef {
  policy: string;
  ruleType: ClauseName;
  selector: RuleKind;
  value?: string;
  /** Rule group name, for `group` selectors. */
  group?: string;
  /** Posture rule type (`warp`, `gateway`, `disk_encryption`, …) for `device_posture` selectors. */
  postureType?: string;
  /** The name behind an id-valued rule (IdP, Gateway list, service token, posture rule), when known. */
  valueName?: string;
}

/** One policy on the card, in Access's order of execution. */
export interface PolicyVerdict {
  policyId: string;
  policy: string;
  action: 'Allow' | 'Block' | 'Service Auth' | 'Bypass';
  decision: PolicyDecision;
  precedence: number;
  order: number;
  status: Verdict;
  icon: '✅' | '❌' | '❔';
  /** False when an earlier policy decided first: Access never ran this one. */
  reached: boolean;
  /** One line: why this status. */
  reason: string;
}

export interface PolicyExplanation extends Explanation {
  policies: PolicyVerdict[];
  /** The rule that kept the request out (for a Block: the rule that made the Block match). */
  failedRule?: RuleRef;
  /** The rule that let the request in (allowed logins). */
  matchedRule?: RuleRef;
  secondaryCauses?: SecondaryCause[];
  /** Machine-readable form of `needs`. */
  needCodes: NeedCode[];
  /** What replaying the current policies gives, independent of the recorded outcome. */
  replayedDecision: ReplayDecision;
  /** True when the replay contradicts what the login row recorded. */
  replayDisagrees: boolean;
}

const ACTION: Record<PolicyDecision, PolicyVerdict['action']> = {
  allow: 'Allow',
  deny: 'Block',
  non_identity: 'Service Auth',
  bypass: 'Bypass',
};

const ICON: Record<Verdict, PolicyVerdict['icon']> = { match: '✅', no_match: '❌', unknown: '❔' };

const NEED_TEXT: Record<NeedCode, string> = {
  user_email: "the user's email (look the user UUID up in Access › Users)",
  idp_groups: "the user's identity-provider groups (Access policy tester or get-identity)",
  saml_attributes: 'the SAML attributes the identity provider sent',
  oidc_claims: 'the OIDC claims the identity provider sent',
  amr: 'the authentication methods (amr) the identity provider reported for this sign-in',
  auth_context: 'the Entra authentication-context result',
  device_posture_results: "the device's posture results (Logs › Posture, or the user's last-seen identity)",
  posture_rule: 'the device posture rule definition (Settings › WARP Client › Device posture)',
  external_evaluation_result: "the External Evaluation API's answer for this request",
  user_risk_score: "the user's risk score at the time",
  linked_app_token: 'whether an OAuth token from the linked app was sent',
  cloudflare_account_membership: "the user's Cloudflare account memberships",
  access_group: 'the Access rule group definitions (Access › Rule groups)',
  gateway_list: 'the Gateway list entries (Lists)',
  service_token: 'the service token list (Access › Service credentials)',
  identity_provider: 'which identity provider the login used (the row is ambiguous)',
  client_certificate_status: 'the client certificate status',
  temporary_access_approval: 'whether an approver granted the temporary access request',
  rule_support: 'a rule this bot cannot evaluate yet',
  login_identity: 'the identity the user would sign in with',
};

/** What the row cannot show when the replay admits a request Access refused. */
const ROW_BLIND_SPOTS = [
  'policy changes since the request (the replay uses the current policies)',
  'independent MFA, purpose justification or approval screens',
  'session or identity errors ("Invalid session")',
  'a wrong or rotated service-token secret',
];

interface View {
  event: AccessLoginEvent;
  app: AccessApp;
  context: PolicyContext;
  replay: PolicyReplay;
  facts: RuleScope;
  appLabel: string;
  who: string;
}

interface Finding {
  cause: CauseCode;
  policy?: PolicyResult;
  decisive?: DecisiveRule;
  determinable: boolean;
  needs: NeedCode[];
  extraNeeds?: string[];
  secondary: SecondaryCause[];
  evidence: Evidence[];
  replayDisagrees: boolean;
}

// ---------------------------------------------------------------------------------------------
// Words

function q(text: string): string {
  return `'${text}'`;
}

/** A reason sentence made fit to sit inside another sentence (no capital, no final stop). */
function inline(reason: string): string {
  const trimmed = reason.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? `${trimmed.charAt(0).toLowerCase()}${trimmed.slice(1)}` : trimmed;
}

function ruleValue(rule: Rule): string | undefined {
  switch (rule.kind) {
    case 'ip':
      return rule.ip;
    case 'geo':
      return rule.countryCode;
    case 'common_name':
      return rule.commonName;
    case 'service_token':
      return rule.tokenId;
    case 'email':
      return rule.email;
    case 'email_domain':
      return rule.domain;
    case 'login_method':
      return rule.idpId;
    case 'auth_method':
      return rule.authMethod;
    case 'okta':
    case 'github-organization':
      return rule.name;
    case 'gsuite':
      return rule.email;
    case 'azureAD':
      return rule.groupId;
    case 'ip_list':
    case 'email_list':
      return rule.listId;
    case 'device_posture':
      return rule.integrationUid;
    default:
      return undefined;
  }
}

/** A selector in plain words, with names from the lookup data where known. */
function describeRule(rule: Rule, context: PolicyContext): string {
  const named = (list: { id: string; name: string }[], id: string, what: string) => {
    const hit = list.find((x) => x.id === id);
    return hit ? `${what} ${q(hit.name)}` : `${what} ${id.slice(0, 8)}…`;
  };
  switch (rule.kind) {
    case 'everyone':
      return 'everyone';
    case 'ip':
      return `an IP in ${rule.ip}`;
    case 'ip_list':
      return `an IP in ${named(context.lists, rule.listId, 'list')}`;
    case 'geo':
      return `a request from ${rule.countryCode.toUpperCase()}`;
    case 'certificate':
      return 'a valid mTLS client certificate';
    case 'common_name':
      return `a client certificate with common name ${rule.commonName}`;
    case 'service_token':
      return `service token ${named(context.serviceTokens, rule.tokenId, '').trim()}`;
    case 'any_valid_service_token':
      return 'any valid service token';
    case 'email':
      return rule.email;
    case 'email_domain':
      return `emails ending in @${rule.domain.replace(/^@/, '')}`;
    case 'email_list':
      return `the addresses in ${named(context.lists, rule.listId, 'email list')}`;
    case 'group':
      return named(context.groups, rule.groupId, 'rule group');
    case 'login_method':
      return `sign-in through ${named(context.identityProviders, rule.idpId, '').trim()}`;
    case 'auth_method':
      return `authentication method ${rule.authMethod} reported by the identity provider`;
    case 'azureAD':
      return `Entra ID group ${rule.groupId}`;
    case 'okta':
      return `Okta group ${q(rule.name)}`;
    case 'gsuite':
      return `Google Workspace group ${rule.email}`;
    case 'github-organization':
      return rule.team
        ? `GitHub team ${q(`${rule.name}/${rule.team}`)}`
        : `GitHub organization ${q(rule.name)}`;
    case 'saml':
      return `SAML attribute ${rule.attributeName}=${rule.attributeValue}`;
    case 'oidc':
      return `OIDC claim ${rule.claimName}=${rule.claimValue}`;
    case 'auth_context':
      return `Entra authentication context ${rule.acId || rule.id}`;
    case 'device_posture': {
      const posture = context.postureRules.find((p) => p.id === rule.integrationUid);
      if (posture?.type === 'warp') return 'the WARP client (posture check)';
      if (posture?.type === 'gateway') return "traffic through the organization's Gateway (posture check)";
      return posture
        ? `posture check ${q(posture.name)}`
        : `posture check ${rule.integrationUid.slice(0, 8)}…`;
    }
    case 'external_evaluation':
      return 'an External Evaluation API allow';
    case 'user_risk_score':
      return `user risk score ${rule.levels.join(' or ')}`;
    case 'linked_app_token':
      return 'an OAuth token from a linked app';
    case 'cloudflare_account_member':
      return 'membership of a Cloudflare account';
    case 'unknown':
      return `selector ${rule.key}`;
  }
}

/** The name an admin knows an id-valued rule by, from the lookup data. */
function ruleValueName(rule: Rule, context: PolicyContext): string | undefined {
  switch (rule.kind) {
    case 'login_method':
      return context.identityProviders.find((p) => p.id === rule.idpId)?.name;
    case 'ip_list':
    case 'email_list':
      return context.lists.find((l) => l.id === rule.listId)?.name;
    case 'service_token':
      return context.serviceTokens.find((t) => t.id === rule.tokenId || t.clientId === rule.tokenId)?.name;
    case 'device_posture':
      return context.postureRules.find((p) => p.id === rule.integrationUid)?.name;
    default:
      return undefined;
  }
}

function ruleRef(policy: PolicyResult, decisive: DecisiveRule, context: PolicyContext): RuleRef {
  const r = decisive.result;
  const value = ruleValue(r.rule);
  const valueName = ruleValueName(r.rule, context);
  return {
    policy: policy.policy.name,
    ruleType: decisive.clause,
    selector: r.rule.kind,
    ...(value !== undefined ? { value } : {}),
    ...(r.group?.name ? { group: r.group.name } : {}),
    ...(r.postureType ? { postureType: r.postureType } : {}),
    ...(valueName ? { valueName } : {}),
  };
}

function verdictLine(result: PolicyResult): string {
  const d = result.decisive?.result.reason;
  let line: string;
  if (result.note) line = result.note;
  else if (result.verdict === 'match') line = `Matched: ${d ?? 'its rules hold.'}`;
  else if (result.verdict === 'unknown') line = `Undecided: ${d ?? 'some rules need more data.'}`;
  else if (result.decisive?.clause === 'exclude') line = `Excluded: ${d ?? 'an Exclude rule hit.'}`;
  else if (result.decisive?.clause === 'include') line = `Include not met: ${d ?? 'no Include rule holds.'}`;
  else line = `Require not met: ${d ?? 'a Require rule fails.'}`;
  return result.reached ? line : `Not reached (an earlier policy decided). ${line}`;
}

function toPolicyVerdict(result: PolicyResult): PolicyVerdict {
  return {
    policyId: result.policy.id,
    policy: result.policy.name,
    action: ACTION[result.policy.decision],
    decision: result.policy.decision,
    precedence: result.policy.precedence,
    order: result.order,
    status: result.verdict,
    icon: ICON[result.verdict],
    reached: result.reached,
    reason: verdictLine(result),
  };
}

// ---------------------------------------------------------------------------------------------
// Choosing the policy and rule that explain a denial

function unknownRules(result: PolicyResult): RuleResult[] {
  return (['include', 'require', 'exclude'] as const)
    .filter((c) => result.clauses[c].verdict === 'unknown')
    .flatMap((c) => result.clauses[c].results.filter((r) => r.verdict === 'unknown'));
}

function failingCount(result: PolicyResult): number {
  const c = result.clauses;
  return (
    (c.include.verdict === 'no_match' ? 1 : 0) +
    c.require.results.filter((r) => r.verdict !== 'match').length +
    c.exclude.results.filter((r) => r.verdict !== 'no_match').length
  );
}

/**
 * Closest policy first: Include met beats Include undecided beats Include missed (notes a8 ranking);
 * then the action that fits the request (Service Auth for a token request, Allow otherwise); then a
 * definite miss before an undecided one; then fewer failing rules; then Access's order.
 */
function rankCandidates(results: PolicyResult[], facts: RuleScope): PolicyResult[] {
  const includeRank: Record<Verdict, number> = { match: 0, unknown: 1, no_match: 2 };
  const actionRank: Record<PolicyDecision, number> = facts.tokenRequest
    ? { non_identity: 0, bypass: 1, allow: 2, deny: 3 }
    : { allow: 0, non_identity: 1, bypass: 2, deny: 3 };
  const key = (r: PolicyResult) => [
    includeRank[r.clauses.include.verdict],
    actionRank[r.policy.decision],
    r.verdict === 'no_match' ? 0 : 1,
    failingCount(r),
    r.order,
  ];
  return [...results].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const diff = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

/** The single value a selector pins, for selectors where one request can only have one value. */
function pinnedValue(rule: Rule): string | undefined {
  switch (rule.kind) {
    case 'geo':
      return rule.countryCode.trim().toUpperCase();
    case 'email':
    case 'email_domain':
    case 'common_name':
      return ruleValue(rule)?.trim().toLowerCase();
    case 'login_method':
      return rule.idpId;
    case 'service_token':
      return rule.tokenId;
    default:
      return undefined;
  }
}

/** Require rules of one selector with two different pinned values can never all hold (ANDed). */
function conflictingRequires(require: readonly Rule[], failing: Rule): Rule[] {
  const value = pinnedValue(failing);
  if (value === undefined) return [];
  const same = require.filter((r) => r.kind === failing.kind && pinnedValue(r) !== undefined);
  return new Set(same.map(pinnedValue)).size > 1 ? same : [];
}

function causeOf(result: PolicyResult): CauseCode {
  if (result.note) return 'service_token_wrong_action';
  const d = result.decisive;
  if (!d) return 'undetermined';
  if (result.verdict === 'unknown') return d.result.cause ?? 'undetermined';
  if (d.clause === 'exclude') return 'excluded_by_rule';
  if (d.clause === 'require' && conflictingRequires(result.policy.require, d.result.rule).length > 0) {
    return 'require_unsatisfiable';
  }
  return d.result.cause ?? (d.clause === 'include' ? 'not_in_include' : 'undetermined');
}

function secondaryOf(view: View, result: PolicyResult, primary: CauseCode): SecondaryCause[] {
  const out = new Set<SecondaryCause>();
  if (primary === 'mtls_missing' && view.event.hasGatewayEnabled)
    out.add('gateway_http_inspection_breaks_mtls');
  const decisive = result.decisive?.result;
  for (const r of result.clauses.require.results) {
    if (r !== decisive && r.verdict === 'no_match' && r.cause) out.add(r.cause);
  }
  for (const r of result.clauses.exclude.results) {
    if (r !== decisive && r.verdict === 'match') out.add('excluded_by_rule');
  }
  out.delete(primary);
  return [...out];
}

function ruleEvidence(result: PolicyResult, decisive: DecisiveRule): Evidence {
  const r = decisive.result;
  const clause = { include: 'Include', require: 'Require', exclude: 'Exclude' }[decisive.clause];
  return {
    label: `${clause} rule of ${q(result.policy.name)}`,
    detail: r.reason,
    ...(r.field ? { field: r.field } : {}),
  };
}

function union<T>(...lists: T[][]): T[] {
  return [...new Set(lists.flat())];
}

function idpNames(view: View, ids: readonly string[]): string {
  return ids
    .map((id) => view.context.identityProviders.find((i) => i.id === id)?.name ?? id)
    .map(q)
    .join(' or ');
}

/** The login went through an IdP outside the app's `allowed_idps`; undefined when fine or unknowable. */
function disallowedIdp(view: View): string | undefined {
  const { app, facts } = view;
  if (app.allowedIdps.length === 0 || facts.login.kind !== 'resolved') return undefined;
  const idps = facts.login.idps;
  if (idps.some((idp) => app.allowedIdps.includes(idp.id))) return undefined;
  const first = idps[0];
  return first ? `${q(first.name)} (${first.type})` : undefined;
}

function findDenial(view: View): Finding {
  const { replay, facts, event } = view;
  const base = { secondary: [], evidence: [], replayDisagrees: false };

  const idp = disallowedIdp(view);
  if (idp) {
    return {
      ...base,
      cause: 'idp_not_allowed',
      determinable: true,
      needs: [],
      evidence: [
        {
          label: 'Identity provider not allowed',
          detail: `The login used ${idp}; the app accepts only ${idpNames(view, view.app.allowedIdps)}.`,
          field: 'identityProvider',
        },
      ],
    };
  }

  const decider = replay.decider;
  if (decider && decider.policy.decision === 'deny') {
    return {
      ...base,
      cause: 'block_policy_matched',
      policy: decider,
      ...(decider.decisive ? { decisive: decider.decisive } : {}),
      determinable: true,
      needs: [],
    };
  }

  if (decider) {
    // The replay admits the request; the row says Access refused it.
    const blocker = replay.pending.find((p) => p.policy.decision === 'deny');
    if (blocker) {
      return {
        ...base,
        cause: 'block_policy_matched',
        policy: blocker,
        ...(blocker.decisive ? { decisive: blocker.decisive } : {}),
        determinable: false,
        needs: blocker.needs,
      };
    }
    const gates = decider.gates.filter((g) => g === 'approval' || g === 'purpose_justification');
    if (gates.length > 0) {
      return {
        ...base,
        cause: 'approval_pending_or_denied',
        policy: decider,
        ...(decider.decisive ? { decisive: decider.decisive } : {}),
        determinable: false,
        needs: ['temporary_access_approval'],
      };
    }
    return {
      ...base,
      cause: 'undetermined',
      policy: decider,
      ...(decider.decisive ? { decisive: decider.decisive } : {}),
      determinable: false,
      needs: [],
      extraNeeds: ROW_BLIND_SPOTS,
      replayDisagrees: true,
    };
  }

  const couldAdmit = replay.results.filter((r) => effectOf(r.policy.decision) === 'allowed');
  if (couldAdmit.length === 0) {
    return { ...base, cause: 'no_allow_policy', determinable: true, needs: [] };
  }

  // Without a sign-in (before login, or a service-token request) Access only checked non-identity
  // attributes; a policy undecided only on identity rules would have led to a login prompt, not to
  // this row, so it does not cloud the answer.
  const signedOut = isNonIdentityEvent(event);
  const undecided = couldAdmit.filter(
    (r) => r.verdict === 'unknown' && !(signedOut && unknownRules(r).every((u) => u.category === 'identity')),
  );
  const missed = couldAdmit.filter((r) => r.verdict === 'no_match');

  if (!facts.preLogin && !facts.tokenRequest && !facts.email) {
    const blockedOnEmail = undecided.filter((r) => r.needs.includes('user_email'));
    const first = rankCandidates(blockedOnEmail, facts)[0];
    if (first) {
      const rule = unknownRules(first).find((u) => u.needs.includes('user_email'));
      const clause = (['include', 'require', 'exclude'] as const).find((c) =>
        first.clauses[c].results.some((r) => r === rule),
      );
      return {
        ...base,
        cause: 'needs_user_identity',
        policy: first,
        ...(rule && clause ? { decisive: { clause, result: rule } } : {}),
        determinable: false,
        needs: union(['user_email'], ...undecided.map((r) => r.needs)),
      };
    }
  }

  // Without a sign-in, the identity gaps of a policy are not what stopped the request.
  const gapsOf = (r: PolicyResult): NeedCode[] => {
    if (!signedOut) return r.needs;
    const own = unknownRules(r).filter((u) => u.category !== 'identity');
    return own.length > 0 ? union(...own.map((u) => u.needs)) : r.needs;
  };
  const pool = missed.length + undecided.length > 0 ? [...missed, ...undecided] : couldAdmit;
  const primary = rankCandidates(pool, facts)[0];
  if (!primary) return { ...base, cause: 'undetermined', determinable: false, needs: [] };
  const cause = causeOf(primary);
  const determinable = undecided.length === 0 && primary.verdict === 'no_match';
  return {
    ...base,
    cause,
    policy: primary,
    ...(primary.decisive ? { decisive: primary.decisive } : {}),
    determinable,
    needs: determinable ? [] : union(gapsOf(primary), ...undecided.map(gapsOf)),
    secondary: secondaryOf(view, primary, cause),
    replayDisagrees: primary.verdict === 'unknown' && undecided.length === 0 && !event.isSuccessfulLogin,
  };
}

// ---------------------------------------------------------------------------------------------
// Sentences

function includeSummary(result: PolicyResult, context: PolicyContext): string {
  return (
    result.policy.include.map((r) => describeRule(r, context)).join(' or ') || 'nobody (no Include rule)'
  );
}

function phase(view: View): string {
  // Non-identity rules are re-checked on every request, so a live session can end on one.
  if (view.event.hasExistingJwt) return ' mid-session';
  if (view.facts.preLogin) return ' before sign-in';
  return '';
}

function pathAppNote(view: View): string | undefined {
  const related = view.context.relatedApps ?? [];
  if (related.length === 0) return undefined;
  const names = related.map((a) => `${q(a.name)} (${a.domain})`).join(', ');
  return `This request went to the separate app ${q(view.app.name)} (${view.app.domain}), which does not inherit the policies of ${names}.`;
}

function summaryFor(view: View, f: Finding): string {
  const p = f.policy ? q(f.policy.policy.name) : '';
  const reason = f.decisive?.result.reason ?? '';
  const rule = f.decisive ? describeRule(f.decisive.result.rule, view.context) : '';
  const lead = `Access denied ${view.who} at ${view.appLabel}${phase(view)}`;
  switch (f.cause) {
    case 'idp_not_allowed':
      return `${lead}: ${f.evidence[0]?.detail ?? 'the identity provider is not allowed for this app.'}`;
    case 'no_allow_policy':
      return `${lead}: the app has no Allow, Service Auth or Bypass policy (only Block policies, none of which decided), and Access denies anything not explicitly allowed.`;
    case 'block_policy_matched':
      return f.determinable
        ? `${lead}: Block policy ${p} (number ${f.policy?.order ?? '?'} in evaluation order) matched because ${inline(reason)}. Access stops at the first Allow or Block policy that matches, so nothing after it ran.`
        : `${lead}, probably because Block policy ${p} runs first and may match (${inline(reason)}); the data at hand cannot confirm it.`;
    case 'approval_pending_or_denied':
      return `${lead}, likely without approval: policy ${p} matches (${inline(reason)}) but requires ${
        f.policy?.policy.approvalRequired ? 'an approver to grant each session' : 'a purpose justification'
      }, and the login row cannot show whether that happened.`;
    case 'undetermined':
      if (f.replayDisagrees && f.policy) {
        return `${lead}, yet replaying the current policies admits it through ${ACTION[f.policy.policy.decision]} policy ${p} (${inline(reason)}). The login row cannot show what else refused it.`;
      }
      return `${lead}; the closest policy is ${p || 'unknown'}, and the data at hand cannot decide it: ${reason}`;
    case 'excluded_by_rule':
      return `${lead}: policy ${p} excludes ${rule}, and ${inline(reason)}.`;
    case 'require_unsatisfiable': {
      const values =
        f.policy && f.decisive
          ? conflictingRequires(f.policy.policy.require, f.decisive.result.rule)
              .map((r) => ruleValue(r))
              .join(' and ')
          : '';
      return `${lead} by configuration: policy ${p} requires ${values} at once (Require rules are ANDed), so no request can ever match. ${reason}`;
    }
    case 'service_token_wrong_action':
      return `${lead}: ${f.policy?.note ?? `policy ${p} accepts service tokens but its action is ${ACTION[f.policy?.policy.decision ?? 'allow']}, so Access asks for an identity-provider login instead (strict service-token mode ignores Allow policies).`}`;
    default:
      break;
  }
  if (!f.determinable) {
    return `Undetermined: ${view.who} was denied at ${view.appLabel}${phase(view)}; the closest policy ${p} ${
      f.decisive?.clause === 'include' ? 'admits' : 'requires'
    } ${rule}. ${reason}`;
  }
  if (f.decisive?.clause === 'include' && f.policy) {
    const note = f.cause === 'not_in_include' ? pathAppNote(view) : undefined;
    return `${lead}: policy ${p} admits only ${includeSummary(f.policy, view.context)}. ${reason}${note ? ` ${note}` : ''}`;
  }
  return `${lead}: policy ${p} requires ${rule}. ${reason}`;
}

/** "add X to Y" for a user missing from an Include, by the kind of rule that missed. */
function addTo(view: View, f: Finding): string {
  const rule = f.decisive?.result.rule;
  const p = f.policy ? q(f.policy.policy.name) : 'the policy';
  if (rule?.kind === 'email_list') {
    return `add them to ${describeRule(rule, view.context).replace(/^the addresses in /, '')}`;
  }
  if (rule?.kind === 'group') return `add them to ${describeRule(rule, view.context)}`;
  const today = f.policy ? ` (today it admits ${includeSummary(f.policy, view.context)})` : '';
  return `add them to the Include of ${p}${today}`;
}

function adminFixFor(view: View, f: Finding): string {
  const p = f.policy ? q(f.policy.policy.name) : 'the policy';
  const rule = f.decisive ? describeRule(f.decisive.result.rule, view.context) : 'the rule';
  const { event, app } = view;
  switch (f.cause) {
    case 'idp_not_allowed':
      return `If this identity provider should be accepted, add it to the allowed identity providers of ${q(app.name)}; otherwise users must sign in with ${idpNames(view, app.allowedIdps)}.`;
    case 'no_allow_policy':
      return 'Add an Allow (or Service Auth) policy for the people or machines that should get in: Access is deny-by-default and Block policies never admit anyone.';
    case 'block_policy_matched':
      return `If this request should get in, narrow Block policy ${p} or add an Exclude for it, or move the admitting Allow policy above it: Allow and Block policies run top to bottom and the first match wins.`;
    case 'country_not_allowed':
      return `If ${event.country || 'this country'} should be allowed, add it to ${p}. To allow several countries, put them in a rule group's Include and require that group (values inside a Require are ANDed).`;
    case 'ip_not_allowed':
      return `If ${event.ipAddress || 'this network'} should be trusted, add it to ${
        f.decisive?.result.rule.kind === 'ip_list' ? rule.replace(/^an IP in /, '') : `the IP rule of ${p}`
      }; or key the rule on WARP/device posture instead of the source IP.${
        event.hasExistingJwt
          ? ' IP rules are re-checked on every request, so changing networks ends a live session.'
          : ''
      }`;
    case 'excluded_by_rule':
      return `Remove or narrow the Exclude rule (${rule}) in ${p} if this request should get in; otherwise it works as configured.`;
    case 'not_in_include':
      return `If ${view.who} should have access, ${addTo(view, f)}, or to a policy that admits them.${
        pathAppNote(view)
          ? ' Path-specific apps do not inherit the parent app’s policies: repeat the rule there.'
          : ''
      }`;
    case 'require_unsatisfiable':
      return `In policy ${p}, move the alternative values out of the Require into a rule group's Include and require that group: two Require values of the same selector are ANDed and can never both hold.`;
    case 'mtls_missing':
      return `Install a client certificate issued by the account's mTLS CA on the device, and check that ${app.domain || 'the hostname'} is among that CA's associated hostnames.${
        event.hasGatewayEnabled
          ? ` The device was behind Gateway (hasGatewayEnabled 1): Gateway HTTP inspection cannot pass client certificates to mTLS-protected hosts, so add a Do Not Inspect rule for ${app.domain || 'the host'}.`
          : ''
      }`;
    case 'mtls_common_name_mismatch':
      return `Issue the client a certificate with an approved common name, or add ${event.mtlsCommonName || 'its common name'} to ${p}.`;
    case 'warp_required':
      return 'Have the user install and connect the Cloudflare One (WARP) client enrolled in your organization.';
    case 'gateway_required':
      return 'Enrol the device in your Zero Trust organization (WARP logged in to your team, not consumer 1.1.1.1 mode) so its traffic passes through your Gateway.';
    case 'device_posture_failed':
      return `Get the device to pass ${rule} (see Logs › Posture for the expected and received values), or relax the check in ${p}.`;
    case 'device_posture_unknown':
      return `Check the posture result of ${rule} for device ${event.deviceId || '(unknown)'} in Logs › Posture or the user's last-seen identity.`;
    case 'needs_idp_group_data':
      return `Check ${view.who}'s identity-provider groups (Access policy tester, or the user's last-seen identity) against ${rule} in ${p}.`;
    case 'idp_group_wrong_idp':
    case 'login_method_mismatch':
      return `Tell the user to sign in with the identity provider ${p} checks (${rule}); if other sign-ins should count, add a rule for them.`;
    case 'mfa_requirement_not_met':
      return `The user must sign in through an identity provider that reports MFA (Okta, Entra ID, OIDC or SAML) and use MFA there, or drop the authentication-method rule from ${p}.`;
    case 'auth_method_unknown':
      return `Check the identity provider's sign-in log for this login to see whether MFA (${rule}) was used.`;
    case 'service_token_missing':
      return `This app takes machine clients: they must send CF-Access-Client-Id and CF-Access-Client-Secret for ${rule}. Browsers and people cannot use it.`;
    case 'service_token_not_authorized':
      return `Add the presented token to ${p} if this client should get in, or configure the client with ${rule}.`;
    case 'service_token_expired':
      return 'Refresh or rotate the service token (or re-enable it) in Access › Service credentials and update the client with the new credentials.';
    case 'service_token_wrong_action':
      return `Change the action of policy ${p} to Service Auth: service-token selectors only authenticate in Service Auth policies.`;
    case 'external_evaluation_unknown':
      return `Check the External Evaluation service's logs for this request: ${p} only admits it when that API returns a signed allow.`;
    case 'needs_user_identity':
      return `Look up user ${event.userUuid || '(unknown)'} in Access › Users (or grant the bot Access: Audit Logs Read) so the email rules can be checked.`;
    case 'approval_pending_or_denied': {
      const approvers = (f.policy?.policy.approvalGroups ?? []).flatMap((g) => g.emailAddresses);
      return `Check whether ${approvers.length > 0 ? approvers.join(', ') : 'an approver'} granted this session's temporary access request.`;
    }
    default:
      return f.replayDisagrees
        ? `The current policies would admit this request, so check what the row cannot show: ${ROW_BLIND_SPOTS.join('; ')}.`
        : `Read the policies of ${q(app.name)} in Zero Trust › Access › Applications against the evidence, and fetch what is missing.`;
  }
}

function userMessageFor(view: View, f: Finding): string {
  const app = view.appLabel;
  const { event } = view;
  switch (f.cause) {
    case 'idp_not_allowed':
      return `${app} only accepts sign-in through ${idpNames(view, view.app.allowedIdps)}. Sign out and choose that option.`;
    case 'block_policy_matched':
      return `Access to ${app} is blocked for your ${f.decisive?.result.field === 'country' ? `location (${event.country})` : 'account or network'} by policy ${q(f.policy?.policy.name ?? '')}.`;
    case 'country_not_allowed':
      return `${app} is not available from ${event.country || 'your location'}. Connect through the corporate VPN or WARP, or ask IT.`;
    case 'ip_not_allowed':
      return `Your network (${event.ipAddress || 'unknown IP'}) is not an approved network for ${app}. Connect from the office or through WARP.`;
    case 'excluded_by_rule':
      return `Your account or location is explicitly excluded from ${app}. Ask IT if you think you need access.`;
    case 'not_in_include':
      return `Your account is not on the access list for ${app}. Ask the app's owner or IT to add you.`;
    case 'require_unsatisfiable':
      return `This is a configuration problem with ${app}: nobody can get in right now. IT has been told.`;
    case 'no_allow_policy':
      return `${app} is not open to anyone yet (no policy admits users). IT has been told.`;
    case 'mtls_missing':
      return `${app} needs a device certificate, and your browser or device did not present one. Use a managed device with the certificate installed.`;
    case 'mtls_common_name_mismatch':
      return `Your certificate (${event.mtlsCommonName}) is not one of the certificates approved for ${app}.`;
    case 'warp_required':
      return `Turn on the Cloudflare One (WARP) client, then try ${app} again.`;
    case 'gateway_required':
      return 'Log the WARP client in to your company’s Zero Trust team (not personal 1.1.1.1 mode), then try again.';
    case 'device_posture_failed':
      return `Your device failed a security check required by ${app} (${f.decisive ? describeRule(f.decisive.result.rule, view.context) : 'device posture'}). Fix it or ask IT, then try again.`;
    case 'idp_group_wrong_idp':
    case 'login_method_mismatch':
      return `Sign out and sign in to ${app} with the identity provider your team uses for it (${f.decisive ? describeRule(f.decisive.result.rule, view.context) : 'see IT'}).`;
    case 'mfa_requirement_not_met':
      return `${app} requires multi-factor sign-in. Sign in again through your company identity provider using MFA or a security key.`;
    case 'service_token_missing':
      return `${app} is for machines and needs a service token; it cannot be opened in a browser.`;
    case 'service_token_not_authorized':
      return `This client's service token is not authorized for ${app}.`;
    case 'service_token_expired':
      return `The service credential used for ${app} has expired or been disabled; it needs to be renewed.`;
    case 'service_token_wrong_action':
      return `${app} is misconfigured for service tokens; IT has been told.`;
    case 'approval_pending_or_denied':
      return `${app} needs an approver to grant each session. Submit (or wait for) the access request, then try again.`;
    default:
      return isNonIdentityEvent(event)
        ? `Your request to ${app} was blocked before sign-in. IT has the Ray ID and is checking which rule applied.`
        : `You signed in, but ${app} did not let you in. IT has the Ray ID and is checking which rule applied.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Assembly

function baseEvidence(view: View, f: Finding): Evidence[] {
  const row = collectDenialEvidence(view.event);
  const pick = (label: string) => row.filter((e) => e.label === label);
  const out: Evidence[] = [...f.evidence];
  if (f.policy && f.decisive) out.push(ruleEvidence(f.policy, f.decisive));
  if (f.policy) {
    for (const r of f.policy.clauses.require.results) {
      if (r !== f.decisive?.result && r.verdict === 'no_match') {
        out.push(ruleEvidence(f.policy, { clause: 'require', result: r }));
      }
    }
  }
  out.push(...row.slice(0, 1));
  if (view.event.hasExistingJwt) out.push(...pick('Existing session'));
  if (f.secondary.includes('gateway_http_inspection_breaks_mtls')) {
    out.push({
      label: 'Behind Gateway',
      detail: 'Gateway HTTP inspection cannot present client certificates to mTLS-protected hosts.',
      field: 'hasGatewayEnabled',
    });
  }
  const note = f.cause === 'not_in_include' ? pathAppNote(view) : undefined;
  if (note) out.push({ label: 'Separate path app', detail: note });
  if (f.replayDisagrees) {
    out.push({
      label: 'Replay disagrees',
      detail:
        f.policy?.verdict === 'match'
          ? `Access refused the request, yet the current policies admit it through ${q(f.policy.policy.name)}.`
          : 'Access refused the request before sign-in, yet a policy could still admit it after sign-in; the row cannot show why it stopped there.',
      field: 'isSuccessfulLogin',
    });
  }
  for (const pending of view.replay.pending) {
    if (pending !== f.policy) {
      out.push({ label: `Undecided: ${q(pending.policy.name)}`, detail: verdictLine(pending) });
    }
  }
  out.push(...pick('Origin'));
  return out;
}

function explainDenied(view: View): PolicyExplanation {
  const f = findDenial(view);
  const refKey =
    f.cause === 'block_policy_matched' || f.cause === 'approval_pending_or_denied'
      ? 'matchedRule'
      : 'failedRule';
  const ref = f.policy && f.decisive ? { [refKey]: ruleRef(f.policy, f.decisive, view.context) } : {};
  const needs = [...f.needs.map((n) => NEED_TEXT[n]), ...(f.extraNeeds ?? [])];
  return {
    decision: 'denied',
    cause: f.cause,
    summary: summaryFor(view, f),
    evidence: baseEvidence(view, f),
    adminFix: adminFixFor(view, f),
    userMessage: userMessageFor(view, f),
    determinable: f.determinable,
    needs: f.determinable ? [] : needs,
    ...(f.policy ? { policy: f.policy.policy.name } : {}),
    policies: view.replay.results.map(toPolicyVerdict),
    ...ref,
    ...(f.secondary.length > 0 ? { secondaryCauses: f.secondary } : {}),
    needCodes: f.determinable ? [] : f.needs,
    replayedDecision: view.replay.decision,
    replayDisagrees: f.replayDisagrees,
  };
}

function explainAllowed(view: View): PolicyExplanation {
  const { event, replay, app } = view;
  const approving = event.approvingPolicyId
    ? replay.results.find((r) => r.policy.id === event.approvingPolicyId)
    : undefined;
  const decider =
    replay.decider && effectOf(replay.decider.policy.decision) === 'allowed' ? replay.decider : undefined;
  const chosen = approving ?? decider;
  const evidence: Evidence[] = [];
  if (approving) {
    evidence.push({
      label: 'Approved by',
      detail: `${ACTION[approving.policy.decision]} policy ${q(approving.policy.name)} approved the request.`,
      field: 'approvingPolicyId',
    });
  } else if (event.approvingPolicyId) {
    evidence.push({
      label: 'Approved by',
      detail: `Policy ${event.approvingPolicyId} approved the request; it is not among ${q(app.name)}'s current policies (changed since, or a reusable policy not fetched).`,
      field: 'approvingPolicyId',
    });
  } else {
    evidence.push({
      label: 'Allowed',
      detail:
        'The row records a successful login without an approving policy id (usual for service-token requests).',
      field: 'isSuccessfulLogin',
    });
  }
  const matched = chosen?.verdict === 'match' && chosen.decisive ? chosen.decisive : undefined;
  if (chosen && matched) {
    evidence.push(ruleEvidence(chosen, matched));
  }
  const disagrees = replay.decision === 'denied';
  if (disagrees) {
    evidence.push({
      label: 'Replay disagrees',
      detail:
        'Replaying the current policies would deny this request: the policies may have changed since, or the row lacks data the replay needs.',
    });
  }
  const name = chosen ? ` by ${ACTION[chosen.policy.decision]} policy ${q(chosen.policy.name)}` : '';
  const because = matched ? ` (${inline(matched.result.reason)})` : '';
  return {
    decision: 'allowed',
    cause: 'allowed',
    summary: `Access allowed ${view.who} into ${view.appLabel}${name}${because}.`,
    evidence,
    adminFix:
      "Nothing to change in Access: it let this request through. A 403 after that comes from behind Access — cloudflared's audTag check, a WAF rule, or the origin itself.",
    userMessage: `Access let you into ${view.appLabel}; any error came from the application behind it. IT will follow up with its owners.`,
    determinable: true,
    needs: [],
    ...(chosen ? { policy: chosen.policy.name } : {}),
    policies: replay.results.map(toPolicyVerdict),
    ...(chosen && matched ? { matchedRule: ruleRef(chosen, matched, view.context) } : {}),
    needCodes: [],
    replayedDecision: replay.decision,
    replayDisagrees: disagrees,
  };
}

/** Adds what the directory resolved (the user's email) when the context lacks it. */
function withNames(event: AccessLoginEvent, context: PolicyContext, names: ResolvedNames): PolicyContext {
  if (context.user?.email || !names.userEmail) return context;
  return {
    ...context,
    user: { ...(event.userUuid ? { id: event.userUuid } : {}), ...context.user, email: names.userEmail },
  };
}

/**
 * Explains one login row by replaying the app's policies: the deciding (or closest) policy, the rule
 * that kept the request out with the field that proves it, a fix, a user message, and what is missing
 * when the row and the lookups cannot decide.
 */
export function explainLogin(
  event: AccessLoginEvent,
  app: AccessApp,
  context: PolicyContext,
  names: ResolvedNames = {},
): PolicyExplanation {
  const ctx = withNames(event, context, names);
  const replay = evaluatePolicies(event, app, ctx);
  const facts = createRuleScope(event, ctx, 'allow');
  const appLabel = names.appName ?? app.name;
  const token = facts.tokenRequest
    ? ctx.serviceTokens.find((t) => t.id === event.serviceTokenId || t.clientId === event.serviceTokenId)
    : undefined;
  const who =
    facts.email?.value ??
    (facts.tokenRequest
      ? `a client using service token ${token ? q(token.name) : event.serviceTokenId}`
      : isNonIdentityEvent(event)
        ? 'a request without a signed-in user'
        : `user ${event.userUuid.slice(0, 8)}…`);
  const view: View = { event, app, context: ctx, replay, facts, appLabel, who };
  return event.isSuccessfulLogin ? explainAllowed(view) : explainDenied(view);
}
