import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessLoginEvent } from '../../src/core/access-event.js';
import { explainLogin } from '../../src/core/explain/explain-denial.js';
import type { RuleRef } from '../../src/core/explanation.js';
import { evaluatePolicies } from '../../src/core/policy/evaluate-policies.js';
import { evaluateClauses, evaluateRule } from '../../src/core/policy/evaluate-rule.js';
import { ruleValue } from '../../src/core/policy/rule-catalogue.js';
import type { Verdict } from '../../src/core/policy/rule-result.js';
import { createReplayBudget, createRuleScope } from '../../src/core/policy/rule-scope.js';
import { findRequireConflict } from '../../src/core/policy/satisfiability.js';
import type { AccessApp, AccessGroup, AppPolicy, PolicyContext, Rule } from '../../src/core/policy/types.js';
import { loginEvent } from '../fixtures/events.js';
import { directory, IDP, POSTURE, TOKEN } from '../fixtures/policy/directory.js';

// Random combined policies (several policies, nested rule groups, IP/geo/mTLS/posture/identity rules)
// against random requests: the explainer's named rules must agree with the evaluator.

const COUNTRIES = ['SE', 'NO', 'DE', 'US', 'PT'];
const CIDRS = ['192.0.2.0/24', '192.0.2.0/25', '198.51.100.0/24', '2001:db8:1::/48', '2001:db8::/32'];
const IPS = ['192.0.2.10', '192.0.2.200', '198.51.100.7', '203.0.113.5', '2001:db8:1::9', '2001:db8:2::9'];
const DOMAINS = ['corp.example', 'partner.example'];
const EMAILS = ['ana@corp.example', 'bo@partner.example', 'cy@other.example'];
const GROUP_COUNT = 5;
const groupId = (i: number) => `prop-group-${i}`;

const leafRule: fc.Arbitrary<Rule> = fc.oneof(
  fc.constant<Rule>({ kind: 'everyone' }),
  fc.constantFrom(...COUNTRIES).map((countryCode): Rule => ({ kind: 'geo', countryCode })),
  fc.constantFrom(...CIDRS).map((ip): Rule => ({ kind: 'ip', ip })),
  fc.constantFrom(...DOMAINS).map((domain): Rule => ({ kind: 'email_domain', domain })),
  fc.constantFrom(...EMAILS).map((email): Rule => ({ kind: 'email', email })),
  fc.constant<Rule>({ kind: 'certificate' }),
  fc
    .constantFrom(POSTURE.warp.id, POSTURE.gateway.id, POSTURE.firewall.id)
    .map((integrationUid): Rule => ({ kind: 'device_posture', integrationUid })),
  fc.constantFrom(IDP.okta.id, IDP.google.id).map((idpId): Rule => ({ kind: 'login_method', idpId })),
  fc.constant<Rule>({ kind: 'okta', name: 'SRE' }),
  fc.constant<Rule>({ kind: 'service_token', tokenId: TOKEN.deployBot.id }),
);

/** Rules for group `level`: leaves, or groups deeper down (so there is never a cycle). */
const ruleAt = (level: number): fc.Arbitrary<Rule> =>
  level >= GROUP_COUNT - 1
    ? leafRule
    : fc.oneof(
        { weight: 3, arbitrary: leafRule },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: level + 1, max: GROUP_COUNT - 1 })
            .map((i): Rule => ({ kind: 'group', groupId: groupId(i) })),
        },
      );

const clauses = (rule: fc.Arbitrary<Rule>) =>
  fc.record({
    include: fc.array(rule, { minLength: 1, maxLength: 3 }),
    require: fc.array(rule, { maxLength: 2 }),
    exclude: fc.array(rule, { maxLength: 1 }),
  });

const groups: fc.Arbitrary<AccessGroup[]> = fc.tuple(
  ...Array.from({ length: GROUP_COUNT }, (_, i) =>
    clauses(ruleAt(i)).map((c): AccessGroup => ({ id: groupId(i), name: `Group ${i}`, ...c })),
  ),
);

const policies: fc.Arbitrary<AppPolicy[]> = fc
  .array(
    fc.record({
      decision: fc.constantFrom('allow', 'allow', 'deny', 'non_identity', 'bypass' as const),
      rules: clauses(ruleAt(-1)),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((list) =>
    list.map(
      (p, i): AppPolicy => ({
        id: `prop-policy-${i}`,
        name: `Policy ${i}`,
        decision: p.decision,
        precedence: i + 1,
        ...p.rules,
      }),
    ),
  );

const event: fc.Arbitrary<AccessLoginEvent> = fc
  .record({
    signedIn: fc.boolean(),
    country: fc.constantFrom(...COUNTRIES, 'DK'),
    ipAddress: fc.constantFrom(...IPS),
    hasWarpEnabled: fc.boolean(),
    hasGatewayEnabled: fc.boolean(),
    cert: fc.boolean(),
    idp: fc.constantFrom(IDP.okta.id, IDP.google.id),
  })
  .map((e) =>
    loginEvent({
      userUuid: e.signedIn ? loginEvent().userUuid : '',
      identityProvider: e.signedIn ? e.idp : 'nonidentity',
      country: e.country,
      ipAddress: e.ipAddress,
      hasWarpEnabled: e.hasWarpEnabled,
      hasGatewayEnabled: e.hasGatewayEnabled,
      deviceId: e.hasWarpEnabled ? 'dev-1' : '',
      ...(e.cert ? { mtlsStatus: 'SUCCESS', mtlsCommonName: 'laptop-1', mtlsCertSerialId: '0a1b' } : {}),
    }),
  );

const context: fc.Arbitrary<PolicyContext> = fc
  .record({ groups, email: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }) })
  .map(({ groups, email }) =>
    directory({ groups, ...(email ? { user: { id: loginEvent().userUuid, email } } : {}) }),
  );

const appWith = (list: AppPolicy[]): AccessApp => ({
  id: 'prop-app',
  name: 'Prop app',
  domain: 'prop.corp.example',
  type: 'self_hosted',
  allowedIdps: [],
  policies: list,
});

/** The rule a RuleRef names, followed through its rule groups. */
function resolveRef(
  ref: RuleRef,
  policy: AppPolicy,
  ctx: PolicyContext,
): { rule: Rule; clauses: string[] } | undefined {
  const top = policy[ref.ruleType].find(
    (r) =>
      r.kind === ref.selector &&
      (ref.group
        ? r.kind === 'group' && ctx.groups.find((g) => g.id === r.groupId)?.name === ref.group
        : true) &&
      (ref.value === undefined || ruleValue(r) === ref.value),
  );
  if (!top) return undefined;
  if (!ref.path || !ref.inner) return { rule: top, clauses: [ref.ruleType] };
  let holder: AccessGroup | undefined;
  for (const step of ref.path) holder = ctx.groups.find((g) => g.name === step.group);
  const last = ref.path[ref.path.length - 1];
  const inner = ref.inner;
  const rule = holder?.[inner.ruleType].find(
    (r) => r.kind === inner.selector && (inner.value === undefined || ruleValue(r) === inner.value),
  );
  return rule && last ? { rule, clauses: [ref.ruleType, ...ref.path.map((s) => s.clause)] } : undefined;
}

describe('policy replay properties', () => {
  it("replaying an allowed login's approving policy always matches", () => {
    fc.assert(
      fc.property(event, policies, context, (row, list, ctx) => {
        const replay = evaluatePolicies(row, appWith(list), ctx);
        const approving = replay.decider;
        fc.pre(approving !== undefined && approving.policy.decision !== 'deny');
        if (!approving) return;
        const allowed = { ...row, isSuccessfulLogin: true, approvingPolicyId: approving.policy.id };
        const x = explainLogin(allowed, appWith(list), ctx);
        expect(x.policy).toBe(approving.policy.name);
        expect(x.policies.find((p) => p.policyId === approving.policy.id)?.status).toBe('match');
        expect(x.replayDisagrees).toBe(false);
        if (x.matchedRule) {
          const found = resolveRef(x.matchedRule, approving.policy, ctx);
          expect(found).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a reported failedRule really fails under the evaluator', () => {
    let checked = 0;
    fc.assert(
      fc.property(event, policies, context, (row, list, ctx) => {
        const x = explainLogin(row, appWith(list), ctx);
        fc.pre(x.failedRule !== undefined);
        const ref = x.failedRule;
        if (!ref) return;
        const policy = list.find((p) => p.name === ref.policy);
        expect(policy).toBeDefined();
        if (!policy) return;
        const found = resolveRef(ref, policy, ctx);
        expect(found, JSON.stringify(ref)).toBeDefined();
        if (!found) return;
        const verdict = evaluateRule(found.rule, row, ctx, policy.decision).verdict;
        // Failing means: a missed Include/Require, or an Exclude that hit — flipped under each Exclude above it.
        const excludes = found.clauses.filter((c) => c === 'exclude').length;
        const failing: Verdict = excludes % 2 === 1 ? 'match' : 'no_match';
        const allowed: Verdict[] = x.determinable ? [failing] : [failing, 'unknown'];
        if (x.cause !== 'require_unsatisfiable')
          expect(allowed, `${x.cause} ${JSON.stringify(ref)}`).toContain(verdict);
        else expect(verdict).not.toBe(failing === 'match' ? 'no_match' : 'match');
        checked += 1;
      }),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('a policy called unsatisfiable is matched by no request', () => {
    // Every request the generators can produce, each with every user email.
    const requests = COUNTRIES.flatMap((country) =>
      IPS.flatMap((ipAddress) =>
        [IDP.okta.id, IDP.google.id].flatMap((identityProvider) =>
          [true, false].map((flags) =>
            loginEvent({
              country,
              ipAddress,
              identityProvider,
              hasWarpEnabled: flags,
              hasGatewayEnabled: flags,
              deviceId: flags ? 'dev-1' : '',
              ...(flags
                ? { mtlsStatus: 'SUCCESS', mtlsCommonName: 'laptop-1', mtlsCertSerialId: '0a1b' }
                : {}),
            }),
          ),
        ),
      ),
    );
    let conflicts = 0;
    fc.assert(
      fc.property(clauses(ruleAt(-1)), groups, (rules, groupList) => {
        const conflict = findRequireConflict(rules, directory({ groups: groupList }), createReplayBudget());
        fc.pre(conflict !== undefined);
        conflicts += 1;
        for (const email of EMAILS) {
          const ctx = directory({ groups: groupList, user: { id: loginEvent().userUuid, email } });
          for (const request of requests) {
            const scope = createRuleScope(request, ctx, 'non_identity');
            expect(evaluateClauses(rules, scope).verdict).not.toBe('match');
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(conflicts).toBeGreaterThan(5);
  });
});
