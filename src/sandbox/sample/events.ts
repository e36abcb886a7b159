import { createHash } from 'node:crypto';
import { DAY, HOUR, ID, isoSeconds, MINUTE, SAMPLE_RAY } from './ids.js';
import type { AccessLoginDimensions, SampleEventKind, SampleLoginEvent } from './wire-types.js';

/** The login rows analytics holds: featured denials and successes, plus routine service-token scrapes. */
export function createSampleEvents(now: Date): SampleLoginEvent[] {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

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
    // Payroll exports then admitted Dublin (IE) only; alice tried from the US and was refused. An hour
    // ago dana.ops added the US: today's policy admits her, the audit log's old version explains it.
    featured(
      'country_not_allowed',
      "Payroll exports from the US while 'Payroll staff' still admitted Dublin (IE) only; widened since",
      row(ago(7 * HOUR), {
        cfRayId: SAMPLE_RAY.policyChanged,
        appId: ID.appPayroll,
        identityProvider: 'okta',
        ipAddress: '198.51.100.12',
        userUuid: ID.userAlice,
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

  return events;
}
