import type { ClauseSet, RuleResult, Verdict } from './rule-result.js';
import type { RuleScope } from './rule-scope.js';
import type { NeedCode, Rule } from './types.js';

/** Evaluates one rule in a scope; handed to evaluators that recurse (rule groups). */
export type RunRule = (rule: Rule, scope: RuleScope) => RuleResult;

/** The three rule lists of a policy or rule group. */
export interface ClauseRules {
  include: readonly Rule[];
  require: readonly Rule[];
  exclude: readonly Rule[];
}

export function anyOf(results: readonly RuleResult[]): Verdict {
  if (results.some((r) => r.verdict === 'match')) return 'match';
  if (results.every((r) => r.verdict === 'no_match')) return 'no_match';
  return 'unknown';
}

export function allOf(results: readonly RuleResult[]): Verdict {
  if (results.some((r) => r.verdict === 'no_match')) return 'no_match';
  if (results.every((r) => r.verdict === 'match')) return 'match';
  return 'unknown';
}

export function not(verdict: Verdict): Verdict {
  return verdict === 'match' ? 'no_match' : verdict === 'no_match' ? 'match' : 'unknown';
}

/** Three-valued AND. */
export function andVerdicts(...verdicts: Verdict[]): Verdict {
  if (verdicts.includes('no_match')) return 'no_match';
  return verdicts.every((v) => v === 'match') ? 'match' : 'unknown';
}

/** Include = any, Require = all, Exclude = none (an empty Include matches nobody). */
export function evaluateClausesWith(run: RunRule, rules: ClauseRules, scope: RuleScope): ClauseSet {
  const include = rules.include.map((r) => run(r, scope));
  const require = rules.require.map((r) => run(r, scope));
  const exclude = rules.exclude.map((r) => run(r, scope));
  const includeVerdict = anyOf(include);
  const requireVerdict = allOf(require);
  const excludeVerdict = anyOf(exclude);
  return {
    include: { verdict: includeVerdict, results: include },
    require: { verdict: requireVerdict, results: require },
    exclude: { verdict: excludeVerdict, results: exclude },
    verdict: andVerdicts(includeVerdict, requireVerdict, not(excludeVerdict)),
  };
}

/** Data missing for the undecided rules of a clause set (only clauses still undecided). */
export function unknownNeeds(clauses: ClauseSet): NeedCode[] {
  const needs = new Set<NeedCode>();
  for (const clause of ['include', 'require', 'exclude'] as const) {
    if (clauses[clause].verdict !== 'unknown') continue;
    for (const r of clauses[clause].results) {
      if (r.verdict === 'unknown') for (const n of r.needs) needs.add(n);
    }
  }
  return [...needs];
}
