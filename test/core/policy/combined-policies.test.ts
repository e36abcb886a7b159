import { describe, expect, it } from 'vitest';
import { parsePolicyCase } from '../../../src/cloudflare/access-schemas.js';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';
import { evaluatePolicies } from '../../../src/core/policy/evaluate-policies.js';
import { createReplayBudget } from '../../../src/core/policy/rule-scope.js';
import type { Rule } from '../../../src/core/policy/types.js';
import { COMBINED, fanOutGroups } from '../../fixtures/policy/combined.js';
import {
  app,
  asUser,
  beforeSignIn,
  directory,
  GROUP,
  IDP,
  POSTURE,
  policy,
  r,
  signedIn,
  TOKEN,
} from '../../fixtures/policy/directory.js';
import { wireCase } from '../../fixtures/policy/wire-case.js';

// Issue 12's patterns: combined policies where the explainer must name the right cause, where the
// rule lives, and what is missing — never a confident answer it cannot prove.

const withCombined = (extra = {}) =>
  directory({ groups: [...Object.values(GROUP), ...Object.values(COMBINED)], ...extra });

describe('unsatisfiable requires', () => {
  it('two Require IPv4 ranges that share no address', () => {
    const x = explainLogin(
      beforeSignIn({ ipAddress: '198.51.100.40' }),
      app([policy({ name: 'Two offices', require: [r.ip('192.0.2.0/25'), r.ip('198.51.100.0/24')] })]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true, policy: 'Two offices' });
    // The rule named as failed is the one that fails for this request.
    expect(x.failedRule).toMatchObject({ ruleType: 'require', selector: 'ip', value: '192.0.2.0/25' });
    expect(x.summary).toMatch(/192\.0\.2\.0\/25.*198\.51\.100\.0\/24.*never both hold/);
    expect(x.adminFix).toMatch(/merge the alternatives into one Include/);
    expect(x.adminFix).not.toMatch(/add it to/);
  });

  it('two Require IPv6 ranges that share no address', () => {
    const x = explainLogin(
      beforeSignIn({ ipAddress: '2001:db8:1::5' }),
      app([policy({ name: 'v6 labs', require: [r.ip('2001:db8:1::/48'), r.ip('2001:db8:2::/48')] })]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true });
    expect(x.failedRule).toMatchObject({ value: '2001:db8:2::/48' });
  });

  it('an IPv4 and an IPv6 range required together', () => {
    const x = explainLogin(
      beforeSignIn({ ipAddress: '192.0.2.9' }),
      app([policy({ name: 'Mixed', require: [r.ip('192.0.2.0/24'), r.ip('2001:db8::/32')] })]),
      directory(),
    );
    expect(x.cause).toBe('require_unsatisfiable');
  });

  it('overlapping ranges are satisfiable: the request is blamed', () => {
    const x = explainLogin(
      beforeSignIn({ ipAddress: '192.0.2.200' }),
      app([policy({ name: 'Nested ranges', require: [r.ip('192.0.2.0/24'), r.ip('192.0.2.0/25')] })]),
      directory(),
    );
    expect(x.cause).toBe('ip_not_allowed');
  });

  it('contradictory country requires inside a rule group: the fix is in the group', () => {
    const x = explainLogin(
      beforeSignIn({ country: 'DE' }),
      app([policy({ name: 'DACH staff', require: [r.group(COMBINED.dachOffice.id)] })]),
      withCombined(),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true, policy: 'DACH staff' });
    expect(x.adminFix).toMatch(/^Fix rule group 'DACH office'/);
    expect(x.summary).toMatch(
      /a request from DE and a request from AT \(both in the Require of rule group 'DACH office', in the Require of policy 'DACH staff'\)/,
    );
  });

  it('contradictory countries across a nested group, with the path to each rule', () => {
    const x = explainLogin(
      signedIn({ country: 'SE' }),
      app([policy({ name: 'Nordic staff', require: [r.group(COMBINED.nordicOuter.id)] })]),
      withCombined({ user: { id: signedIn().userUuid, email: 'eva@corp.example' } }),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true });
    const conflict = x.evidence.find((e) => e.label === 'Rules that can never both hold');
    expect(conflict?.detail).toMatch(
      /a request from SE \(the Require of rule group 'Stockholm staff', in the Require of policy 'Nordic staff'\)/,
    );
    expect(conflict?.detail).toMatch(
      /a request from NO \(the Include of rule group 'Oslo network', in the Require of rule group 'Stockholm staff'/,
    );
    // The request is from SE, so the rule that fails is NO, two groups down.
    expect(x.failedRule).toMatchObject({
      ruleType: 'require',
      selector: 'group',
      path: [
        { group: 'Stockholm staff', clause: 'require' },
        { group: 'Oslo network', clause: 'include' },
      ],
      inner: { ruleType: 'include', selector: 'geo', value: 'NO' },
    });
  });

  it('an unsatisfiable policy never counts as undecided', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([
        policy({
          name: 'Odd',
          include: [{ kind: 'okta', name: 'Ops' }],
          require: [r.geo('SE'), r.geo('NO')],
        }),
      ]),
      directory(),
    );
    expect(replay.results[0]?.verdict).toBe('no_match');
    expect(replay.decision).toBe('denied');
  });
});

describe('unsatisfiable requires, other dimensions', () => {
  it('two required login methods: no login goes through both', () => {
    const x = explainLogin(
      signedIn({ identityProvider: IDP.okta.id }),
      app([
        policy({
          name: 'Double SSO',
          include: [r.domain('corp.example')],
          require: [
            { kind: 'login_method', idpId: IDP.okta.id },
            { kind: 'login_method', idpId: IDP.github.id },
          ],
        }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true });
    expect(x.summary).toMatch(/a request has one login method/);
    expect(x.failedRule).toMatchObject({ selector: 'login_method', value: IDP.github.id });
  });

  it('two required service tokens in a Service Auth policy: a request carries one', () => {
    const x = explainLogin(
      beforeSignIn({ serviceTokenId: TOKEN.deployBot.clientId }),
      app([
        policy({
          name: 'Two machines',
          decision: 'non_identity',
          include: [r.token(TOKEN.deployBot.id)],
          require: [r.token(TOKEN.backupJob.id)],
        }),
      ]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'require_unsatisfiable', determinable: true, policy: 'Two machines' });
    expect(x.summary).toMatch(/a request has one service token/);
  });

  it('two required email domains', () => {
    const x = explainLogin(
      signedIn(),
      app([policy({ name: 'Merger', require: [r.domain('corp.example'), r.domain('partner.example')] })]),
      asUser('sam@corp.example'),
    );
    expect(x.cause).toBe('require_unsatisfiable');
    expect(x.failedRule).toMatchObject({ value: 'partner.example' });
  });
});

describe('blame where the rule lives', () => {
  it("an Exclude inside a required group is the group's, not the policy's", () => {
    const x = explainLogin(
      signedIn(),
      app([policy({ name: 'Ledger users', require: [r.group(GROUP.staffNotContractors.id)] })]),
      asUser('temp@corp.example'),
    );
    expect(x.cause).toBe('excluded_by_group');
    expect(x.adminFix).toMatch(/sits in rule group 'Staff, not contractors'/);
    expect(x.adminFix).toMatch(/not in the policy/);
    expect(x.evidence[0]?.label).toBe(
      "Exclude rule, in rule group 'Staff, not contractors', in the Require of policy 'Ledger users'",
    );
  });

  it('a country missing from a required group names the group in the fix', () => {
    const x = explainLogin(
      beforeSignIn({ country: 'PL' }),
      app([policy({ name: 'EU staff', require: [r.group(COMBINED.westEurope.id)] })]),
      withCombined(),
    );
    expect(x.cause).toBe('country_not_allowed');
    expect(x.adminFix).toMatch(/add it to rule group 'Western Europe'/);
  });

  it('a failing group names all its countries, not only the first', () => {
    const x = explainLogin(
      beforeSignIn({ country: 'PL' }),
      app([policy({ name: 'EU staff', require: [r.group(COMBINED.westEurope.id)] })]),
      withCombined(),
    );
    expect(x.summary).toMatch(/came from PL, not DE, FR or IT/);
    expect(x.policies[0]?.reason).toMatch(/not DE, FR or IT/);
  });

  it('a two-login-method Include names both methods', () => {
    const x = explainLogin(
      signedIn({ identityProvider: IDP.google.id }),
      app([
        policy({
          name: 'SSO only',
          include: [
            { kind: 'login_method', idpId: IDP.okta.id },
            { kind: 'login_method', idpId: IDP.github.id },
          ],
        }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(x.cause).toBe('login_method_mismatch');
    expect(x.summary).toMatch(/'Okta \(staff\)' or 'GitHub'/);
    expect(x.userMessage).toMatch(/'Okta \(staff\)' or 'GitHub'/);
  });

  it('a Block on everyone except Gateway users says the Gateway check failed', () => {
    const x = explainLogin(
      beforeSignIn({ hasWarpEnabled: true, hasGatewayEnabled: false }),
      app([
        policy({
          name: 'Gateway only',
          decision: 'deny',
          include: [r.everyone()],
          exclude: [r.posture(POSTURE.gateway.id)],
          precedence: 1,
        }),
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 2 }),
      ]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'block_policy_matched', determinable: true, policy: 'Gateway only' });
    expect(x.summary).toMatch(/everyone matches, and its Exclude does not apply: .*Gateway/);
    expect(x.summary).toMatch(/hasGatewayEnabled 0/);
  });
});

describe('unknown stays unknown', () => {
  it('a Block whose deciding rule is an External Evaluation names that answer', () => {
    const x = explainLogin(
      signedIn(),
      app([
        policy({
          name: 'Risky sessions',
          decision: 'deny',
          include: [{ kind: 'external_evaluation', evaluateUrl: 'https://risk.corp.example/eval' }],
          precedence: 1,
        }),
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 2 }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(x).toMatchObject({
      cause: 'external_evaluation_unknown',
      determinable: false,
      policy: 'Risky sessions',
      needCodes: ['external_evaluation_result'],
    });
    expect(x.summary).toMatch(/Block policy 'Risky sessions', which matches only if/);
    expect(x.adminFix).toMatch(/If it holds, Block policy 'Risky sessions' refused the request/);
  });

  it('a Block whose deciding rule is an IdP group names the group data', () => {
    const x = explainLogin(
      signedIn(),
      app([
        policy({
          name: 'No contractors',
          decision: 'deny',
          include: [{ kind: 'okta', name: 'Contractors' }],
        }),
        policy({ name: 'Staff', include: [r.domain('corp.example')] }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(x).toMatchObject({
      cause: 'needs_idp_group_data',
      determinable: false,
      needCodes: ['idp_groups'],
    });
  });

  it('an Allow with an unknown rule names what is missing', () => {
    const x = explainLogin(
      signedIn(),
      app([policy({ name: 'SRE', include: [{ kind: 'okta', name: 'SRE' }] })]),
      asUser('sam@corp.example'),
    );
    expect(x).toMatchObject({
      cause: 'needs_idp_group_data',
      determinable: false,
      needCodes: ['idp_groups'],
    });
    expect(x.needs.join(' ')).toMatch(/identity-provider groups/);
  });
});

describe('pre-login attribution', () => {
  it('a non-identity denial whose only refuser is a Block on unknown posture asks for the posture result', () => {
    const x = explainLogin(
      beforeSignIn({ hasWarpEnabled: true, deviceId: 'dev-41' }),
      app([
        policy({
          name: 'Devices without a firewall',
          decision: 'deny',
          include: [r.everyone()],
          exclude: [r.posture(POSTURE.firewall.id)],
          precedence: 1,
        }),
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 2 }),
      ]),
      directory(),
    );
    expect(x).toMatchObject({
      cause: 'device_posture_unknown',
      determinable: false,
      policy: 'Devices without a firewall',
      needCodes: ['device_posture_results'],
    });
    expect(x.summary).toMatch(/matches unless posture check 'Firewall enabled' holds/);
    expect(x.adminFix).toMatch(/If it does not hold, Block policy 'Devices without a firewall' refused/);
    expect(x.adminFix).not.toMatch(/Look up user/);
    expect(x.adminFix).toMatch(/dev-41/);
  });

  it('before sign-in, a Block undecided only on identity rules is not the refuser', () => {
    const x = explainLogin(
      beforeSignIn(),
      app([
        policy({
          name: 'Interns',
          decision: 'deny',
          include: [r.domain('interns.corp.example')],
          precedence: 1,
        }),
        policy({ name: 'Open', include: [r.everyone()], precedence: 2 }),
      ]),
      directory(),
    );
    expect(x.cause).not.toBe('needs_user_identity');
    expect(x.policy).not.toBe('Interns');
    expect(x.determinable).toBe(false);
  });

  it('without any pre-login refuser it says the row cannot show what stopped it, not "look up the user"', () => {
    const x = explainLogin(
      beforeSignIn(),
      app([policy({ name: 'Staff', include: [r.domain('corp.example')] })]),
      directory(),
    );
    expect(x).toMatchObject({ cause: 'undetermined', determinable: false });
    expect(x.adminFix).not.toMatch(/Look up user/);
    expect(x.needs.length).toBeGreaterThan(0);
  });
});

describe('rule groups: bounded work on any shape', () => {
  const leaf: Rule = r.geo('SE');

  it('a fan-out 20 levels deep (no cycle) is evaluated once per group', () => {
    const { top, groups } = fanOutGroups(20, leaf);
    const budget = createReplayBudget();
    const replay = evaluatePolicies(
      beforeSignIn({ country: 'DK' }),
      app([policy({ name: 'Fan', require: [r.group(top)] })]),
      directory({ groups }),
      budget,
    );
    expect(replay.results[0]?.verdict).toBe('no_match');
    // 40 groups × (2 rules + the group itself); a tree walk would need about 2^21.
    expect(budget.evaluations).toBeLessThan(200);
    const x = explainLogin(
      beforeSignIn({ country: 'DK' }),
      app([policy({ name: 'Fan', require: [r.group(top)] })]),
      directory({ groups }),
    );
    expect(x).toMatchObject({ cause: 'country_not_allowed', determinable: true });
    expect(x.failedRule?.path).toHaveLength(20);
  });

  it('past the depth cap the rule is unknown — group nesting too deep — never a crash', () => {
    const { top, groups } = fanOutGroups(40, leaf);
    const x = explainLogin(
      beforeSignIn({ country: 'SE' }),
      app([policy({ name: 'Deep', require: [r.group(top)] })]),
      directory({ groups }),
    );
    expect(x.determinable).toBe(false);
    expect(x.needCodes).toContain('group_nesting');
    expect(x.needs.join(' ')).toMatch(/group nesting too deep/);
  });

  it('past the evaluation cap the rule is unknown too', () => {
    const { top, groups } = fanOutGroups(10, leaf);
    const budget = createReplayBudget({ maxEvaluations: 5 });
    const replay = evaluatePolicies(
      beforeSignIn({ country: 'SE' }),
      app([policy({ name: 'Capped', require: [r.group(top)] })]),
      directory({ groups }),
      budget,
    );
    expect(replay.results[0]?.verdict).toBe('unknown');
    expect(replay.results[0]?.needs).toContain('group_nesting');
  });

  it('rule groups that include each other in a cycle are unknown, not a hang', () => {
    const x = explainLogin(
      beforeSignIn(),
      app([policy({ name: 'Loop', include: [r.group(GROUP.loopA.id)] })]),
      directory(),
    );
    expect(x.determinable).toBe(false);
    expect(x.needCodes).toContain('rule_support');
  });
});

describe('rule-group fan-out in Cloudflare wire form', () => {
  it('a 24-level fan-out read from a case file is answered, not a crash', () => {
    const levels = 24;
    const name = (level: number, side: string) => `wire-fan-${level}-${side}`;
    const wireGroups = Array.from({ length: levels }, (_, level) =>
      ['a', 'b'].map((side) => ({
        id: name(level, side),
        name: `Wire fan ${level}${side}`,
        include:
          level === levels - 1
            ? [{ geo: { country_code: 'SE' } }]
            : [{ group: { id: name(level + 1, 'a') } }, { group: { id: name(level + 1, 'b') } }],
      })),
    ).flat();
    const {
      event,
      app: parsedApp,
      context,
    } = parsePolicyCase({
      event: { ...wireRow(), country: 'FI' },
      app: {
        id: 'fan-app',
        name: 'Fan app',
        policies: [{ id: 'fan', name: 'Fan', decision: 'allow', include: [{ group: { id: name(0, 'a') } }] }],
      },
      context: { groups: wireGroups },
    });
    const x = explainLogin(event, parsedApp, context);
    expect(x).toMatchObject({ cause: 'country_not_allowed', determinable: true, policy: 'Fan' });
    expect(x.summary).toMatch(/came from FI, not SE/);
  });
});

/** The GraphQL row of the local wire case, to vary. */
function wireRow(): Record<string, unknown> {
  const row = wireCase().event;
  return typeof row === 'object' && row !== null ? { ...row } : {};
}
