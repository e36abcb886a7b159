import type { AccessLoginEvent } from '../access-event.js';
import { type ClauseRules, evaluateClausesWith } from './clauses.js';
import { decisiveRule } from './ranking.js';
import { specOf } from './rule-catalogue.js';
import type { ClauseSet, RuleResult } from './rule-result.js';
import { createRuleScope, type RuleScope } from './rule-scope.js';
import type { RuleRunner } from './rule-spec.js';
import { findRequireConflict } from './satisfiability.js';
import type { PolicyContext, PolicyDecision, Rule } from './types.js';

/** True when the row's `field` is a placeholder: not on the account's plan, or not in the identity log. */
function isUnavailable(event: AccessLoginEvent, field: keyof AccessLoginEvent): boolean {
  const wanted = field.toLowerCase();
  return event.unavailableFields?.some((name) => name.toLowerCase() === wanted) === true;
}

/** Evaluates one rule in a scope through its catalogue entry, counting the work against the budget. */
function evaluateIn(rule: Rule, scope: RuleScope): RuleResult {
  scope.budget.evaluations += 1;
  const spec = specOf(rule);
  const outcome = spec.evaluate(rule, scope, RUNNER);
  const result = {
    ...outcome,
    rule,
    needs: outcome.needs ?? [],
    category: outcome.category ?? spec.category,
  };
  // A verdict proven by a placeholder value is no evidence: the rule stays undecided, naming the field.
  if (result.field && isUnavailable(scope.event, result.field)) {
    return {
      ...result,
      verdict: 'unknown',
      reason:
        result.verdict === 'unknown'
          ? result.reason
          : `The login row has no ${result.field} here (not on this account's plan, or the event came from the identity log), so this rule cannot be checked.`,
      needs: result.needs.includes('login_field') ? result.needs : [...result.needs, 'login_field'],
    };
  }
  return result;
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
