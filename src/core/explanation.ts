import type { AccessLoginEvent } from './access-event.js';

/**
 * Primary causes. The policy-replay codes follow the vocabulary admins see in the policy cases;
 * `undetermined` means the login row alone cannot name the rule that denied it.
 */
export const CAUSE_CODES = [
  'allowed',
  'undetermined',
  'block_policy_matched',
  'country_not_allowed',
  'ip_not_allowed',
  'excluded_by_rule',
  'excluded_by_group',
  'not_in_include',
  'require_unsatisfiable',
  'no_allow_policy',
  'mtls_missing',
  'mtls_common_name_mismatch',
  'warp_required',
  'gateway_required',
  'device_posture_unknown',
  'device_posture_failed',
  'needs_idp_group_data',
  'idp_group_wrong_idp',
  'login_method_mismatch',
  'idp_not_allowed',
  'mfa_requirement_not_met',
  'auth_method_unknown',
  'service_token_missing',
  'service_token_not_authorized',
  'service_token_expired',
  'service_token_wrong_action',
  'external_evaluation_unknown',
  'needs_user_identity',
  'approval_pending_or_denied',
  'independent_mfa_required',
] as const;
export type CauseCode = (typeof CAUSE_CODES)[number];

export type Decision = 'allowed' | 'denied';

/** One fact from the login row that bears on the decision, with the field that proves it. */
export interface Evidence {
  label: string;
  detail: string;
  field?: keyof AccessLoginEvent;
}

export interface Explanation {
  decision: Decision;
  cause: CauseCode;
  /** One sentence: what happened. */
  summary: string;
  evidence: Evidence[];
  /** What an admin can change or check. */
  adminFix: string;
  /** What to tell the person who saw the block page. */
  userMessage: string;
  /** False when the data at hand cannot name the deciding rule; `needs` then says what is missing. */
  determinable: boolean;
  needs: string[];
  /** Name of the deciding or closest policy, when known. */
  policy?: string;
}

/**
 * Causes that ride along with the primary one. Besides the cause vocabulary, one factor the
 * vocabulary has no code for: Gateway HTTP inspection strips client certificates (D-MTLS).
 */
export type SecondaryCause = CauseCode | 'gateway_http_inspection_breaks_mtls';

/** A clause of a policy or rule group. */
export type RuleClause = 'include' | 'require' | 'exclude';

/** One step down into a rule group: the group, and the clause of it the next step sits in. */
export interface RulePathStep {
  group: string;
  clause: RuleClause;
}

/** A rule named in an explanation: where it sits and what it checks. */
export interface RuleRef {
  policy: string;
  /** The clause of the policy the rule (or the group holding it) sits in. */
  ruleType: RuleClause;
  /** Cloudflare's selector key (a `RuleKind`); `group` when the rule sits inside a rule group. */
  selector: string;
  value?: string;
  /** Rule group name, for `group` selectors. */
  group?: string;
  /** Posture rule type (`warp`, `gateway`, `disk_encryption`, …) for `device_posture` selectors. */
  postureType?: string;
  /** The name behind an id-valued rule (IdP, Gateway list, service token, posture rule), when known. */
  valueName?: string;
  /** For a rule inside rule groups: each group from the policy down, with the clause the next step is in. */
  path?: RulePathStep[];
  /** For a rule inside rule groups: the innermost rule itself. */
  inner?: {
    ruleType: RuleClause;
    selector: string;
    value?: string;
    valueName?: string;
    postureType?: string;
  };
}

/** One policy on the card, in Access's order of execution. */
export interface PolicyVerdict {
  policyId: string;
  policy: string;
  action: 'Allow' | 'Block' | 'Service Auth' | 'Bypass';
  decision: 'allow' | 'deny' | 'non_identity' | 'bypass';
  precedence: number;
  order: number;
  status: 'match' | 'no_match' | 'unknown';
  icon: '✅' | '❌' | '❔';
  /** False when an earlier policy decided first: Access never ran this one. */
  reached: boolean;
  /** One line: why this status. */
  reason: string;
}

/** An explanation from replaying the app's policies. */
export interface PolicyExplanation extends Explanation {
  policies: PolicyVerdict[];
  /** The rule that kept the request out (for a Block: the rule that made the Block match). */
  failedRule?: RuleRef;
  /** The rule that let the request in (allowed logins). */
  matchedRule?: RuleRef;
  secondaryCauses?: SecondaryCause[];
  /** Machine-readable form of `needs` (`NeedCode`s). */
  needCodes: string[];
  /** What replaying the current policies gives, independent of the recorded outcome. */
  replayedDecision: 'allowed' | 'denied' | 'unknown';
  /** True when the replay contradicts what the login row recorded. */
  replayDisagrees: boolean;
}
