/**
 * Core shapes for replaying Cloudflare Access policies: the app, its policies and rules, and the
 * lookup data (IdPs, rule groups, lists, tokens, posture rules, last-seen identity) a replay needs.
 * Names are camelCase; `src/cloudflare/access-schemas.ts` maps Cloudflare's wire JSON onto them.
 */

/** The API `decision` of a policy: Allow, Block (`deny`), Service Auth (`non_identity`), Bypass. */
export type PolicyDecision = 'allow' | 'deny' | 'non_identity' | 'bypass';

export const POLICY_DECISIONS = [
  'allow',
  'deny',
  'non_identity',
  'bypass',
] as const satisfies readonly PolicyDecision[];

/** One selector of an Include / Require / Exclude list; `kind` is Cloudflare's JSON key. */
export type Rule =
  | { kind: 'everyone' }
  | { kind: 'ip'; ip: string }
  | { kind: 'ip_list'; listId: string }
  | { kind: 'geo'; countryCode: string }
  | { kind: 'certificate' }
  | { kind: 'common_name'; commonName: string }
  | { kind: 'service_token'; tokenId: string }
  | { kind: 'any_valid_service_token' }
  | { kind: 'email'; email: string }
  | { kind: 'email_domain'; domain: string }
  | { kind: 'email_list'; listId: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'login_method'; idpId: string }
  | { kind: 'auth_method'; authMethod: string }
  | { kind: 'azureAD'; groupId: string; idpId?: string }
  | { kind: 'okta'; name: string; idpId?: string }
  | { kind: 'gsuite'; email: string; idpId?: string }
  | { kind: 'github-organization'; name: string; team?: string; idpId?: string }
  | { kind: 'saml'; attributeName: string; attributeValue: string; idpId?: string }
  | { kind: 'oidc'; claimName: string; claimValue: string; idpId?: string }
  | { kind: 'auth_context'; id: string; acId: string; idpId?: string }
  | { kind: 'device_posture'; integrationUid: string }
  | { kind: 'external_evaluation'; evaluateUrl: string; keysUrl?: string }
  | { kind: 'user_risk_score'; levels: string[] }
  | { kind: 'linked_app_token'; appUid: string }
  | { kind: 'cloudflare_account_member'; accountId?: string }
  /** A selector this code cannot read; kept whole so the replay can say so instead of dropping it. */
  | { kind: 'unknown'; key: string; raw: unknown };

export type RuleKind = Rule['kind'];

/** Every rule kind, for tests and generators that must cover them all. */
export const RULE_KINDS = [
  'everyone',
  'ip',
  'ip_list',
  'geo',
  'certificate',
  'common_name',
  'service_token',
  'any_valid_service_token',
  'email',
  'email_domain',
  'email_list',
  'group',
  'login_method',
  'auth_method',
  'azureAD',
  'okta',
  'gsuite',
  'github-organization',
  'saml',
  'oidc',
  'auth_context',
  'device_posture',
  'external_evaluation',
  'user_risk_score',
  'linked_app_token',
  'cloudflare_account_member',
  'unknown',
] as const satisfies readonly RuleKind[];

// Fails to compile when a kind is added to `Rule` but not to `RULE_KINDS`.
const _everyKindListed: Exclude<RuleKind, (typeof RULE_KINDS)[number]> extends never ? true : never = true;
void _everyKindListed;

/** Administrators who approve a temporary-authentication request. */
export interface ApprovalGroup {
  approvalsNeeded: number;
  emailAddresses: string[];
  emailListId?: string;
}

export interface AppPolicy {
  id: string;
  name: string;
  decision: PolicyDecision;
  /** Order of execution within its group (lower runs first); the list position when Cloudflare omits it. */
  precedence: number;
  include: Rule[];
  exclude: Rule[];
  require: Rule[];
  reusable?: boolean;
  /** Temporary authentication: an approver must sign off each session. */
  approvalRequired?: boolean;
  approvalGroups?: ApprovalGroup[];
  purposeJustificationRequired?: boolean;
  purposeJustificationPrompt?: string;
  isolationRequired?: boolean;
  /** Independent MFA as the policy sets it (`mfa_config`); absent: the app's setting applies. */
  mfa?: MfaSetting;
  sessionDuration?: string;
}

export interface AccessApp {
  id: string;
  name: string;
  domain: string;
  type: string;
  aud?: string;
  /** IdP ids users may pick; empty means all of the account's IdPs. */
  allowedIdps: string[];
  policies: AppPolicy[];
  autoRedirectToIdentity?: boolean;
  /** Independent MFA for the whole app (`mfa_config`); a policy's own setting wins (D-MFA). */
  mfa?: MfaSetting;
}

/**
 * Cloudflare Access's independent MFA (`mfa_config`), read by its content: on unless
 * `mfa_disabled`, with the authenticators a user may use (`totp`, `biometrics`, `security_key`).
 * Precedence is policy over application over organization (notes/access-policies.md, D-MFA).
 */
export interface MfaSetting {
  required: boolean;
  allowedAuthenticators: string[];
}

/** An Access rule group (`/access/groups/{id}`): a reusable include/exclude/require bundle. */
export interface AccessGroup {
  id: string;
  name: string;
  include: Rule[];
  exclude: Rule[];
  require: Rule[];
}

export interface IdentityProvider {
  id: string;
  name: string;
  /** Cloudflare IdP type: `okta`, `azureAD`, `google`, `google-apps`, `github`, `saml`, `oidc`, `onetimepin`, … */
  type: string;
}

/** A Gateway list (`/gateway/lists/{id}` + items). */
export interface GatewayList {
  id: string;
  name: string;
  /** `IP`, `EMAIL`, `DOMAIN`, … as Cloudflare spells it. */
  type: string;
  /** Absent when the items were not fetched. */
  items?: string[];
}

export interface ServiceToken {
  id: string;
  clientId: string;
  name: string;
  /** ISO time; absent for tokens that never expire. */
  expiresAt?: string;
  enabled?: boolean;
}

/** A device posture rule (`/devices/posture/{id}`); `type` includes `warp` and `gateway`. */
export interface PostureRule {
  id: string;
  name: string;
  type: string;
}

export interface PostureResult {
  success?: boolean;
  ruleName?: string;
  type?: string;
  error?: string;
  timestamp?: string;
}

/** A group membership the IdP reported, as much of it as Cloudflare passes on. */
export interface IdentityGroup {
  id?: string;
  name?: string;
  email?: string;
}

/** The user's most recent identity (`/access/users/{id}/last_seen_identity`): a snapshot, not the event. */
export interface LastSeenIdentity {
  userUuid?: string;
  email?: string;
  deviceId?: string;
  isWarp?: boolean;
  isGateway?: boolean;
  idp?: { id?: string; type?: string };
  country?: string;
  /** Posture results keyed by posture rule id. */
  devicePosture: Record<string, PostureResult>;
  /** IdP groups, when the identity carries them (get-identity does; last_seen_identity may not). */
  groups?: IdentityGroup[];
  /** RFC 8176 authentication methods the IdP reported, when known. */
  amr?: string[];
}

export interface PolicyUser {
  id?: string;
  email?: string;
  name?: string;
}

/** Another Access app that may cover the same host (e.g. the parent of a path app). */
export interface RelatedApp {
  id: string;
  name: string;
  domain: string;
}

/** Everything a replay may look up besides the event and the app. Missing data makes rules `unknown`. */
export interface PolicyContext {
  identityProviders: IdentityProvider[];
  groups: AccessGroup[];
  lists: GatewayList[];
  serviceTokens: ServiceToken[];
  postureRules: PostureRule[];
  lastSeenIdentity?: LastSeenIdentity;
  user?: PolicyUser;
  relatedApps?: RelatedApp[];
  /** Organization setting: token requests are authorized only by Service Auth and Bypass policies. */
  strictServiceTokenAuth?: boolean;
  now: Date;
}

/** Data a replay could not find; the explanation turns these into plain words. */
export type NeedCode =
  | 'user_email'
  | 'idp_groups'
  | 'saml_attributes'
  | 'oidc_claims'
  | 'amr'
  | 'auth_context'
  | 'device_posture_results'
  | 'posture_rule'
  | 'external_evaluation_result'
  | 'user_risk_score'
  | 'linked_app_token'
  | 'cloudflare_account_membership'
  | 'access_group'
  | 'gateway_list'
  | 'service_token'
  | 'identity_provider'
  | 'client_certificate_status'
  | 'temporary_access_approval'
  | 'rule_support'
  | 'login_identity'
  /** Rule groups nested too deep (or too many) to evaluate within the per-lookup caps. */
  | 'group_nesting'
  /** A login-row field the rule reads is missing (plan without it, or an identity-log event). */
  | 'login_field'
  /** Whether the user completed Access's independent MFA prompt (not in the login row). */
  | 'independent_mfa_result';

/** Builds an empty lookup context (only the clock); callers add what they fetched. */
export function emptyPolicyContext(now: Date): PolicyContext {
  return { identityProviders: [], groups: [], lists: [], serviceTokens: [], postureRules: [], now };
}
