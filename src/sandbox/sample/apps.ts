import { AUD, CREATED, ID, UPDATED } from './ids.js';
import type {
  AccessApp,
  AccessPolicy,
  AccessRule,
  AppPolicy,
  AppType,
  PolicyDecision,
} from './wire-types.js';

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
  /** Further hostnames the app covers (sent as `destinations`, the domain first). */
  moreHostnames?: string[];
  allowAuthenticateViaWarp?: boolean;
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
  const warp =
    init.allowAuthenticateViaWarp === undefined
      ? {}
      : { allow_authenticate_via_warp: init.allowAuthenticateViaWarp };
  if (init.saasApp) return { ...base, ...warp, saas_app: init.saasApp };
  const hostnames = [init.domain, ...(init.moreHostnames ?? [])];
  return {
    ...base,
    ...warp,
    self_hosted_domains: hostnames,
    ...(init.moreHostnames
      ? { destinations: hostnames.map((uri) => ({ type: 'public' as const, uri })) }
      : {}),
  };
}

/** The apps with their policies, and the account-level reusable policies they share. */
export function createSampleApps(): { apps: AccessApp[]; reusablePolicies: AccessPolicy[] } {
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
      moreHostnames: ['docs.northwind.example', 'wiki.northwind.example/api'],
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
      allowAuthenticateViaWarp: true,
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

  return { apps, reusablePolicies: [officeBypass, blockRegions, statusBypass] };
}
