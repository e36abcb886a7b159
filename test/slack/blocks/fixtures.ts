import type { AccessLoginEvent, ResolvedNames } from '../../../src/core/access-event.js';
import type { LookupErrorCode, LookupFailure } from '../../../src/core/errors.js';
import type { PolicyVerdict } from '../../../src/core/explain/explain-denial.js';
import { CAUSE_CODES } from '../../../src/core/explanation.js';
import type { PasteInfo } from '../../../src/core/paste.js';
import type { FailedLogin, SearchedRange } from '../../../src/core/ports.js';
import type { ExplainReport, NotFoundExplanation, RayIdResult } from '../../../src/core/report.js';

export type FoundResult = Extract<RayIdResult, { outcome: 'allowed' | 'denied' }>;
export type NotFoundResult = Extract<RayIdResult, { outcome: 'not_found' }>;
export type ErrorResult = Extract<RayIdResult, { outcome: 'error' }>;
export type FoundExplanation = FoundResult['explanation'];

export const NOW = new Date('2025-03-14T12:00:00.000Z');
export const RAY = '74e4ac510dfdc44f';

/** A distinct, valid-looking Ray ID per index. */
export function rayId(index: number): string {
  return `8a1b${index.toString(16).padStart(12, '0')}`;
}

export function searched(overrides: Partial<SearchedRange> = {}): SearchedRange {
  return {
    oldest: new Date('2025-03-07T12:01:00.000Z'),
    newest: new Date('2025-03-14T12:00:00.000Z'),
    windows: 7,
    limitedBy: 'retention',
    oldestReachable: new Date('2025-03-07T12:01:00.000Z'),
    ...overrides,
  };
}

export function accessEvent(overrides: Partial<AccessLoginEvent> = {}): AccessLoginEvent {
  return {
    rayId: RAY,
    datetime: '2025-03-14T11:58:03Z',
    appId: 'f3a9c2e1-7b44-4d0e-9a51-2c8e6f0b1d77',
    userUuid: '0b6f5c1e-2a3d-4e5f-8a9b-1c2d3e4f5a6b',
    identityProvider: 'a1b2c3d4-okta',
    country: 'DE',
    ipAddress: '203.0.113.7',
    deviceId: '',
    isSuccessfulLogin: false,
    hasExistingJwt: false,
    hasWarpEnabled: false,
    hasGatewayEnabled: false,
    mtlsStatus: 'NONE',
    mtlsCommonName: '',
    mtlsCertSerialId: '',
    serviceTokenId: '',
    approvingPolicyId: '',
    ...overrides,
  };
}

export function names(overrides: Partial<ResolvedNames> = {}): ResolvedNames {
  return {
    appName: 'Grafana',
    appDomain: 'grafana.example.com',
    userEmail: 'alice@example.com',
    ...overrides,
  };
}

export function explanation(overrides: Partial<FoundExplanation> = {}): FoundExplanation {
  return {
    decision: 'denied',
    cause: 'country_not_allowed',
    summary: 'The request came from Germany, and the "Staff" policy only allows the US.',
    evidence: [
      { label: 'Country', detail: 'DE (policy allows US only)', field: 'country' },
      { label: 'Login', detail: 'not successful', field: 'isSuccessfulLogin' },
    ],
    adminFix:
      'Add DE to the Country include rule of the "Staff" policy, or tell the user to connect from the US.',
    userMessage: 'This app is only reachable from the US. Connect through the company VPN and retry.',
    determinable: true,
    needs: [],
    policy: 'Staff',
    ...overrides,
  };
}

export function deniedResult(
  overrides: {
    event?: Partial<AccessLoginEvent>;
    names?: Partial<ResolvedNames>;
    explanation?: Partial<FoundExplanation>;
    policies?: PolicyVerdict[];
    recentFailedLogins?: FailedLogin[];
  } = {},
  ray = RAY,
): FoundResult {
  return {
    rayId: ray,
    outcome: 'denied',
    event: accessEvent({ rayId: ray, ...overrides.event }),
    names: names(overrides.names),
    explanation: explanation(overrides.explanation),
    ...(overrides.policies !== undefined ? { policies: overrides.policies } : {}),
    ...(overrides.recentFailedLogins !== undefined
      ? { recentFailedLogins: overrides.recentFailedLogins }
      : {}),
    searched: searched(),
  };
}

export function policyVerdict(overrides: Partial<PolicyVerdict> = {}): PolicyVerdict {
  return {
    policyId: 'pol-staff',
    policy: 'Staff',
    action: 'Allow',
    decision: 'allow',
    precedence: 1,
    order: 1,
    status: 'no_match',
    icon: '❌',
    reached: true,
    reason: 'Require not met: a request from US; the request came from DE.',
    ...overrides,
  };
}

/** The replayed policies of `replayedDenialResult`, in evaluation order (shapes for the card, not a replay). */
export function replayedPolicies(): PolicyVerdict[] {
  return [
    policyVerdict({
      policyId: 'pol-health',
      policy: 'Health checks',
      action: 'Bypass',
      decision: 'bypass',
      order: 1,
      reason: 'Include not met: an IP in 10.0.0.0/8; the request came from 203.0.113.7.',
    }),
    policyVerdict({ order: 2, precedence: 2 }),
    policyVerdict({
      policyId: 'pol-glass',
      policy: 'Break-glass',
      order: 3,
      precedence: 3,
      status: 'unknown',
      icon: '❔',
      reached: false,
      reason:
        "Not reached (an earlier policy decided). Undecided: needs the user's identity-provider groups.",
    }),
  ];
}

/** Seven failed logins, newest first: this Ray ID, then six older ones (one without an app name). */
export function failedLogins(ray = RAY): FailedLogin[] {
  return [
    { rayId: ray, datetime: '2025-03-14T11:58:03Z', appName: 'Grafana' },
    { rayId: rayId(201), datetime: '2025-03-14T09:12:00Z', appName: 'Jira' },
    { rayId: rayId(202), datetime: '2025-03-13T17:45:30Z' },
    { rayId: rayId(203), datetime: '2025-03-13T08:00:00Z', appName: 'Grafana' },
    { rayId: rayId(204), datetime: '2025-03-12T08:00:00Z', appName: 'Grafana' },
    { rayId: rayId(205), datetime: '2025-03-11T08:00:00Z', appName: 'Grafana' },
    { rayId: rayId(206), datetime: '2025-03-10T08:00:00Z', appName: 'Grafana' },
  ];
}

/** A denial explained by replaying the app's policies, with everything the directory could resolve. */
export function replayedDenialResult(ray = RAY): FoundResult {
  return deniedResult(
    {
      event: { serviceTokenId: '3f9e1c2d.access' },
      names: { identityProviderName: 'Okta (corp)', serviceTokenName: 'ci-deploy' },
      explanation: {
        evidence: [
          {
            label: "Require rule of 'Staff'",
            detail: 'The request came from DE; the rule requires a request from US.',
            field: 'country',
          },
          { label: 'Login', detail: 'not successful', field: 'isSuccessfulLogin' },
        ],
        failedRule: { policy: 'Staff', ruleType: 'require', selector: 'geo', value: 'US' },
        secondaryCauses: ['warp_required'],
        needCodes: [],
        replayedDecision: 'denied',
        replayDisagrees: false,
      },
      policies: replayedPolicies(),
      recentFailedLogins: failedLogins(ray),
    },
    ray,
  );
}

export function allowedResult(ray = RAY): FoundResult {
  return {
    rayId: ray,
    outcome: 'allowed',
    event: accessEvent({
      rayId: ray,
      isSuccessfulLogin: true,
      hasExistingJwt: true,
      hasWarpEnabled: true,
      hasGatewayEnabled: true,
      approvingPolicyId: 'pol-1',
      mtlsStatus: 'SUCCESS',
      mtlsCommonName: 'laptop-42.corp.example.com',
      mtlsCertSerialId: '4f:2a:99',
      deviceId: 'dev-123',
    }),
    names: names(),
    explanation: explanation({
      decision: 'allowed',
      cause: 'allowed',
      summary: 'Access let this request through under the "Staff" policy.',
      evidence: [{ label: 'Approving policy', detail: 'Staff', field: 'approvingPolicyId' }],
      adminFix: 'Nothing to fix: the request was allowed.',
      userMessage: 'Your request was allowed; if you still saw a 403, it came from the app itself.',
    }),
    searched: searched(),
  };
}

export function undeterminedResult(ray = RAY): FoundResult {
  return deniedResult(
    {
      event: { identityProvider: 'nonidentity', userUuid: '', serviceTokenId: 'token-abc' },
      names: { userEmail: '', gaps: ['policy names (token needs Access: Apps and Policies Read)'] },
      explanation: {
        cause: 'undetermined',
        summary: 'The login row does not say which rule denied this service-token request.',
        evidence: [],
        determinable: false,
        needs: ['the app’s policies', 'the service token’s name'],
      },
    },
    ray,
  );
}

export function notFound(overrides: Partial<NotFoundExplanation> = {}): NotFoundExplanation {
  return {
    summary: 'Cloudflare has no Access login event for this Ray ID in the searched time.',
    likelySources: ['A WAF custom rule', 'The origin server itself', 'A Cloudflare 1xxx error (e.g. 1020)'],
    maybeTooRecent: false,
    adminFix: 'Look the Ray ID up in Security › Events.',
    userMessage: 'This block did not come from Access; the admins are checking other rules.',
    ...overrides,
  };
}

export function notFoundResult(
  overrides: Partial<NotFoundExplanation> = {},
  range: Partial<SearchedRange> = {},
  ray = RAY,
): NotFoundResult {
  return { rayId: ray, outcome: 'not_found', searched: searched(range), notFound: notFound(overrides) };
}

export function failure(
  code: LookupErrorCode,
  extras: Partial<Omit<LookupFailure, 'code'>> = {},
): LookupFailure {
  return { code, message: `The lookup failed (${code}).`, ...extras };
}

export function errorResult(
  code: LookupErrorCode,
  extras: Partial<Omit<LookupFailure, 'code'>> = {},
  ray = RAY,
): ErrorResult {
  return { rayId: ray, outcome: 'error', failure: failure(code, extras) };
}

export function report(
  results: RayIdResult[],
  extras: { skippedRayIds?: string[]; paste?: PasteInfo } = {},
): ExplainReport {
  const skippedRayIds = extras.skippedRayIds ?? [];
  return {
    results,
    totalRayIds: results.length + skippedRayIds.length,
    skippedRayIds,
    paste: extras.paste ?? { kind: 'plain' },
  };
}

/** Data an attacker controls (app names, pasted text, IdP names, certificate fields) at its worst. */
export function hostileDeniedResult(ray = RAY): FoundResult {
  const mention = (index: number) => (index % 2 === 0 ? '<!channel>' : '<@U7|boss>');
  return deniedResult(
    {
      policies: Array.from({ length: 40 }, (_, index) =>
        policyVerdict({
          policyId: `<!here>${index}`,
          policy: `${mention(index)} ${'P'.repeat(5000)}`,
          order: index + 1,
          reached: index % 3 !== 0,
          reason: `<https://evil.example|click> ${'&'.repeat(5000)}`,
        }),
      ),
      recentFailedLogins: Array.from({ length: 30 }, (_, index) => ({
        rayId: `<@U${index}> ${'r'.repeat(500)}`,
        datetime: index % 2 === 0 ? '2025-03-14T11:58:03Z' : `<!here> not a date ${'d'.repeat(500)}`,
        appName: `${mention(index)} <http://evil.example|Grafana> ${'a'.repeat(5000)}`,
      })),
      event: {
        identityProvider: '<@U1> idp',
        mtlsStatus: '<http://x|y>',
        mtlsCommonName: '<!here> `cn` *bold*',
        mtlsCertSerialId: '<!subteam^S1>',
        country: '<!everyone>',
        ipAddress: '<https://evil.example|203.0.113.7>',
        serviceTokenId: '<@U2|admin>',
        deviceId: '\u0000\u202e<!channel>',
        userUuid: '<#C1>',
      },
      names: {
        appName: `<!channel> ${'A'.repeat(5000)}`,
        appDomain: '<https://evil.example|grafana.example.com>',
        userEmail: '<!channel>@x.com',
        identityProviderName: `<@U1> idp name ${'i'.repeat(5000)}`,
        serviceTokenName: `<!subteam^S2> ${'t'.repeat(5000)}`,
        gaps: ['<!here> gap '.repeat(300)],
      },
      explanation: {
        summary: `<!channel> ${'s&'.repeat(3000)}`,
        evidence: Array.from({ length: 40 }, (_, index) => ({
          label: `<@U${index}>`,
          detail: `<https://evil.example|click> ${'&'.repeat(500)}`,
        })),
        adminFix: `<!here> ${'fix '.repeat(2000)}`,
        userMessage: `<https://evil.example|reset your password> ${'>'.repeat(3000)}`,
        determinable: false,
        needs: Array.from({ length: 50 }, () => '<!channel> need'),
        policy: `<@U9> ${'p'.repeat(1000)}`,
        failedRule: {
          policy: `<!channel> ${'f'.repeat(5000)}`,
          ruleType: 'require',
          selector: 'email',
          value: `<mailto:x@evil.example|x> ${'v'.repeat(5000)}`,
        },
        matchedRule: {
          policy: `<@U8> ${'m'.repeat(5000)}`,
          ruleType: 'include',
          selector: 'group',
          group: `<!everyone> ${'g'.repeat(5000)}`,
        },
        secondaryCauses: [...CAUSE_CODES, 'gateway_http_inspection_breaks_mtls'],
        replayDisagrees: true,
      },
    },
    ray,
  );
}
