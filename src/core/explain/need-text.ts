import type { NeedCode } from '../policy/types.js';

/** Plain words for each piece of missing data, with where an admin finds it. */
export const NEED_TEXT: Record<NeedCode, string> = {
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
  independent_mfa_result:
    "whether the user completed Access's independent MFA prompt (the user's authenticators: Zero Trust › My Team › Users)",
  login_field:
    "the login row's value for the field the rule checks (not on this account's plan, or the event is known only from Access's identity log)",
  group_nesting:
    'a verdict for rule groups nested too deep (or too many) to evaluate here — group nesting too deep; use the Access policy tester',
};
