// Cloudflare's wire shapes as the stand-in serves them: GraphQL rows and REST v4 results.

/** One row of `accessLoginRequestsAdaptiveGroups.dimensions`, exactly as Cloudflare's GraphQL returns it. */
export interface AccessLoginDimensions {
  appId: string;
  approvingPolicyId: string;
  cfRayId: string;
  country: string;
  /** `YYYY-MM-DD` */
  date: string;
  /** RFC 3339, second precision, `Z` */
  datetime: string;
  datetimeMinute: string;
  deviceId: string;
  hasExistingJWT: 0 | 1;
  hasGatewayEnabled: 0 | 1;
  hasWarpEnabled: 0 | 1;
  identityProvider: string;
  ipAddress: string;
  isSuccessfulLogin: 0 | 1;
  mtlsCertSerialId: string;
  mtlsCommonName: string;
  mtlsStatus: string;
  serviceTokenId: string;
  userUuid: string;
}

/** What a sample event is meant to demonstrate; denial kinds use the explainer's cause codes. */
export type SampleEventKind =
  | 'allowed'
  | 'mtls_missing'
  | 'mtls_common_name_mismatch'
  | 'warp_required'
  | 'gateway_required'
  | 'country_not_allowed'
  | 'ip_not_allowed'
  | 'excluded_by_rule'
  | 'not_in_include'
  | 'block_policy_matched'
  | 'service_token_expired'
  | 'service_token_not_authorized'
  | 'service_token_missing'
  | 'login_method_mismatch'
  | 'device_posture_failed';

/**
 * A login event as a flat GraphQL row (all 19 dimensions under their Cloudflare names) plus what the
 * sample is meant to show.
 */
export interface SampleLoginEvent extends AccessLoginDimensions {
  kind: SampleEventKind;
  /** One line on what happened, for people reading demo output. */
  summary: string;
  /** Routine traffic (scrapes) that fills the dataset the way real service-token traffic does. */
  background: boolean;
  /** Adaptive sampling interval of the row; 1 = not sampled. */
  sampleInterval: number;
}

/** Cloudflare's policy rule JSON: one selector key mapped to its parameters. */
export type AccessRule = Record<string, Record<string, unknown>>;

export type PolicyDecision = 'allow' | 'deny' | 'non_identity' | 'bypass';

export interface AccessPolicy {
  id: string;
  name: string;
  decision: PolicyDecision;
  include: AccessRule[];
  exclude: AccessRule[];
  require: AccessRule[];
  session_duration: string;
  isolation_required: boolean;
  purpose_justification_required: boolean;
  approval_required: boolean;
  approval_groups: unknown[];
  /** True for account-level reusable policies (`/access/policies`). */
  reusable: boolean;
  created_at: string;
  updated_at: string;
}

/** A policy as embedded in an app and listed by `/apps/{id}/policies`: with its precedence there. */
export interface AppPolicy extends AccessPolicy {
  precedence: number;
}

export type AppType = 'self_hosted' | 'saas' | 'ssh' | 'vnc' | 'app_launcher' | 'warp' | 'biso' | 'bookmark';

export interface AccessApp {
  id: string;
  /** Cloudflare returns the app id again as `uid`. */
  uid: string;
  aud: string;
  name: string;
  domain: string;
  type: AppType;
  allowed_idps: string[];
  auto_redirect_to_identity: boolean;
  app_launcher_visible: boolean;
  session_duration: string;
  enable_binding_cookie: boolean;
  http_only_cookie_attribute: boolean;
  options_preflight_bypass: boolean;
  service_auth_401_redirect: boolean;
  skip_interstitial: boolean;
  tags: string[];
  /** Present on self-hosted/SSH apps; SaaS apps carry `saas_app` instead. */
  self_hosted_domains?: string[];
  /** The hostnames the app covers (newer API); public destinations are `{type: 'public', uri}`. */
  destinations?: Array<{ type: 'public'; uri: string }>;
  /** Whether a WARP session may stand in for the IdP login; absent: the organization decides. */
  allow_authenticate_via_warp?: boolean;
  saas_app?: Record<string, unknown>;
  policies: AppPolicy[];
  created_at: string;
  updated_at: string;
}

export interface IdentityProvider {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  scim_config: { enabled: boolean; user_deprovision: boolean; seat_deprovision: boolean };
}

export interface AccessGroup {
  id: string;
  name: string;
  include: AccessRule[];
  exclude: AccessRule[];
  require: AccessRule[];
  created_at: string;
  updated_at: string;
}

export interface ServiceToken {
  id: string;
  client_id: string;
  name: string;
  duration: string;
  enabled: boolean;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface PostureRule {
  id: string;
  name: string;
  type: 'warp' | 'gateway' | 'disk_encryption' | 'os_version' | 'file' | 'application';
  description: string;
  schedule: string;
  expiration: string;
  input: Record<string, unknown>;
  match: Array<{ platform: string }>;
}

export type GatewayListType = 'IP' | 'EMAIL' | 'DOMAIN' | 'URL' | 'SERIAL';

/** `/gateway/lists/{id}/items` item. */
export interface GatewayListItem {
  value: string;
  description?: string;
  created_at: string;
}

/**
 * A Zero Trust (Gateway) list: `/gateway/lists/{id}` serves it without `items` and with their `count`;
 * `/gateway/lists/{id}/items` pages through the items. Access rules name it as `ip_list` / `email_list`.
 */
export interface GatewayList {
  id: string;
  name: string;
  type: GatewayListType;
  description: string;
  items: GatewayListItem[];
  created_at: string;
  updated_at: string;
}

export interface AccessUser {
  id: string;
  uid: string;
  email: string;
  name: string;
  access_seat: boolean;
  gateway_seat: boolean;
  seat_uid: string;
  active_device_count: number;
  last_successful_login: string;
  created_at: string;
  updated_at: string;
}

/** `/access/users/{id}/failed_logins` item. */
export interface FailedLogin {
  /** Unix seconds. */
  expiration: number;
  metadata: {
    app_name: string;
    aud: string;
    datetime: string;
    ray_id: string;
    user_email: string;
    user_uuid: string;
  };
}

export interface DevicePostureResult {
  id: string;
  rule_name: string;
  type: string;
  success: boolean;
  timestamp: string;
  description: string;
  error: string;
  data: Record<string, unknown>;
}

/** `/access/users/{id}/last_seen_identity` result (Cloudflare's `access_identity`). */
export interface LastSeenIdentity {
  account_id: string;
  auth_status: string;
  common_name: string;
  devicePosture: Record<string, DevicePostureResult>;
  device_id: string;
  device_sessions: Record<string, { last_authenticated: number }>;
  email: string;
  geo: { country: string };
  iat: number;
  idp: { id: string; type: string };
  ip: string;
  is_gateway: boolean;
  is_warp: boolean;
  mtls_auth: {
    auth_status: string;
    cert_issuer_dn: string;
    cert_issuer_ski: string;
    cert_presented: boolean;
    cert_serial: string;
  };
  service_token_id: string;
  service_token_status: boolean;
  user_uuid: string;
  version: number;
}

/** `/access/logs/access_requests` row (identity logins only, as in the dashboard). */
export interface AccessRequestLog {
  // Every field is optional in the published spec, and the sample holds rows that omit some.
  action?: string;
  allowed?: boolean | null;
  app_domain?: string;
  app_uid?: string;
  connection?: string;
  created_at?: string;
  ip_address?: string;
  ray_id?: string;
  user_email?: string;
}

/** The `settings.accessLoginRequestsAdaptiveGroups` node (seconds for durations). */
export interface AnalyticsSettings {
  enabled: boolean;
  maxDuration: number;
  notOlderThan: number;
  maxPageSize: number;
  maxNumberOfFields: number;
  availableFields: string[];
}

export interface SamplePaste {
  title: string;
  text: string;
}

export interface SampleDataset {
  accountId: string;
  accountName: string;
  /** Zero Trust team domain, `<team>.cloudflareaccess.com`. */
  teamDomain: string;
  apps: AccessApp[];
  /** Account-level reusable policies (also embedded, with a precedence, in the apps using them). */
  reusablePolicies: AccessPolicy[];
  identityProviders: IdentityProvider[];
  groups: AccessGroup[];
  serviceTokens: ServiceToken[];
  postureRules: PostureRule[];
  gatewayLists: GatewayList[];
  users: AccessUser[];
  failedLogins: Record<string, FailedLogin[]>;
  lastSeenIdentities: Record<string, LastSeenIdentity>;
  accessRequests: AccessRequestLog[];
  events: SampleLoginEvent[];
  settings: AnalyticsSettings;
  samplePastes: SamplePaste[];
  /** Ray IDs that appear in pastes but belong to no Access event (a WAF block): lookups find nothing. */
  unknownRayIds: string[];
}
