import type { AccessLoginEvent } from '../access-event.js';
import { unknownNeeds } from './clauses.js';
import { evaluateClauses } from './evaluate-rule.js';
import { decisiveRule } from './ranking.js';
import type { ClauseSet, DecisiveRule, RequireConflict, Verdict } from './rule-result.js';
import { createReplayBudget, createRuleScope, type ReplayBudget, type RuleScope } from './rule-scope.js';
import { findRequireConflict } from './satisfiability.js';
import type { AccessApp, AppPolicy, NeedCode, PolicyContext, PolicyDecision } from './types.js';

/** Steps Access adds after a policy matched, which the login row cannot show. */
export type PolicyGate = 'approval' | 'purpose_justification' | 'isolation' | 'independent_mfa';

export type ReplayDecision = 'allowed' | 'denied' | 'unknown';

export interface PolicyResult {
  policy: AppPolicy;
  /** 1-based position in Access's order of execution. */
  order: number;
  verdict: Verdict;
  clauses: ClauseSet;
  /** The rule that settled the verdict (for `unknown`, the most relevant undecided rule). */
  decisive?: DecisiveRule;
  /** Data that would settle an `unknown` verdict. */
  needs: NeedCode[];
  /** False when an earlier policy already decided: Access never ran this one. */
  reached: boolean;
  gates: PolicyGate[];
  /** Why the verdict differs from what the rules alone say (strict service-token mode). */
  note?: string;
  /** Two rules that can never both hold: the policy never matches any request. */
  conflict?: RequireConflict;
  /** The facts the rules were read against (token request, before sign-in, …). */
  scope: RuleScope;
}

export interface PolicyReplay {
  /** Every policy, in Access's order of execution. */
  results: PolicyResult[];
  /** The first policy that definitely matched. */
  decider?: PolicyResult;
  /** Undecided policies ahead of the decider whose effect differs from it: the verdict hinges on them. */
  pending: PolicyResult[];
  /** The replayed outcome; `unknown` when it hinges on undecided policies. */
  decision: ReplayDecision;
}

/** Whether a policy's match lets the request in. */
export function effectOf(decision: PolicyDecision): 'allowed' | 'denied' {
  return decision === 'deny' ? 'denied' : 'allowed';
}

/**
 * Access's order of execution: Bypass and Service Auth first, then Allow and Block, each group by
 * precedence (ties and missing precedence keep the list order). D-POL: "Service Auth C > Bypass D >
 * Allow A > Block B > Allow E" for a list `Allow A, Block B, Service Auth C, Bypass D, Allow E`.
 */
export function orderPolicies(policies: readonly AppPolicy[]): AppPolicy[] {
  const firstPass = (p: AppPolicy) => (p.decision === 'bypass' || p.decision === 'non_identity' ? 0 : 1);
  return policies
    .map((policy, index) => ({ policy, index }))
    .sort(
      (a, b) =>
        firstPass(a.policy) - firstPass(b.policy) ||
        a.policy.precedence - b.policy.precedence ||
        a.index - b.index,
    )
    .map(({ policy }) => policy);
}

function gatesOf(policy: AppPolicy, app: AccessApp): PolicyGate[] {
  const gates: PolicyGate[] = [];
  if (policy.approvalRequired) gates.push('approval');
  if (policy.purposeJustificationRequired) gates.push('purpose_justification');
  if (policy.isolationRequired) gates.push('isolation');
  // The policy's own setting wins over the app's (D-MFA).
  if ((policy.mfa ?? app.mfa)?.required) gates.push('independent_mfa');
  return gates;
}

function evaluatePolicy(
  policy: AppPolicy,
  app: AccessApp,
  order: number,
  event: AccessLoginEvent,
  context: PolicyContext,
  budget: ReplayBudget,
): Omit<PolicyResult, 'reached'> {
  const scope = createRuleScope(event, context, policy.decision, budget);
  const clauses = evaluateClauses(policy, scope);
  const decisive = decisiveRule(clauses, scope);
  const base = {
    policy,
    order,
    clauses,
    gates: gatesOf(policy, app),
    scope,
    ...(decisive ? { decisive } : {}),
  };
  if (context.strictServiceTokenAuth && scope.tokenRequest && policy.decision === 'allow') {
    // D-ST: with strict service-token auth, only Service Auth and Bypass can authorize a token request.
    return {
      ...base,
      verdict: 'no_match',
      needs: [],
      note: 'Strict service-token authentication is on: an Allow policy cannot authorize a token request.',
    };
  }
  const conflict = findRequireConflict(policy, context, budget);
  if (conflict) {
    // No request can satisfy it, so it did not match this one either, whatever data is missing.
    return { ...base, verdict: 'no_match', needs: [], conflict };
  }
  const verdict = clauses.verdict;
  return { ...base, verdict, needs: verdict === 'unknown' ? unknownNeeds(clauses) : [] };
}

/**
 * Replays an app's policies against one login row, in Access's order; the first definite match
 * decides, default deny. One `budget` bounds the rule-group work of the whole lookup. An undecided policy ahead of the decider that could flip the outcome makes
 * the decision `unknown` (listed in `pending`) rather than a guess.
 */
export function evaluatePolicies(
  event: AccessLoginEvent,
  app: AccessApp,
  context: PolicyContext,
  budget: ReplayBudget = createReplayBudget(),
): PolicyReplay {
  const results: PolicyResult[] = [];
  let decider: PolicyResult | undefined;
  orderPolicies(app.policies).forEach((policy, index) => {
    const evaluated: PolicyResult = {
      ...evaluatePolicy(policy, app, index + 1, event, context, budget),
      reached: !decider,
    };
    results.push(evaluated);
    if (!decider && evaluated.verdict === 'match') decider = evaluated;
  });
  if (decider) {
    const effect = effectOf(decider.policy.decision);
    const pending = results.filter(
      (r) =>
        r.order < (decider?.order ?? 0) && r.verdict === 'unknown' && effectOf(r.policy.decision) !== effect,
    );
    return { results, decider, pending, decision: pending.length > 0 ? 'unknown' : effect };
  }
  const couldAllow = results.filter(
    (r) => r.verdict === 'unknown' && effectOf(r.policy.decision) === 'allowed',
  );
  return { results, pending: couldAllow, decision: couldAllow.length > 0 ? 'unknown' : 'denied' };
}
