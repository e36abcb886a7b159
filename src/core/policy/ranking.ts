import { specOf } from './rule-catalogue.js';
import type {
  ClauseName,
  ClauseSet,
  DecisiveRule,
  RuleCategory,
  RuleResult,
  Verdict,
} from './rule-result.js';
import type { RuleScope } from './rule-scope.js';

/**
 * Order in which failing rules are worth naming for this request: a token request is about tokens,
 * a request stopped before sign-in about network/device facts, a signed-in one about identity.
 */
export function relevance(scope: RuleScope, result: RuleResult): number {
  const order: readonly RuleCategory[] = scope.tokenRequest
    ? ['token', 'context', 'identity', 'unreadable']
    : scope.preLogin
      ? ['context', 'token', 'identity', 'unreadable']
      : ['identity', 'context', 'token', 'unreadable'];
  return order.indexOf(result.category);
}

/**
 * Misses where the rule names this very request's subject (its token, its certificate) but a property
 * failed: "your token expired" explains more than "the other listed token is not yours".
 */
const NEAR_MISS_CAUSES: ReadonlySet<string> = new Set([
  'service_token_expired',
  'service_token_wrong_action',
  'mtls_common_name_mismatch',
]);
const nearMiss = (result: RuleResult) =>
  result.cause !== undefined && NEAR_MISS_CAUSES.has(result.cause) ? 0 : 1;

/** Orders results by relevance to the request, near misses first, keeping the policy's order among equals. */
function byRelevance(results: readonly RuleResult[], scope: RuleScope): RuleResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) => relevance(scope, a.r) - relevance(scope, b.r) || nearMiss(a.r) - nearMiss(b.r) || a.i - b.i,
    )
    .map(({ r }) => r);
}

/** One reason for every missed Include rule of the decisive rule's kind ("from PL, not DE or FR"). */
function missedTogether(found: RuleResult, clauses: ClauseSet, scope: RuleScope): RuleResult {
  const siblings = clauses.include.results.filter(
    (r) => r.verdict === 'no_match' && r.rule.kind === found.rule.kind && r.cause === found.cause,
  );
  if (siblings.length < 2) return found;
  const joined = specOf(found.rule).joinMisses?.(siblings, scope);
  return joined ? { ...found, reason: joined } : found;
}

/** A reason sentence fit to follow a colon: no capital (unless a name), no final stop. */
function asClause(reason: string): string {
  const trimmed = reason.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? `${trimmed.charAt(0).toLowerCase()}${trimmed.slice(1)}` : trimmed;
}

/** A match with Exclude rules says why none of them applied ("everyone, and not excluded since …"). */
function notExcluded(found: RuleResult, clauses: ClauseSet): RuleResult {
  const misses = clauses.exclude.results.filter((r) => r.verdict === 'no_match');
  if (misses.length === 0) return found;
  const why = misses.map((r) => asClause(r.reason)).join('; ');
  return {
    ...found,
    reason: `${found.reason.trim().replace(/\.$/, '')}, and its Exclude does not apply: ${why}.`,
  };
}

/**
 * The rule that settled a clause set: the first matching Include for a match; for a miss the failing
 * Include (when the Include missed), else the Exclude that hit, else the failing Require; for an
 * unknown, the most relevant undecided rule.
 */
export function decisiveRule(clauses: ClauseSet, scope: RuleScope): DecisiveRule | undefined {
  const pick = (clause: ClauseName, verdict: Verdict): RuleResult | undefined =>
    byRelevance(clauses[clause].results, scope).find((r) => r.verdict === verdict);
  if (clauses.verdict === 'match') {
    const found = pick('include', 'match');
    return found ? { clause: 'include', result: notExcluded(found, clauses) } : undefined;
  }
  if (clauses.verdict === 'no_match') {
    if (clauses.include.verdict === 'no_match') {
      const found = pick('include', 'no_match');
      return found ? { clause: 'include', result: missedTogether(found, clauses, scope) } : undefined;
    }
    const excluded = clauses.exclude.verdict === 'match' ? pick('exclude', 'match') : undefined;
    if (excluded) return { clause: 'exclude', result: excluded };
    const failed = pick('require', 'no_match');
    return failed ? { clause: 'require', result: failed } : undefined;
  }
  const unknowns: DecisiveRule[] = (['include', 'require', 'exclude'] as const)
    .filter((clause) => clauses[clause].verdict === 'unknown')
    .flatMap((clause) =>
      clauses[clause].results.filter((r) => r.verdict === 'unknown').map((r) => ({ clause, result: r })),
    );
  const first = unknowns
    .map((u, i) => ({ u, i }))
    .sort((a, b) => relevance(scope, a.u.result) - relevance(scope, b.u.result) || a.i - b.i)[0];
  return first?.u;
}
