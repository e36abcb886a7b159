import type { CauseCode, SecondaryCause } from '../../core/explanation.js';

/** A short human label per primary cause; a new code fails to compile until it has one. Plain text, no markup. */
export const CAUSE_LABELS: Record<CauseCode, string> = {
  allowed: 'Allowed by a policy',
  undetermined: 'Not determined yet',
  block_policy_matched: 'A Block policy matched',
  country_not_allowed: 'Country not allowed',
  ip_not_allowed: 'IP address not allowed',
  excluded_by_rule: 'Excluded by a rule',
  excluded_by_group: 'Excluded by a rule group it must match',
  not_in_include: 'Not in any Include rule',
  require_unsatisfiable: 'Require rules can never all hold',
  no_allow_policy: 'No policy admits anyone',
  mtls_missing: 'No client certificate (mTLS)',
  mtls_common_name_mismatch: 'Client certificate name not allowed',
  warp_required: 'WARP client required',
  gateway_required: 'Gateway (WARP in the organization) required',
  device_posture_unknown: 'Device posture result unknown',
  device_posture_failed: 'Device posture check failed',
  needs_idp_group_data: 'Identity-provider groups unknown',
  idp_group_wrong_idp: 'Group from another identity provider',
  login_method_mismatch: 'Wrong login method',
  idp_not_allowed: 'Identity provider not allowed',
  mfa_requirement_not_met: 'MFA requirement not met',
  auth_method_unknown: 'Authentication method unknown',
  service_token_missing: 'Service token missing',
  service_token_not_authorized: 'Service token not authorized',
  service_token_expired: 'Service token expired or disabled',
  service_token_wrong_action: 'Service token needs a Service Auth policy',
  external_evaluation_unknown: 'External Evaluation result unknown',
  needs_user_identity: "User's identity unknown",
  approval_pending_or_denied: 'Approval pending or denied',
  independent_mfa_required: 'Independent MFA not completed',
};

/** Labels for secondary causes: every primary cause, plus the factors only secondary causes name. */
export const SECONDARY_CAUSE_LABELS: Record<SecondaryCause, string> = {
  ...CAUSE_LABELS,
  gateway_http_inspection_breaks_mtls: 'Gateway HTTP inspection strips client certificates',
};
