import { createHash } from 'node:crypto';
import { DIMENSION_NAMES } from './schema.js';

// A bundled, invented Zero Trust account ("Northwind Labs") for the stand-in, the demo and tests.
// Every id, AUD, Ray ID, name and address here is made up; IPs come from the RFC 5737 / RFC 3849
// documentation ranges and domains from the reserved `.example` TLD.

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
  action: string;
  allowed: boolean;
  app_domain: string;
  app_uid: string;
  connection: string;
  created_at: string;
  ip_address: string;
  ray_id: string;
  user_email: string;
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

export const SAMPLE_ACCOUNT_ID = '99d06897d531489eb87e82dc69372895';

const ID = {
  idpOkta: '2e7dda9b-212d-49d1-87b6-9d8437bc1fe9',
  idpGoogle: '7830130d-32de-484f-8a7e-c95f89e91f1b',
  idpOtp: 'd3a133a3-24f3-4877-89da-c330275f0954',
  idpEntra: 'cc020f06-308d-43b5-8218-aaab47966e70',
  idpGithub: '29249c30-9db4-4c79-a2fa-0caf7e6c372e',
  groupSre: '269ab4be-22ce-4d9c-a8a5-d2b9905dec43',
  groupContractors: '3e578f40-218b-4689-b73b-5193083cc718',
  groupOfficeCountries: 'f4ac86e7-26c5-43a6-afc9-f4ffbcabf6c5',
  groupOffboarded: '49a3f349-fec1-45bf-851f-f4e35fbde6a8',
  tokenPrometheus: '5503980d-4f04-447b-9f6d-33276f91371a',
  tokenLegacyExporter: '7818dd6e-9719-445a-a0b9-e24781507c2c',
  tokenCiDeployer: '2de3dd46-e5de-4a2a-92c2-f966a4c1b8c3',
  tokenBackupAgent: '985c64fa-bafa-45d8-a40a-5359ddd6479d',
  postureWarp: 'bcbd20b2-805f-4460-b5db-eaa758ee24d6',
  postureGateway: 'd4d38f88-ffba-44be-ae77-94e3e8410f43',
  postureDisk: '3eaa2eb7-21cb-4e17-a53f-108551ca6747',
  postureOs: 'db8f0c48-6448-4b46-b2e9-3da27f0b2473',
  listOfficeEgress: '50f94795-3e7f-4329-9a08-32d7b113da98',
  listContractors: '9911ba8e-4988-4022-aa4a-e4bb887e5dfb',
  appWiki: 'c65ddea0-21bb-453d-a212-0672b0a716f9',
  appGrafana: 'fb4485c1-aca7-468d-a6e4-35956aeab902',
  appSsh: '4a349b8e-0b06-4cb1-9489-dc5ef1b3edc7',
  appSalesforce: '15de6d5e-0fa3-4b5e-9c3d-44d3566fc808',
  appIngest: '31fa1484-387b-4184-964a-1972c500a814',
  appArtifacts: 'f072c0a1-ef60-4f25-b0c2-b658c6a96fbd',
  appMetrics: 'bfb79920-2f29-4a2f-92f2-c9c1f64e6f57',
  appHr: '6bf9851e-a9fc-47ed-84f5-961a1acac219',
  appStatus: 'b51b2303-67fe-4e3a-aca7-aaa011b44433',
  appFinance: 'd690f16c-49b5-4234-a0a8-429501dd05bc',
  policyOfficeBypass: '3c23242d-8300-4eca-b615-2c5e5d8886ad',
  policyBlockRegions: '77cb5dc1-117d-417a-addf-1515009bd485',
  policyStatusBypass: 'fc771601-50ce-420a-ad7d-202bb8d28cfc',
  policyWikiEmployees: '0cec0ba9-e069-4d82-bcc4-6b8b4ab44958',
  policyWikiContractors: '0a9fd949-9a4b-4bb1-b73d-4e6729dcd673',
  policyGrafanaSre: '02878dc7-a2b6-498c-8e92-4b706acb5e23',
  policySshBlock: '42d54c95-167a-40f4-8214-f059bf0d8117',
  policySshPlatform: '1dfdde5b-58df-49d5-ac21-172cb71aa5d2',
  policySalesforce: '27009646-a3f9-4a2c-a2e0-69219884b499',
  policyIngestFleet: 'c3f267f3-4531-4ed2-b9c8-a0d08baafceb',
  policyArtifactsRunners: '709699a2-8e3d-4cf2-813c-87e1b7d8dda8',
  policyMetricsScrapers: '2793b69f-fba8-48e5-8aae-e1c59eef1f04',
  policyHrSync: 'a7f167c2-1214-440f-ba6b-76dcd0b9420f',
  policyHrStaff: '09c62261-6719-4523-a886-fd9b9f118a6d',
  policyFinanceOffice: 'e24c273f-74a9-4d3e-8ac5-c3ac3297dfe0',
  userAlice: '4e75dd2b-032a-4bf7-adf7-7a3df48569a0',
  userBen: '5baeaf27-b77f-4992-9b9f-7ea4686af18a',
  userPriya: 'e2ef5841-570a-426c-93a7-223ccffca564',
  userHenry: '986483c2-566d-4bdf-8101-ed70fa5ebdac',
  userEmma: 'ff60eb0e-44ac-4d5e-b641-6d626789a254',
  userFrank: '9229a077-fd20-47e1-8e81-e60c8736aa6d',
  userGrace: '29e65eba-606f-4599-84ae-b2fb0d1fd49b',
  userOlivia: '303448b6-f84c-4360-9eff-bee2194c99f3',
  userMaya: '67ff849a-8526-4e31-ad25-35482f243936',
  deviceBen: '782b54d6-e9f9-4903-bb2c-bef5a5bc26ed',
  deviceFrank: '551982d8-8ceb-4d10-bd61-62c9dc54fb60',
  deviceGrace: 'c0d53743-c99b-450c-a370-2eee93e1bf13',
} as const;

const AUD = {
  wiki: 'e45ebba9e567f383ab801ccf98ff894cfbce828f28651f6f9edcfd184cb7831b',
  grafana: '0aaa05f3c3225377b21e56c277b1540a6d4200868341b99013fb56f77b413d27',
  ssh: '9c225d7a1ec0159080535e0c3100cb738f4065985a95665ee162d56c172895cb',
  salesforce: '45850aede065952af47bc010be6a8c83e3e88d050e4fe745d58daf5149adfee2',
  ingest: '9eed3b360f46ffc51646f38cf8d19cc0f35f04fc39c9693bdbb8fcd3d73c9380',
  artifacts: 'a83b8137f4169b225f0537ca40918bc6364bcd2437175c5541d0ce24e80109b9',
  metrics: 'bc1b404cc3974767c812731c5d010afe51a38eee0c3042fd0cf1e7f3c51322c1',
  hr: 'e324b6cb4d56fe320a5bc6565577b5eb643fbcd1699a9ed30f55354836cdca98',
  status: '7e00c74d8df1a157aa100835484fe78f813b6820bbdae2b7d7cec0e5da03d195',
  finance: '3873db17b5a9d65cb3493d7040de2e9f24ddad05dfe67b98c02920717004c642',
} as const;

/** Ray IDs of the featured sample events, named by what they show. */
export const SAMPLE_RAY = {
  mtlsMissing: '1648fa88257bbed6',
  mtlsCommonNameMismatch: '54119e5af140b627',
  warpRequired: '2d7800caf51a5bab',
  gatewayRequired: '8aa5643e082166f5',
  countryNotAllowed: '20fc1e1e5bad9012',
  ipNotAllowed: '8e8a5398009cb261',
  /** Same cause, decided by an `ip_list` rule (the 'Office egress IPs' Gateway list). */
  ipListNotAllowed: '124c772e9467cc56',
  /** An `email_list` rule (the 'Contractors' Gateway list) in an Exclude. */
  excludedByEmailList: 'a2ee5ef7c204e55e',
  notInInclude: '27bc10c8dea9ba1e',
  blockPolicyMatched: '33c9fa46c1732038',
  serviceTokenExpired: 'c0c92ebf6ded10b1',
  serviceTokenNotAuthorized: '0ec53b2f57e833f3',
  serviceTokenMissing: '71221f8eab57bbf1',
  loginMethodMismatch: 'b210bd80a72e9b01',
  devicePostureFailed: '0e574b59434190d9',
  allowedWiki: '054c6b850d7fd523',
  allowedGrafana: '2dce941160b6fb23',
  allowedServiceToken: '627ed01cab5cfec4',
  allowedSsh: 'ed20d795e0d712f0',
  /** On the WAF block page paste: not an Access event. */
  wafBlock: 'c2f67105c02e9523',
} as const;

const CREATED = '2025-09-15T08:30:11Z';
const UPDATED = '2026-01-20T14:02:47Z';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function policy(
  id: string,
  name: string,
  decision: PolicyDecision,
  rules: { include: AccessRule[]; exclude?: AccessRule[]; require?: AccessRule[] },
  reusable = false,
): AccessPolicy {
  return {
    id,
    name,
    decision,
    include: rules.include,
    exclude: rules.exclude ?? [],
    require: rules.require ?? [],
    session_duration: '24h',
    isolation_required: false,
    purpose_justification_required: false,
    approval_required: false,
    approval_groups: [],
    reusable,
    created_at: CREATED,
    updated_at: UPDATED,
  };
}

const at = (p: AccessPolicy, precedence: number): AppPolicy => ({ ...p, precedence });

interface AppInit {
  id: string;
  aud: string;
  name: string;
  domain: string;
  type: AppType;
  allowedIdps: string[];
  policies: AppPolicy[];
  saasApp?: Record<string, unknown>;
}

function app(init: AppInit): AccessApp {
  const base: AccessApp = {
    id: init.id,
    uid: init.id,
    aud: init.aud,
    name: init.name,
    domain: init.domain,
    type: init.type,
    allowed_idps: init.allowedIdps,
    auto_redirect_to_identity: init.allowedIdps.length === 1,
    app_launcher_visible: true,
    session_duration: '24h',
    enable_binding_cookie: false,
    http_only_cookie_attribute: true,
    options_preflight_bypass: false,
    service_auth_401_redirect: init.policies.every((p) => p.decision === 'non_identity'),
    skip_interstitial: false,
    tags: [],
    policies: init.policies,
    created_at: CREATED,
    updated_at: UPDATED,
  };
  if (init.saasApp) return { ...base, saas_app: init.saasApp };
  return { ...base, self_hosted_domains: [init.domain] };
}

const ALL_AVAILABLE_FIELDS = [...DIMENSION_NAMES, 'count'];

/** Cloudflare's observed values for this dataset on a Zero Trust account (7-day window, 90-day reach). */
export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = {
  enabled: true,
  maxDuration: 604_800,
  notOlderThan: 7_776_000,
  maxPageSize: 10_000,
  maxNumberOfFields: 30,
  availableFields: ALL_AVAILABLE_FIELDS,
};

/**
 * Builds the sample account with every event time placed relative to `now` (minutes to days ago),
 * so the data is always inside the dataset's retention whatever day the tests run.
 */
export function createSampleDataset(now: Date): SampleDataset {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const nowMs = now.getTime();

  const identityProviders: IdentityProvider[] = [
    {
      id: ID.idpOkta,
      name: 'Okta (Northwind)',
      type: 'okta',
      config: {
        okta_account: 'https://northwind.okta.example',
        client_id: '0oa9x2northwind',
        claims: ['groups'],
      },
      scim_config: { enabled: true, user_deprovision: true, seat_deprovision: false },
    },
    {
      id: ID.idpGoogle,
      name: 'Google',
      type: 'google',
      config: { client_id: '71234-northwind.apps.googleusercontent.example' },
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
    {
      id: ID.idpOtp,
      name: 'One-time PIN',
      type: 'onetimepin',
      config: {},
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
    {
      id: ID.idpEntra,
      name: 'Entra ID (Sales)',
      type: 'azureAD',
      config: {
        directory_id: '7f0c1e2d-sales-tenant',
        support_groups: true,
        conditional_access_enabled: false,
      },
      scim_config: { enabled: true, user_deprovision: true, seat_deprovision: true },
    },
    {
      id: ID.idpGithub,
      name: 'GitHub',
      type: 'github',
      config: { client_id: 'Iv1.northwind0example' },
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
  ];

  const groups: AccessGroup[] = [
    {
      id: ID.groupSre,
      name: 'SRE on-call',
      include: [{ okta: { name: 'sre', identity_provider_id: ID.idpOkta } }],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.groupContractors,
      name: 'Approved contractors',
      include: [
        { email: { email: 'lena.vogt@contractor.example' } },
        { email: { email: 'omar.haddad@contractor.example' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      // A rule group is how Cloudflare expresses "country A OR B" inside a Require.
      id: ID.groupOfficeCountries,
      name: 'Office countries (US, DE, IE)',
      include: [
        { geo: { country_code: 'US' } },
        { geo: { country_code: 'DE' } },
        { geo: { country_code: 'IE' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.groupOffboarded,
      name: 'Offboarded staff',
      include: [
        { email: { email: 'henry.adams@northwind.example' } },
        { email: { email: 'old.intern@northwind.example' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
  ];

  const serviceTokens: ServiceToken[] = [
    {
      id: ID.tokenPrometheus,
      client_id: '16531d1f2f9a38c7d49d0ce5a2b41f48.access',
      name: 'prometheus-scraper',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(new Date(nowMs + 200 * DAY)),
      created_at: isoSeconds(ago(165 * DAY)),
      updated_at: isoSeconds(ago(165 * DAY)),
    },
    {
      // Expired twelve days ago; a forgotten exporter still presents it.
      id: ID.tokenLegacyExporter,
      client_id: 'e776954132bffedc554cc722aec99963.access',
      name: 'legacy-node-exporter',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(ago(12 * DAY)),
      created_at: isoSeconds(ago(377 * DAY)),
      updated_at: isoSeconds(ago(377 * DAY)),
    },
    {
      id: ID.tokenCiDeployer,
      client_id: '50a6df59e5c8e51d9d6b536b6ed78511.access',
      name: 'ci-deployer',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(new Date(nowMs + 300 * DAY)),
      created_at: isoSeconds(ago(65 * DAY)),
      updated_at: isoSeconds(ago(65 * DAY)),
    },
    {
      id: ID.tokenBackupAgent,
      client_id: 'ba060f7c2ca4a6997d95e69f671c5c3f.access',
      name: 'backup-agent',
      duration: '8760h',
      enabled: false,
      expires_at: isoSeconds(new Date(nowMs + 90 * DAY)),
      created_at: isoSeconds(ago(275 * DAY)),
      updated_at: isoSeconds(ago(20 * DAY)),
    },
  ];

  const postureRules: PostureRule[] = [
    {
      id: ID.postureWarp,
      name: 'WARP connected',
      type: 'warp',
      description: 'Device runs the Cloudflare One client',
      schedule: '5m',
      expiration: '',
      input: {},
      match: [{ platform: 'mac' }, { platform: 'windows' }, { platform: 'linux' }],
    },
    {
      id: ID.postureGateway,
      name: 'Gateway (Northwind team)',
      type: 'gateway',
      description: 'Traffic filtered by the Northwind Gateway',
      schedule: '5m',
      expiration: '',
      input: {},
      match: [{ platform: 'mac' }, { platform: 'windows' }, { platform: 'linux' }],
    },
    {
      id: ID.postureDisk,
      name: 'Disk encryption (macOS)',
      type: 'disk_encryption',
      description: 'FileVault must be on',
      schedule: '5m',
      expiration: '1h',
      input: { requireAll: true },
      match: [{ platform: 'mac' }],
    },
    {
      id: ID.postureOs,
      name: 'Windows 11 23H2 or later',
      type: 'os_version',
      description: '',
      schedule: '1h',
      expiration: '',
      input: { operating_system: 'windows', operator: '>=', version: '10.0.22631' },
      match: [{ platform: 'windows' }],
    },
  ];

  // Zero Trust lists; Access rules name them by id (`ip_list`, `email_list`), and Gateway policies share them.
  const gatewayLists: GatewayList[] = [
    {
      id: ID.listOfficeEgress,
      name: 'Office egress IPs',
      type: 'IP',
      description: 'Public egress addresses of the Portland and Dublin offices',
      items: [
        { value: '203.0.113.0/24', description: 'Portland HQ', created_at: CREATED },
        { value: '2001:db8:4f2a:ff00::/56', description: 'Portland HQ (IPv6)', created_at: CREATED },
        { value: '198.51.100.36', description: 'Dublin office (static line)', created_at: CREATED },
        { value: '192.0.2.224/28', created_at: UPDATED },
      ],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.listContractors,
      name: 'Contractors',
      type: 'EMAIL',
      description: 'External people working for Northwind, whatever their mailbox',
      items: [
        { value: 'lena.vogt@contractor.example', description: 'Design agency', created_at: CREATED },
        { value: 'omar.haddad@contractor.example', description: 'Design agency', created_at: CREATED },
        {
          value: 'maya.torres@northwind.example',
          description: 'Interim accountant with a Northwind Okta account',
          created_at: UPDATED,
        },
      ],
      created_at: CREATED,
      updated_at: UPDATED,
    },
  ];

  // Reusable (account-level) policies.
  const officeBypass = policy(
    ID.policyOfficeBypass,
    'Office egress bypass',
    'bypass',
    { include: [{ ip: { ip: '203.0.113.0/24' } }] },
    true,
  );
  const blockRegions = policy(
    ID.policyBlockRegions,
    'Block sanctioned regions',
    'deny',
    {
      include: [
        { geo: { country_code: 'KP' } },
        { geo: { country_code: 'IR' } },
        { geo: { country_code: 'SY' } },
      ],
    },
    true,
  );
  const statusBypass = policy(
    ID.policyStatusBypass,
    'Public status page',
    'bypass',
    { include: [{ everyone: {} }] },
    true,
  );

  const apps: AccessApp[] = [
    app({
      id: ID.appWiki,
      aud: AUD.wiki,
      name: 'Engineering Wiki',
      domain: 'wiki.northwind.example',
      type: 'self_hosted',
      allowedIdps: [ID.idpOkta, ID.idpOtp],
      policies: [
        at(officeBypass, 1),
        at(
          policy(ID.policyWikiEmployees, 'Employees', 'allow', {
            include: [{ email_domain: { domain: 'northwind.example' } }],
            require: [{ group: { id: ID.groupOfficeCountries } }],
          }),
          2,
        ),
        at(
          policy(ID.policyWikiContractors, 'Approved contractors (PIN)', 'allow', {
            include: [{ group: { id: ID.groupContractors } }],
            require: [{ login_method: { id: ID.idpOtp } }],
          }),
          3,
        ),
      ],
    }),
    app({
      id: ID.appGrafana,
      aud: AUD.grafana,
      name: 'Grafana (ops)',
      domain: 'grafana.northwind.example',
      type: 'self_hosted',
      allowedIdps: [ID.idpOkta],
      policies: [
        at(blockRegions, 1),
        at(
          policy(ID.policyGrafanaSre, 'SRE on managed devices', 'allow', {
            include: [{ group: { id: ID.groupSre } }],
            require: [
              { device_posture: { integration_uid: ID.postureWarp } },
              { device_posture: { integration_uid: ID.postureGateway } },
            ],
          }),
          2,
        ),
      ],
    }),
    app({
      id: ID.appSsh,
      aud: AUD.ssh,
      name: 'prod-bastion SSH',
      domain: 'ssh.northwind.example',
      type: 'ssh',
      allowedIdps: [ID.idpOkta],
      policies: [
        at(
          policy(ID.policySshBlock, 'Block offboarded staff', 'deny', {
            include: [{ group: { id: ID.groupOffboarded } }],
          }),
          1,
        ),
        at(
          policy(ID.policySshPlatform, 'Platform engineers on VPN', 'allow', {
            include: [{ okta: { name: 'platform-eng', identity_provider_id: ID.idpOkta } }],
            require: [{ ip: { ip: '198.51.100.128/25' } }],
          }),
          2,
        ),
      ],
    }),
    app({
      id: ID.appSalesforce,
      aud: AUD.salesforce,
      name: 'Salesforce',
      domain: `northwind.cloudflareaccess.com/cdn-cgi/access/sso/saml/${ID.appSalesforce}`,
      type: 'saas',
      allowedIdps: [ID.idpEntra, ID.idpGoogle],
      saasApp: {
        auth_type: 'saml',
        sp_entity_id: 'https://northwind.my.salesforce.example',
        consumer_service_url: 'https://northwind.my.salesforce.example/?so=00D5g000004Northwind',
        name_id_format: 'email',
        idp_entity_id: `https://northwind.cloudflareaccess.com/${ID.appSalesforce}`,
        sso_endpoint: `https://northwind.cloudflareaccess.com/cdn-cgi/access/sso/saml/${ID.appSalesforce}`,
        custom_attributes: [],
      },
      policies: [
        at(
          policy(ID.policySalesforce, 'Sales via Entra ID', 'allow', {
            include: [{ login_method: { id: ID.idpEntra } }],
            require: [{ email_domain: { domain: 'northwind.example' } }],
          }),
          1,
        ),
      ],
    }),
    app({
      id: ID.appIngest,
      aud: AUD.ingest,
      name: 'Telemetry ingest',
      domain: 'ingest.northwind.example',
      type: 'self_hosted',
      allowedIdps: [],
      policies: [
        at(
          policy(ID.policyIngestFleet, 'Fleet gateways (mTLS)', 'non_identity', {
            include: [{ certificate: {} }],
          }),
          1,
        ),
      ],
    }),
    app({
      id: ID.appArtifacts,
      aud: AUD.artifacts,
      name: 'Build artifacts API',
      domain: 'artifacts.northwind.example/api',
      type: 'self_hosted',
      allowedIdps: [],
      policies: [
        at(
          policy(ID.policyArtifactsRunners, 'Build runners', 'non_identity', {
            include: [
              { common_name: { common_name: 'runner-01.ci.northwind.example' } },
              { common_name: { common_name: 'runner-02.ci.northwind.example' } },
            ],
          }),
          1,
        ),
      ],
    }),
    app({
      id: ID.appMetrics,
      aud: AUD.metrics,
      name: 'Metrics API',
      domain: 'metrics.northwind.example',
      type: 'self_hosted',
      allowedIdps: [],
      policies: [
        at(
          policy(ID.policyMetricsScrapers, 'Prometheus scrapers', 'non_identity', {
            include: [
              { service_token: { token_id: ID.tokenPrometheus } },
              { service_token: { token_id: ID.tokenLegacyExporter } },
            ],
          }),
          1,
        ),
      ],
    }),
    app({
      id: ID.appHr,
      aud: AUD.hr,
      name: 'HR portal',
      domain: 'hr.northwind.example',
      type: 'self_hosted',
      allowedIdps: [ID.idpOkta],
      policies: [
        at(
          policy(ID.policyHrSync, 'HRIS sync job', 'non_identity', {
            include: [{ any_valid_service_token: {} }],
          }),
          1,
        ),
        at(
          policy(ID.policyHrStaff, 'Staff on encrypted Macs', 'allow', {
            include: [{ email_domain: { domain: 'northwind.example' } }],
            require: [{ device_posture: { integration_uid: ID.postureDisk } }],
          }),
          2,
        ),
      ],
    }),
    app({
      id: ID.appStatus,
      aud: AUD.status,
      name: 'Status page',
      domain: 'status.northwind.example',
      type: 'self_hosted',
      allowedIdps: [],
      policies: [at(statusBypass, 1)],
    }),
    app({
      id: ID.appFinance,
      aud: AUD.finance,
      name: 'Finance reports',
      domain: 'finance.northwind.example',
      type: 'self_hosted',
      allowedIdps: [ID.idpOkta],
      policies: [
        at(
          policy(ID.policyFinanceOffice, 'Employees in the office', 'allow', {
            include: [{ email_domain: { domain: 'northwind.example' } }],
            require: [{ ip_list: { id: ID.listOfficeEgress } }],
            exclude: [{ email_list: { id: ID.listContractors } }],
          }),
          1,
        ),
      ],
    }),
  ];

  const user = (
    id: string,
    email: string,
    name: string,
    seat: string,
    devices: number,
    lastLogin: Date,
  ): AccessUser => ({
    id,
    uid: id,
    email,
    name,
    access_seat: true,
    gateway_seat: devices > 0,
    seat_uid: seat,
    active_device_count: devices,
    last_successful_login: isoSeconds(lastLogin),
    created_at: CREATED,
    updated_at: isoSeconds(lastLogin),
  });

  const users: AccessUser[] = [
    user(
      ID.userAlice,
      'alice.nguyen@northwind.example',
      'Alice Nguyen',
      '3e2f8cd0-1d23-489a-a712-8c73e146a1de',
      1,
      ago(2 * HOUR),
    ),
    user(
      ID.userBen,
      'ben.okafor@northwind.example',
      'Ben Okafor',
      '201d5a37-c840-4f69-848a-95a555cb8555',
      2,
      ago(30 * MINUTE),
    ),
    user(
      ID.userPriya,
      'priya.shah@personal.example',
      'priya.shah@personal.example',
      '28679485-fdcf-4437-a11a-e87567b9b671',
      0,
      ago(40 * DAY),
    ),
    user(
      ID.userHenry,
      'henry.adams@northwind.example',
      'Henry Adams',
      'fefe898d-6719-4950-a5d9-44e6a20fd135',
      0,
      ago(16 * DAY),
    ),
    user(
      ID.userEmma,
      'emma.fischer@northwind.example',
      'Emma Fischer',
      'c2e00113-5e24-40d5-994d-e0788f19a99e',
      1,
      ago(3 * DAY),
    ),
    user(
      ID.userFrank,
      'frank.osei@northwind.example',
      'Frank Osei',
      '8eb2d557-4b19-4755-b50f-37d680100826',
      1,
      ago(9 * HOUR),
    ),
    user(
      ID.userGrace,
      'grace.kim@northwind.example',
      'Grace Kim',
      '39af6172-611e-43d5-9250-7c347ff0f3b5',
      1,
      ago(4 * HOUR),
    ),
    user(
      ID.userOlivia,
      'olivia.brandt@northwind.example',
      'Olivia Brandt',
      '2a5d3dfe-ec6c-4b7e-92d7-695ec20fdda5',
      0,
      ago(DAY + 2 * HOUR),
    ),
    user(
      ID.userMaya,
      'maya.torres@northwind.example',
      'Maya Torres',
      'e4f2ebde-567d-4045-96dd-cf30ff349e93',
      0,
      ago(2 * DAY),
    ),
  ];

  const row = (
    when: Date,
    fields: Partial<AccessLoginDimensions> & Pick<AccessLoginDimensions, 'cfRayId' | 'appId'>,
  ): AccessLoginDimensions => {
    const datetime = isoSeconds(when);
    return {
      approvingPolicyId: '',
      country: 'US',
      date: datetime.slice(0, 10),
      datetime,
      datetimeMinute: `${datetime.slice(0, 16)}:00Z`,
      deviceId: '',
      hasExistingJWT: 0,
      hasGatewayEnabled: 0,
      hasWarpEnabled: 0,
      identityProvider: 'nonidentity',
      ipAddress: '',
      isSuccessfulLogin: 0,
      mtlsCertSerialId: '',
      mtlsCommonName: '',
      mtlsStatus: 'NONE',
      serviceTokenId: '',
      userUuid: '',
      ...fields,
    };
  };
  const featured = (
    kind: SampleEventKind,
    summary: string,
    dimensions: AccessLoginDimensions,
  ): SampleLoginEvent => ({
    ...dimensions,
    kind,
    summary,
    background: false,
    sampleInterval: 1,
  });

  const events: SampleLoginEvent[] = [
    // Telemetry ingest only admits clients with a valid mTLS certificate (Service Auth, `certificate`).
    // A re-flashed fleet gateway lost its client certificate: no cert, no serial/CN, no user.
    featured(
      'mtls_missing',
      'Fleet gateway without a client certificate on the mTLS-only Telemetry ingest',
      row(ago(14 * MINUTE), {
        cfRayId: SAMPLE_RAY.mtlsMissing,
        appId: ID.appIngest,
        ipAddress: '192.0.2.41',
      }),
    ),
    // Build artifacts API accepts only the runner-01/runner-02 certificate common names; a developer
    // laptop presented its own (valid, same CA) certificate. The status string for a presented,
    // valid certificate is undocumented ('NONE' is the only documented value).
    featured(
      'mtls_common_name_mismatch',
      'Developer laptop certificate (CN mbp-jlee) on the runners-only Build artifacts API',
      row(ago(47 * MINUTE), {
        cfRayId: SAMPLE_RAY.mtlsCommonNameMismatch,
        appId: ID.appArtifacts,
        ipAddress: '198.51.100.31',
        mtlsCertSerialId: '5B8BF3042368CA6B9FE2F9143DF708EC',
        mtlsCommonName: 'mbp-jlee.northwind.example',
        mtlsStatus: 'SUCCESS',
      }),
    ),
    // Grafana's Allow policy requires the WARP posture check; the laptop ran without WARP, so the
    // non-identity require failed before any IdP login.
    featured(
      'warp_required',
      'Grafana opened without WARP (policy requires the WARP posture check)',
      row(ago(80 * MINUTE), {
        cfRayId: SAMPLE_RAY.warpRequired,
        appId: ID.appGrafana,
        ipAddress: '198.51.100.62',
      }),
    ),
    // Same Grafana policy also requires Gateway: consumer WARP (1.1.1.1) was on, but the device is not
    // enrolled in the Northwind team, so hasGatewayEnabled is 0 and no device id is known.
    featured(
      'gateway_required',
      'Grafana via consumer WARP, not enrolled in the team Gateway',
      row(ago(125 * MINUTE), {
        cfRayId: SAMPLE_RAY.gatewayRequired,
        appId: ID.appGrafana,
        ipAddress: '2001:db8:4f2a:1e6::1c',
        hasWarpEnabled: 1,
      }),
    ),
    // SSH 'Platform engineers on VPN' requires 198.51.100.128/25 (VPN egress); request from a home IP.
    featured(
      'ip_not_allowed',
      'prod-bastion SSH from a home IP outside the VPN range 198.51.100.128/25',
      row(ago(5 * HOUR), {
        cfRayId: SAMPLE_RAY.ipNotAllowed,
        appId: ID.appSsh,
        ipAddress: '192.0.2.77',
      }),
    ),
    // Finance reports admits employees only from the 'Office egress IPs' Gateway list (a Require
    // `ip_list`); olivia signed in via Okta from her home broadband, which is not on the list.
    featured(
      'ip_not_allowed',
      "Finance reports from a home IP outside the 'Office egress IPs' list",
      row(ago(3 * HOUR + 10 * MINUTE), {
        cfRayId: SAMPLE_RAY.ipListNotAllowed,
        appId: ID.appFinance,
        identityProvider: 'okta',
        ipAddress: '198.51.100.87',
        userUuid: ID.userOlivia,
      }),
    ),
    // priya.shah@personal.example signed in with a one-time PIN; neither wiki Allow policy includes
    // her (not @northwind.example, not in 'Approved contractors').
    featured(
      'not_in_include',
      'Personal address via one-time PIN on the Engineering Wiki (not in any include)',
      row(ago(26 * MINUTE), {
        cfRayId: SAMPLE_RAY.notInInclude,
        appId: ID.appWiki,
        identityProvider: 'onetimepin',
        ipAddress: '198.51.100.23',
        userUuid: ID.userPriya,
      }),
    ),
    // henry.adams is in 'Offboarded staff'; the Block policy at precedence 1 matched after his Okta
    // login, even though he connected from the VPN range.
    featured(
      'block_policy_matched',
      "Offboarded user matched SSH 'Block offboarded staff'",
      row(ago(2 * DAY + 90 * MINUTE), {
        cfRayId: SAMPLE_RAY.blockPolicyMatched,
        appId: ID.appSsh,
        identityProvider: 'okta',
        ipAddress: '198.51.100.140',
        userUuid: ID.userHenry,
      }),
    ),
    // maya.torres has a northwind.example Okta account and sat in the Portland office, but she is on the
    // 'Contractors' Gateway list, which Finance reports' only Allow policy excludes (`email_list`).
    featured(
      'excluded_by_rule',
      "Contractor on the 'Contractors' email list excluded from Finance reports, though in the office",
      row(ago(DAY + 4 * HOUR), {
        cfRayId: SAMPLE_RAY.excludedByEmailList,
        appId: ID.appFinance,
        identityProvider: 'okta',
        ipAddress: '203.0.113.58',
        userUuid: ID.userMaya,
      }),
    ),
    // legacy-node-exporter is one of the two tokens the Metrics API accepts, but it expired 12 days ago.
    featured(
      'service_token_expired',
      'Expired service token legacy-node-exporter on the Metrics API',
      row(ago(40 * MINUTE), {
        cfRayId: SAMPLE_RAY.serviceTokenExpired,
        appId: ID.appMetrics,
        ipAddress: '192.0.2.90',
        serviceTokenId: ID.tokenLegacyExporter,
      }),
    ),
    // ci-deployer is a valid token, but 'Prometheus scrapers' only lists prometheus-scraper and
    // legacy-node-exporter.
    featured(
      'service_token_not_authorized',
      'Valid token ci-deployer presented to the Metrics API, whose policy does not list it',
      row(ago(3 * HOUR), {
        cfRayId: SAMPLE_RAY.serviceTokenNotAuthorized,
        appId: ID.appMetrics,
        ipAddress: '192.0.2.15',
        serviceTokenId: ID.tokenCiDeployer,
      }),
    ),
    // A developer curled the machine-only Metrics API without CF-Access-Client-Id/Secret headers.
    featured(
      'service_token_missing',
      'Metrics API called without service token headers',
      row(ago(6 * HOUR), {
        cfRayId: SAMPLE_RAY.serviceTokenMissing,
        appId: ID.appMetrics,
        ipAddress: '198.51.100.99',
      }),
    ),
    // Salesforce's only policy includes the Entra ID login method; emma picked Google on the login page.
    featured(
      'login_method_mismatch',
      'Salesforce login with Google; policy admits only the Entra ID login method',
      row(ago(20 * HOUR), {
        cfRayId: SAMPLE_RAY.loginMethodMismatch,
        appId: ID.appSalesforce,
        identityProvider: 'google',
        ipAddress: '198.51.100.45',
        userUuid: ID.userEmma,
      }),
    ),
    // HR portal requires 'Disk encryption (macOS)'; frank's session was still valid (existing JWT) but
    // FileVault was off, so the posture require failed. last_seen_identity shows success: false.
    featured(
      'device_posture_failed',
      'HR portal from a Mac with FileVault off (disk encryption posture check failed)',
      row(ago(50 * MINUTE), {
        cfRayId: SAMPLE_RAY.devicePostureFailed,
        appId: ID.appHr,
        identityProvider: 'okta',
        ipAddress: '2001:db8:4f2a:22::7',
        deviceId: ID.deviceFrank,
        hasExistingJWT: 1,
        hasWarpEnabled: 1,
        hasGatewayEnabled: 1,
        userUuid: ID.userFrank,
      }),
    ),
    // Wiki 'Employees' requires the rule group 'Office countries (US, DE, IE)'; the request came from
    // Brazil (travel). Nine days ago: outside the newest 7-day query window.
    featured(
      'country_not_allowed',
      'Engineering Wiki from Brazil; Employees requires US, DE or IE',
      row(ago(9 * DAY + 3 * HOUR), {
        cfRayId: SAMPLE_RAY.countryNotAllowed,
        appId: ID.appWiki,
        country: 'BR',
        ipAddress: '192.0.2.150',
      }),
    ),
    // Allowed: alice (Okta, US) approved by wiki 'Employees'.
    featured(
      'allowed',
      "Alice signed in to the Engineering Wiki via Okta ('Employees')",
      row(ago(2 * HOUR), {
        cfRayId: SAMPLE_RAY.allowedWiki,
        appId: ID.appWiki,
        approvingPolicyId: ID.policyWikiEmployees,
        identityProvider: 'okta',
        ipAddress: '198.51.100.12',
        isSuccessfulLogin: 1,
        userUuid: ID.userAlice,
      }),
    ),
    // Allowed: ben (SRE) with WARP + Gateway approved by 'SRE on managed devices'.
    featured(
      'allowed',
      "Ben opened Grafana with WARP and Gateway ('SRE on managed devices')",
      row(ago(30 * MINUTE), {
        cfRayId: SAMPLE_RAY.allowedGrafana,
        appId: ID.appGrafana,
        approvingPolicyId: ID.policyGrafanaSre,
        identityProvider: 'okta',
        ipAddress: '2001:db8:4f2a:1e6::88',
        deviceId: ID.deviceBen,
        hasWarpEnabled: 1,
        hasGatewayEnabled: 1,
        isSuccessfulLogin: 1,
        userUuid: ID.userBen,
      }),
    ),
    // Allowed: prometheus-scraper token on the Metrics API.
    featured(
      'allowed',
      "prometheus-scraper token accepted by the Metrics API ('Prometheus scrapers')",
      row(ago(5 * MINUTE), {
        cfRayId: SAMPLE_RAY.allowedServiceToken,
        appId: ID.appMetrics,
        approvingPolicyId: ID.policyMetricsScrapers,
        ipAddress: '192.0.2.18',
        isSuccessfulLogin: 1,
        serviceTokenId: ID.tokenPrometheus,
      }),
    ),
    // Allowed: grace (platform-eng) from the VPN range on prod-bastion SSH.
    featured(
      'allowed',
      "Grace reached prod-bastion SSH from the VPN ('Platform engineers on VPN')",
      row(ago(4 * HOUR), {
        cfRayId: SAMPLE_RAY.allowedSsh,
        appId: ID.appSsh,
        approvingPolicyId: ID.policySshPlatform,
        identityProvider: 'okta',
        ipAddress: '198.51.100.150',
        deviceId: ID.deviceGrace,
        hasWarpEnabled: 1,
        hasGatewayEnabled: 1,
        isSuccessfulLogin: 1,
        userUuid: ID.userGrace,
      }),
    ),
  ];

  // Routine scrapes every 20 minutes over the last day: service-token traffic dominates real Access
  // analytics, so lookups must filter by Ray ID rather than scan.
  for (let i = 1; i <= 72; i++) {
    events.push({
      ...row(ago(i * 20 * MINUTE + 7_000), {
        cfRayId: createHash('sha256').update(`northwind-scrape-${i}`).digest('hex').slice(0, 16),
        appId: ID.appMetrics,
        approvingPolicyId: ID.policyMetricsScrapers,
        ipAddress: '192.0.2.18',
        isSuccessfulLogin: 1,
        serviceTokenId: ID.tokenPrometheus,
      }),
      kind: 'allowed',
      summary: 'Routine Prometheus scrape',
      background: true,
      sampleInterval: 1,
    });
  }

  const appById = new Map(apps.map((a) => [a.id, a]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const identityEvents = events.filter((e) => e.userUuid !== '');

  const failedLogins: Record<string, FailedLogin[]> = {};
  for (const u of users) failedLogins[u.id] = [];
  for (const d of identityEvents) {
    const a = appById.get(d.appId);
    const u = userById.get(d.userUuid);
    if (d.isSuccessfulLogin === 1 || !a || !u) continue;
    failedLogins[u.id]?.push({
      expiration: Math.floor(Date.parse(d.datetime) / 1000) + 7 * 86_400,
      metadata: {
        app_name: a.name,
        aud: a.aud,
        datetime: new Date(Date.parse(d.datetime)).toISOString(),
        ray_id: d.cfRayId,
        user_email: u.email,
        user_uuid: u.id,
      },
    });
  }

  const accessRequests: AccessRequestLog[] = identityEvents
    .map((d): AccessRequestLog => {
      return {
        action: 'login',
        allowed: d.isSuccessfulLogin === 1,
        app_domain: appById.get(d.appId)?.domain ?? '',
        app_uid: d.appId,
        // The dashboard's "connection" is the IdP type, the same string the GraphQL row carries.
        connection: d.identityProvider,
        created_at: new Date(Date.parse(d.datetime)).toISOString(),
        ip_address: d.ipAddress,
        ray_id: d.cfRayId,
        user_email: userById.get(d.userUuid)?.email ?? '',
      };
    })
    .sort((a, b) => b.created_at.localeCompare(a.created_at));

  const find = <T extends { id: string }>(items: readonly T[], id: string): T => {
    const found = items.find((item) => item.id === id);
    if (!found) throw new Error(`sample dataset: unknown id ${id}`);
    return found;
  };
  const posture = (ruleId: string, success: boolean, seen: Date, data: Record<string, unknown> = {}) => {
    const rule = find(postureRules, ruleId);
    return {
      id: rule.id,
      rule_name: rule.name,
      type: rule.type,
      success,
      timestamp: isoSeconds(seen),
      description: rule.description,
      error: '',
      data,
    };
  };
  const identity = (
    userId: string,
    init: {
      idpId: string;
      ip: string;
      country: string;
      seen: Date;
      deviceId?: string;
      posture?: DevicePostureResult[];
    },
  ): LastSeenIdentity => {
    const u = find(users, userId);
    const idp = find(identityProviders, init.idpId);
    const seenSeconds = Math.floor(init.seen.getTime() / 1000);
    return {
      account_id: SAMPLE_ACCOUNT_ID,
      auth_status: 'NONE',
      common_name: '',
      devicePosture: Object.fromEntries((init.posture ?? []).map((p) => [p.id, p])),
      device_id: init.deviceId ?? '',
      device_sessions: init.deviceId ? { [init.deviceId]: { last_authenticated: seenSeconds } } : {},
      email: u.email,
      geo: { country: init.country },
      iat: seenSeconds,
      idp: { id: idp.id, type: idp.type },
      ip: init.ip,
      // Every enrolled device in this account runs WARP with the team's Gateway.
      is_gateway: init.deviceId !== undefined,
      is_warp: init.deviceId !== undefined,
      mtls_auth: {
        auth_status: 'NONE',
        cert_issuer_dn: '',
        cert_issuer_ski: '',
        cert_presented: false,
        cert_serial: '',
      },
      service_token_id: '',
      service_token_status: false,
      user_uuid: u.id,
      version: 2,
    };
  };
  const lastSeenIdentities: Record<string, LastSeenIdentity> = Object.fromEntries(
    [
      identity(ID.userAlice, { idpId: ID.idpOkta, ip: '198.51.100.12', country: 'US', seen: ago(2 * HOUR) }),
      identity(ID.userBen, {
        idpId: ID.idpOkta,
        ip: '2001:db8:4f2a:1e6::88',
        country: 'US',
        seen: ago(30 * MINUTE),
        deviceId: ID.deviceBen,
        posture: [
          posture(ID.postureWarp, true, ago(31 * MINUTE)),
          posture(ID.postureGateway, true, ago(31 * MINUTE)),
        ],
      }),
      identity(ID.userPriya, {
        idpId: ID.idpOtp,
        ip: '198.51.100.23',
        country: 'US',
        seen: ago(26 * MINUTE),
      }),
      identity(ID.userHenry, {
        idpId: ID.idpOkta,
        ip: '198.51.100.140',
        country: 'US',
        seen: ago(2 * DAY + 90 * MINUTE),
      }),
      identity(ID.userEmma, {
        idpId: ID.idpGoogle,
        ip: '198.51.100.45',
        country: 'DE',
        seen: ago(20 * HOUR),
      }),
      // The evidence for frank's denial: the disk-encryption check failed (FileVault off).
      identity(ID.userFrank, {
        idpId: ID.idpOkta,
        ip: '2001:db8:4f2a:22::7',
        country: 'US',
        seen: ago(50 * MINUTE),
        deviceId: ID.deviceFrank,
        posture: [
          posture(ID.postureWarp, true, ago(52 * MINUTE)),
          posture(ID.postureDisk, false, ago(52 * MINUTE), {
            FileVault: 'off',
            volumes: { '/': { encrypted: false } },
          }),
        ],
      }),
      identity(ID.userGrace, {
        idpId: ID.idpOkta,
        ip: '198.51.100.150',
        country: 'US',
        seen: ago(4 * HOUR),
        deviceId: ID.deviceGrace,
      }),
      identity(ID.userOlivia, {
        idpId: ID.idpOkta,
        ip: '198.51.100.87',
        country: 'US',
        seen: ago(3 * HOUR + 10 * MINUTE),
      }),
      identity(ID.userMaya, {
        idpId: ID.idpOkta,
        ip: '203.0.113.58',
        country: 'US',
        seen: ago(DAY + 4 * HOUR),
      }),
    ].map((i) => [i.user_uuid, i]),
  );

  return {
    accountId: SAMPLE_ACCOUNT_ID,
    accountName: 'Northwind Labs',
    teamDomain: 'northwind.cloudflareaccess.com',
    apps,
    reusablePolicies: [officeBypass, blockRegions, statusBypass],
    identityProviders,
    groups,
    serviceTokens,
    postureRules,
    gatewayLists,
    users,
    failedLogins,
    lastSeenIdentities,
    accessRequests,
    events,
    settings: { ...DEFAULT_ANALYTICS_SETTINGS, availableFields: [...ALL_AVAILABLE_FIELDS] },
    samplePastes: createSamplePastes(),
    unknownRayIds: [SAMPLE_RAY.wafBlock],
  };
}

const FORBIDDEN =
  "Forbidden. You don't have permission to view this. Please contact your system administrator.";

function createSamplePastes(): SamplePaste[] {
  return [
    {
      title: 'Access 403 page (HTML source) from the telemetry ingest',
      text: [
        '<!doctype html><html><head><meta charset="utf-8"><title>Error – Cloudflare Access</title></head>',
        `<body><div class="error"><h1>${FORBIDDEN}</h1>`,
        '<p>Status code: 403</p>',
        `<p>App AUD: ${AUD.ingest}</p>`,
        '<p>MTLS Status: NONE</p>',
        `<p>Ray ID: ${SAMPLE_RAY.mtlsMissing}</p></div></body></html>`,
      ].join('\n'),
    },
    {
      title: 'Access 403 JSON body from curl against the Metrics API',
      text: [
        '$ curl -s https://metrics.northwind.example/api/v1/query?query=up',
        JSON.stringify({
          message: FORBIDDEN,
          status_code: 403,
          aud: AUD.metrics,
          ray_id: SAMPLE_RAY.serviceTokenMissing,
        }),
      ].join('\n'),
    },
    {
      title: 'Response headers with cf-ray from Grafana',
      text: [
        "grafana keeps giving me 403, here's what curl -I says:",
        '```',
        'HTTP/2 403',
        'date: Tue, 10 Mar 2026 09:14:02 GMT',
        'content-type: text/html',
        'server: cloudflare',
        `cf-ray: ${SAMPLE_RAY.warpRequired}-SJC`,
        '```',
      ].join('\n'),
    },
    {
      title: 'Two Ray IDs in one helpdesk message',
      text: `Both of these failed for me today: the bastion (Ray ID ${SAMPLE_RAY.ipNotAllowed}) and then Salesforce, ray ${SAMPLE_RAY.loginMethodMismatch}-FRA. What am I missing?`,
    },
    {
      title: 'WAF "Sorry, you have been blocked" page (not Access)',
      text: [
        '<h1 data-translate="block_headline">Sorry, you have been blocked</h1>',
        '<h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> shop.northwind.example</h2>',
        '<p>This website is using a security service to protect itself from online attacks.</p>',
        `<span class="cf-footer-item">Cloudflare Ray ID: <strong>${SAMPLE_RAY.wafBlock}</strong></span>`,
        '<span class="cf-footer-item"><span>Your IP</span>: 192.0.2.201</span>',
      ].join('\n'),
    },
    {
      title: 'Helpdesk message from someone working from home',
      text: `finance reports just says Forbidden when I work from home, it was fine in the office yesterday. Ray ID: ${SAMPLE_RAY.ipListNotAllowed}`,
    },
    {
      title: 'A bare Ray ID',
      text: SAMPLE_RAY.countryNotAllowed,
    },
    {
      title: 'Helpdesk message with a channel-wide mention',
      text: `<!channel> is anyone else locked out of the wiki? It says Forbidden. Ray ID: ${SAMPLE_RAY.notInInclude}`,
    },
    {
      title: 'Plain-text copy of an Access 403 page (service token expired)',
      text: [
        'Error – Cloudflare Access',
        FORBIDDEN,
        'Status code: 403',
        `App AUD: ${AUD.metrics}`,
        'MTLS Status: NONE',
        `Ray ID: ${SAMPLE_RAY.serviceTokenExpired}`,
      ].join('\n'),
    },
  ];
}
