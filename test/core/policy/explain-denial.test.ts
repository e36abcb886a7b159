import { describe, expect, it } from 'vitest';
import type { AccessLoginEvent } from '../../../src/core/access-event.js';
import {
  explainLogin,
  type PolicyExplanation,
  type RuleRef,
} from '../../../src/core/explain/explain-denial.js';
import { CAUSE_CODES, type CauseCode } from '../../../src/core/explanation.js';
import type { AccessApp, PolicyContext } from '../../../src/core/policy/types.js';
import {
  app,
  asUser,
  beforeSignIn,
  directory,
  GROUP,
  IDP,
  LIST,
  POSTURE,
  policy,
  r,
  signedIn,
  TOKEN,
  tokenRequest,
} from '../../fixtures/policy/directory.js';

interface Row {
  name: string;
  event: AccessLoginEvent;
  app: AccessApp;
  context: PolicyContext;
  cause: CauseCode;
  determinable: boolean;
  policy?: string;
  rule?: Partial<RuleRef>;
  needCodes?: string[];
}

const staff = (extra: Parameters<typeof policy>[0] = {}) =>
  policy({ name: 'Staff', include: [r.domain('corp.example')], ...extra });

const rows: Row[] = [
  {
    name: 'allowed, naming the approving policy',
    event: signedIn({ isSuccessfulLogin: true }),
    app: app([staff({ id: 'pol-staff' })]),
    context: asUser('sam@corp.example'),
    cause: 'allowed',
    determinable: true,
    policy: 'Staff',
  },
  {
    name: 'block policy matched first',
    event: beforeSignIn({ country: 'KP' }),
    app: app([
      policy({ name: 'Embargo', decision: 'deny', include: [r.geo('KP')], precedence: 1 }),
      staff({ precedence: 2 }),
    ]),
    context: directory(),
    cause: 'block_policy_matched',
    determinable: true,
    policy: 'Embargo',
    rule: { ruleType: 'include', selector: 'geo', value: 'KP' },
  },
  {
    name: 'country outside the Require',
    event: beforeSignIn({ country: 'DK' }),
    app: app([staff({ name: 'Sweden only', require: [r.geo('SE')] })]),
    context: directory(),
    cause: 'country_not_allowed',
    determinable: true,
    policy: 'Sweden only',
    rule: { ruleType: 'require', selector: 'geo', value: 'SE' },
  },
  {
    name: 'country outside a required rule group',
    event: beforeSignIn({ country: 'DK' }),
    app: app([staff({ name: 'Nordics', require: [r.group(GROUP.nordics.id)] })]),
    context: directory(),
    cause: 'country_not_allowed',
    determinable: true,
    policy: 'Nordics',
    rule: { ruleType: 'require', selector: 'group', group: 'Nordic countries' },
  },
  {
    name: 'IP outside the required list',
    event: beforeSignIn({ ipAddress: '192.0.2.130' }),
    app: app([staff({ name: 'Lab', require: [{ kind: 'ip_list', listId: LIST.labIps.id }] })]),
    context: directory(),
    cause: 'ip_not_allowed',
    determinable: true,
    policy: 'Lab',
    rule: { ruleType: 'require', selector: 'ip_list' },
  },
  {
    name: 'excluded by email',
    event: signedIn(),
    app: app([staff({ exclude: [r.email('temp@corp.example')] })]),
    context: asUser('temp@corp.example'),
    cause: 'excluded_by_rule',
    determinable: true,
    policy: 'Staff',
    rule: { ruleType: 'exclude', selector: 'email', value: 'temp@corp.example' },
  },
  {
    name: "excluded by a required rule group's own Exclude",
    event: signedIn(),
    app: app([policy({ name: 'Staff via group', require: [r.group(GROUP.staffNotContractors.id)] })]),
    context: asUser('temp@corp.example'),
    cause: 'excluded_by_group',
    determinable: true,
    policy: 'Staff via group',
    rule: {
      ruleType: 'require',
      selector: 'group',
      group: 'Staff, not contractors',
      path: [{ group: 'Staff, not contractors', clause: 'exclude' }],
      inner: { ruleType: 'exclude', selector: 'email', value: 'temp@corp.example' },
    },
  },
  {
    name: 'not in the Include',
    event: signedIn({ identityProvider: 'google' }),
    app: app([staff()]),
    context: asUser('sam@personal.example'),
    cause: 'not_in_include',
    determinable: true,
    policy: 'Staff',
    rule: { ruleType: 'include', selector: 'email_domain' },
  },
  {
    name: 'two Require countries can never both hold',
    event: beforeSignIn({ country: 'NO' }),
    app: app([staff({ name: 'Both', require: [r.geo('SE'), r.geo('NO')] })]),
    context: directory(),
    cause: 'require_unsatisfiable',
    determinable: true,
    policy: 'Both',
    rule: { ruleType: 'require', selector: 'geo', value: 'SE' },
  },
  {
    name: 'only Block policies',
    event: beforeSignIn(),
    app: app([policy({ decision: 'deny', include: [r.geo('KP')] })]),
    context: directory(),
    cause: 'no_allow_policy',
    determinable: true,
  },
  {
    name: 'no client certificate for a Service Auth policy',
    event: beforeSignIn(),
    app: app([policy({ name: 'Machines', decision: 'non_identity', include: [r.certificate()] })]),
    context: directory(),
    cause: 'mtls_missing',
    determinable: true,
    policy: 'Machines',
    rule: { ruleType: 'include', selector: 'certificate' },
  },
  {
    name: 'certificate with another common name',
    event: beforeSignIn({ mtlsStatus: 'SUCCESS', mtlsCommonName: 'laptop-3', mtlsCertSerialId: '99' }),
    app: app([
      policy({
        name: 'Builders',
        decision: 'non_identity',
        include: [{ kind: 'common_name', commonName: 'builder-1' }],
      }),
    ]),
    context: directory(),
    cause: 'mtls_common_name_mismatch',
    determinable: true,
    policy: 'Builders',
  },
  {
    name: 'WARP required',
    event: beforeSignIn(),
    app: app([staff({ require: [r.posture(POSTURE.warp.id)] })]),
    context: directory(),
    cause: 'warp_required',
    determinable: true,
    policy: 'Staff',
    rule: { ruleType: 'require', selector: 'device_posture', postureType: 'warp' },
  },
  {
    name: 'Gateway required, consumer WARP',
    event: beforeSignIn({ hasWarpEnabled: true, deviceId: 'dev-9' }),
    app: app([staff({ require: [r.posture(POSTURE.gateway.id)] })]),
    context: directory(),
    cause: 'gateway_required',
    determinable: true,
    policy: 'Staff',
    rule: { postureType: 'gateway' },
  },
  {
    name: 'posture result missing',
    event: beforeSignIn({ hasWarpEnabled: true, hasGatewayEnabled: true, deviceId: 'dev-9' }),
    app: app([staff({ require: [r.posture(POSTURE.firewall.id)] })]),
    context: directory(),
    cause: 'device_posture_unknown',
    determinable: false,
    policy: 'Staff',
    needCodes: ['device_posture_results'],
  },
  {
    name: 'posture failed in the last-seen identity',
    event: beforeSignIn({ hasWarpEnabled: true, deviceId: 'dev-9' }),
    app: app([staff({ require: [r.posture(POSTURE.firewall.id)] })]),
    context: directory({
      lastSeenIdentity: { deviceId: 'dev-9', devicePosture: { [POSTURE.firewall.id]: { success: false } } },
    }),
    cause: 'device_posture_failed',
    determinable: true,
    policy: 'Staff',
  },
  {
    name: 'IdP group data missing',
    event: signedIn(),
    app: app([policy({ name: 'SRE', include: [{ kind: 'okta', name: 'SRE', idpId: IDP.okta.id }] })]),
    context: asUser('sam@corp.example'),
    cause: 'needs_idp_group_data',
    determinable: false,
    policy: 'SRE',
    needCodes: ['idp_groups'],
  },
  {
    name: 'IdP group bound to another IdP',
    event: signedIn(),
    app: app([
      policy({ name: 'Entra admins', include: [{ kind: 'azureAD', groupId: 'g-7', idpId: IDP.entra.id }] }),
    ]),
    context: asUser('sam@corp.example'),
    cause: 'idp_group_wrong_idp',
    determinable: true,
    policy: 'Entra admins',
  },
  {
    name: 'login method mismatch',
    event: signedIn({ identityProvider: 'onetimepin' }),
    app: app([policy({ name: 'SSO', include: [{ kind: 'login_method', idpId: IDP.okta.id }] })]),
    context: asUser('sam@corp.example'),
    cause: 'login_method_mismatch',
    determinable: true,
    policy: 'SSO',
  },
  {
    name: 'identity provider not allowed for the app',
    event: signedIn({ identityProvider: 'github' }),
    app: app([staff()], { allowedIdps: [IDP.okta.id, IDP.entra.id] }),
    context: asUser('sam@corp.example'),
    cause: 'idp_not_allowed',
    determinable: true,
  },
  {
    name: 'MFA required, IdP cannot report it',
    event: signedIn({ identityProvider: 'github' }),
    app: app([staff({ require: [{ kind: 'auth_method', authMethod: 'mfa' }] })]),
    context: asUser('sam@corp.example'),
    cause: 'mfa_requirement_not_met',
    determinable: true,
    policy: 'Staff',
  },
  {
    name: 'MFA required, amr not in the row',
    event: signedIn(),
    app: app([staff({ require: [{ kind: 'auth_method', authMethod: 'mfa' }] })]),
    context: asUser('sam@corp.example'),
    cause: 'auth_method_unknown',
    determinable: false,
    policy: 'Staff',
    needCodes: ['amr'],
  },
  {
    name: 'service token missing',
    event: beforeSignIn(),
    app: app([policy({ name: 'Deploys', decision: 'non_identity', include: [r.token(TOKEN.deployBot.id)] })]),
    context: directory(),
    cause: 'service_token_missing',
    determinable: true,
    policy: 'Deploys',
  },
  {
    name: 'another service token',
    event: tokenRequest(TOKEN.backupJob.clientId),
    app: app([policy({ name: 'Deploys', decision: 'non_identity', include: [r.token(TOKEN.deployBot.id)] })]),
    context: directory(),
    cause: 'service_token_not_authorized',
    determinable: true,
    policy: 'Deploys',
  },
  {
    name: 'service token expired',
    event: tokenRequest(TOKEN.oldCron.id),
    app: app([policy({ name: 'Cron', decision: 'non_identity', include: [r.token(TOKEN.oldCron.id)] })]),
    context: directory(),
    cause: 'service_token_expired',
    determinable: true,
    policy: 'Cron',
  },
  {
    name: 'service token rule in an Allow policy',
    event: tokenRequest(TOKEN.deployBot.id),
    app: app([policy({ name: 'Bots', include: [{ kind: 'any_valid_service_token' }] })]),
    context: directory(),
    cause: 'service_token_wrong_action',
    determinable: true,
    policy: 'Bots',
  },
  {
    name: 'External Evaluation',
    event: signedIn(),
    app: app([
      staff({ require: [{ kind: 'external_evaluation', evaluateUrl: 'https://eval.corp.example/' }] }),
    ]),
    context: asUser('sam@corp.example'),
    cause: 'external_evaluation_unknown',
    determinable: false,
    policy: 'Staff',
    needCodes: ['external_evaluation_result'],
  },
  {
    name: 'user email unknown',
    event: signedIn(),
    app: app([policy({ name: 'On-call', include: [{ kind: 'email_list', listId: LIST.oncall.id }] })]),
    context: directory(),
    cause: 'needs_user_identity',
    determinable: false,
    policy: 'On-call',
    needCodes: ['user_email'],
  },
  {
    name: 'matched a policy that needs approval',
    event: signedIn(),
    app: app([
      staff({
        approvalRequired: true,
        approvalGroups: [{ approvalsNeeded: 1, emailAddresses: ['boss@corp.example'] }],
      }),
    ]),
    context: asUser('sam@corp.example'),
    cause: 'approval_pending_or_denied',
    determinable: false,
    policy: 'Staff',
    needCodes: ['temporary_access_approval'],
  },
  {
    name: 'matched a policy behind independent MFA (the app’s setting)',
    event: signedIn(),
    app: app([staff()], { mfa: { required: true, allowedAuthenticators: ['totp'] } }),
    context: asUser('sam@corp.example'),
    cause: 'independent_mfa_required',
    determinable: false,
    policy: 'Staff',
    needCodes: ['independent_mfa_result'],
  },
  {
    name: 'the replay admits what Access refused',
    event: signedIn(),
    app: app([staff()]),
    context: asUser('sam@corp.example'),
    cause: 'undetermined',
    determinable: false,
    policy: 'Staff',
  },
];

function check(x: PolicyExplanation, row: Row): void {
  expect(x.cause).toBe(row.cause);
  expect(x.decision).toBe(row.event.isSuccessfulLogin ? 'allowed' : 'denied');
  expect(x.determinable).toBe(row.determinable);
  expect(x.policy).toBe(row.policy);
  if (row.rule) expect(x.failedRule ?? x.matchedRule).toMatchObject(row.rule);
  if (row.needCodes) expect(x.needCodes).toEqual(row.needCodes);
  if (!x.determinable) expect(x.needs.length).toBeGreaterThan(0);
  else expect(x.needs).toEqual([]);
  for (const text of [x.summary, x.adminFix, x.userMessage]) {
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/undefined|\[object/);
  }
  expect(x.policies).toHaveLength(row.app.policies.length);
}

describe('explainLogin', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    check(explainLogin(row.event, row.app, row.context), row);
  });

  it('produces every cause code in the vocabulary', () => {
    expect(new Set(rows.map((row) => row.cause))).toEqual(new Set(CAUSE_CODES));
  });

  it('lists the policies in evaluation order with their status', () => {
    const x = explainLogin(
      signedIn(),
      app([
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 1 }),
        policy({ name: 'Office', decision: 'bypass', include: [r.ip('203.0.113.0/24')], precedence: 2 }),
        policy({ name: 'SRE', include: [{ kind: 'okta', name: 'SRE' }], precedence: 3 }),
      ]),
      asUser('sam@personal.example'),
    );
    expect(x.policies.map((p) => [p.order, p.policy, p.action, p.icon])).toEqual([
      [1, 'Office', 'Bypass', '❌'],
      [2, 'Staff', 'Allow', '❌'],
      [3, 'SRE', 'Allow', '❔'],
    ]);
    expect(x.policies[0]?.reason).toMatch(/^Include not met: .*outside 203\.0\.113\.0\/24/);
    // An undecided Allow remains: the answer says what would settle it.
    expect(x.determinable).toBe(false);
    expect(x.needCodes).toContain('idp_groups');
  });

  it('names the event field that proves the failing rule', () => {
    const x = explainLogin(
      beforeSignIn({ country: 'DK' }),
      app([staff({ require: [r.geo('SE')] })]),
      directory(),
    );
    expect(x.evidence[0]).toEqual({
      label: "Require rule of 'Staff'",
      detail: 'The request came from DK, not SE.',
      field: 'country',
    });
    expect(x.summary).toMatch(/before sign-in/);
  });

  it('an undecided Block ahead of a matching Allow is the likely cause, not a certainty', () => {
    const x = explainLogin(
      signedIn(),
      app([
        policy({
          name: 'Block SRE',
          decision: 'deny',
          include: [{ kind: 'okta', name: 'SRE' }],
          precedence: 1,
        }),
        staff({ precedence: 2 }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(x).toMatchObject({
      cause: 'needs_idp_group_data',
      policy: 'Block SRE',
      determinable: false,
      needCodes: ['idp_groups'],
      replayedDecision: 'unknown',
    });
  });

  it('says so when the replay disagrees with the recorded denial, and lists what the row cannot show', () => {
    const x = explainLogin(signedIn(), app([staff()]), asUser('sam@corp.example'));
    expect(x.replayDisagrees).toBe(true);
    expect(x.replayedDecision).toBe('allowed');
    expect(x.summary).toMatch(/yet replaying the current policies admits it/);
    expect(x.needs.join(' ')).toMatch(/policy changes since the request/);
  });

  it('says so when the replay disagrees with a recorded success', () => {
    const x = explainLogin(
      signedIn({ isSuccessfulLogin: true, approvingPolicyId: 'gone' }),
      app([staff()]),
      asUser('sam@personal.example'),
    );
    expect(x).toMatchObject({ cause: 'allowed', decision: 'allowed', replayDisagrees: true });
    expect(x.policy).toBeUndefined();
    expect(x.evidence.map((e) => e.label)).toEqual(['Approved by', 'Replay disagrees']);
  });

  it('an allowed service-token row without an approving id names the replayed policy', () => {
    const x = explainLogin(
      tokenRequest(TOKEN.deployBot.id, { isSuccessfulLogin: true }),
      app([policy({ name: 'Deploys', decision: 'non_identity', include: [r.token(TOKEN.deployBot.id)] })]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'allowed', policy: 'Deploys', determinable: true });
    expect(x.matchedRule).toMatchObject({ selector: 'service_token', ruleType: 'include' });
  });

  it('adds the Gateway inspection factor to a missing certificate behind Gateway', () => {
    const x = explainLogin(
      beforeSignIn({ hasWarpEnabled: true, hasGatewayEnabled: true, deviceId: 'dev-1' }),
      app([staff({ require: [r.certificate()] })]),
      directory(),
    );
    expect(x.cause).toBe('mtls_missing');
    expect(x.secondaryCauses).toEqual(['gateway_http_inspection_breaks_mtls']);
    expect(x.adminFix).toMatch(/Do Not Inspect/);
  });

  it('prefers the policy whose Include matched over one whose Include missed', () => {
    const x = explainLogin(
      signedIn(),
      app([
        policy({ name: 'Employees', include: [r.domain('corp.example')], precedence: 1 }),
        policy({
          name: 'Partners',
          include: [r.domain('partner.example')],
          require: [r.certificate()],
          precedence: 2,
        }),
      ]),
      asUser('kim@partner.example'),
    );
    expect(x).toMatchObject({ cause: 'mtls_missing', policy: 'Partners', determinable: true });
  });

  it('a token request is explained by the Service Auth policy, not the Allow', () => {
    const x = explainLogin(
      tokenRequest(TOKEN.backupJob.id),
      app([
        staff({ precedence: 1 }),
        policy({
          name: 'Deploys',
          decision: 'non_identity',
          include: [r.token(TOKEN.deployBot.id)],
          precedence: 2,
        }),
      ]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'service_token_not_authorized', policy: 'Deploys' });
  });

  it('before sign-in, identity gaps do not hide a definite non-identity failure', () => {
    const x = explainLogin(
      beforeSignIn(),
      app([
        staff({ name: 'Staff on WARP', require: [r.posture(POSTURE.warp.id)], precedence: 1 }),
        policy({ name: 'Admins', include: [r.email('root@corp.example')], precedence: 2 }),
      ]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'warp_required', policy: 'Staff on WARP', determinable: true });
  });

  it('mentions the parent app when a path app does not inherit its policies', () => {
    const x = explainLogin(
      signedIn(),
      app([policy({ name: 'Owners', include: [r.email('owner@corp.example')] })], {
        name: 'Ledger admin',
        domain: 'ledger.corp.example/admin',
      }),
      asUser('sam@corp.example', {
        relatedApps: [{ id: 'parent', name: 'Ledger', domain: 'ledger.corp.example' }],
      }),
    );
    expect(x.cause).toBe('not_in_include');
    expect(x.summary).toMatch(/does not inherit the policies of 'Ledger'/);
  });

  it('uses the resolved user email when the context has none', () => {
    const x = explainLogin(signedIn(), app([staff()]), directory(), {
      userEmail: 'sam@personal.example',
      appName: 'Ledger (prod)',
    });
    expect(x).toMatchObject({ cause: 'not_in_include', determinable: true });
    expect(x.summary).toMatch(/^Access denied sam@personal\.example at Ledger \(prod\)/);
  });

  it('mid-session IP denials say the session was cut by the per-request re-check', () => {
    const x = explainLogin(
      signedIn({ hasExistingJwt: true, ipAddress: '198.51.100.7' }),
      app([staff({ require: [r.ip('203.0.113.0/24')] })]),
      asUser('sam@corp.example'),
    );
    expect(x.cause).toBe('ip_not_allowed');
    expect(x.summary).toMatch(/mid-session/);
    expect(x.adminFix).toMatch(/re-checked on every request/);
    expect(x.evidence.some((e) => e.field === 'hasExistingJwt')).toBe(true);
  });
});

describe('choosing the rule to blame among several Include rules', () => {
  it('blames the rule naming the presented token (expired), not the other listed token', () => {
    const scrapers = policy({
      name: 'Scrapers',
      decision: 'non_identity',
      include: [r.token(TOKEN.deployBot.id), r.token(TOKEN.oldCron.id)],
    });
    const x = explainLogin(tokenRequest(TOKEN.oldCron.id), app([scrapers]), directory());
    expect(x.cause).toBe('service_token_expired');
    expect(x.policy).toBe('Scrapers');
    expect(x.failedRule).toMatchObject({
      selector: 'service_token',
      value: TOKEN.oldCron.id,
      valueName: 'old-cron',
    });
  });

  it('still says "not authorized" when no listed token is the presented one', () => {
    const scrapers = policy({
      name: 'Scrapers',
      decision: 'non_identity',
      include: [r.token(TOKEN.deployBot.id)],
    });
    expect(explainLogin(tokenRequest(TOKEN.backupJob.id), app([scrapers]), directory()).cause).toBe(
      'service_token_not_authorized',
    );
  });
});
