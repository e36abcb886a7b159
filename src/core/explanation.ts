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
