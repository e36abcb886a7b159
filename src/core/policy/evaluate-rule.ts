import type { AccessLoginEvent } from '../access-event.js';
import { type ClauseRules, evaluateClausesWith } from './clauses.js';
import { decisiveRule } from './ranking.js';
import { specOf } from './rule-catalogue.js';
import type { ClauseSet, RuleResult } from './rule-result.js';
import { createRuleScope, type RuleScope } from './rule-scope.js';
import type { RuleRunner } from './rule-spec.js';
import { findRequireConflict } from './satisfiability.js';
import type { PolicyContext, PolicyDecision, Rule } from './types.js';

/** Evaluates one rule in a scope through its catalogue entry, counting the work against the budget. */
function evaluateIn(rule: Rule, scope: RuleScope): RuleResult {
  scope.budget.evaluations += 1;
  const spec = specOf(rule);
  const outcome = spec.evaluate(rule, scope, RUNNER);
  return { ...outcome, rule, needs: outcome.needs ?? [], category: outcome.category ?? spec.category };
}

const RUNNER: RuleRunner = {
  run: evaluateIn,
  clauses: (rules, scope) => evaluateClausesWith(evaluateIn, rules, scope),
  decide: decisiveRule,
  conflictOf: (group, scope) => findRequireConflict(group, scope.context, scope.budget),
};

/** Evaluates one rule against the login row and lookup data, under a policy with action `decision`. */
export function evaluateRule(
  rule: Rule,
  event: AccessLoginEvent,
  context: PolicyContext,
  decision: PolicyDecision = 'allow',
): RuleResult {
  return evaluateIn(rule, createRuleScope(event, context, decision));
}

/** Include = any, Require = all, Exclude = none (an empty Include matches nobody). */
export function evaluateClauses(rules: ClauseRules, scope: RuleScope): ClauseSet {
  return evaluateClausesWith(evaluateIn, rules, scope);
}
