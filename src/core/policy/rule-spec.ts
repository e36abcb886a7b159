import type { z } from 'zod';
import type { ClauseRules, RunRule } from './clauses.js';
import type { Constraint } from './constraint.js';
import type {
  ClauseSet,
  DecisiveRule,
  RequireConflict,
  RuleCategory,
  RuleOf,
  RuleOutcome,
  RuleResult,
} from './rule-result.js';
import type { RuleScope } from './rule-scope.js';
import type { AccessGroup, PolicyContext, RuleKind } from './types.js';

/** The families the per-kind evaluators are grouped by (one module each). */
export type RuleFamily = 'network' | 'token' | 'identity' | 'posture' | 'group' | 'unreadable';

/** What recursive evaluators (rule groups) are handed: evaluate a rule, a clause set, and pick the decider. */
export interface RuleRunner {
  run: RunRule;
  clauses(rules: ClauseRules, scope: RuleScope): ClauseSet;
  decide(clauses: ClauseSet, scope: RuleScope): DecisiveRule | undefined;
  /** Two Require rules of a rule group (nested groups included) that can never both hold. */
  conflictOf(group: AccessGroup, scope: RuleScope): RequireConflict | undefined;
}

/** Reads one selector's wire body (`{"geo": {"country_code": "US"}}` → body `{"country_code": "US"}`). */
export interface WireReader<R> {
  read(body: unknown): R | undefined;
}

/** A wire reader from a zod schema and a mapping of what it parsed. */
export function wireShape<S extends z.ZodType, R>(
  schema: S,
  map: (body: z.output<S>) => R | undefined,
): WireReader<R> {
  return {
    read(body) {
      const parsed = schema.safeParse(body);
      return parsed.success ? map(parsed.data) : undefined;
    },
  };
}

interface RuleSpecBase<K extends RuleKind> {
  family: RuleFamily;
  category: RuleCategory;
  evaluate(rule: RuleOf<K>, scope: RuleScope, runner: RuleRunner): RuleOutcome;
  /** The selector in plain words, with names from the lookup data where known. */
  describe(rule: RuleOf<K>, context: PolicyContext): string;
  /** The raw value an admin sees in the rule (a country, a range, an id). */
  value?(rule: RuleOf<K>): string | undefined;
  /** The name behind an id-valued rule (IdP, list, token, posture rule), when the lookup has it. */
  valueName?(rule: RuleOf<K>, context: PolicyContext): string | undefined;
  /** The set of requests the rule admits along one dimension, for the satisfiability check. */
  constraint?(rule: RuleOf<K>, context: PolicyContext): Constraint | undefined;
  /** One sentence for several Include rules of this kind that all missed ("from PL, not DE or FR"). */
  joinMisses?(misses: readonly RuleResult[], scope: RuleScope): string | undefined;
}

/** Everything the code knows about one rule kind; `unknown` has no wire shape of its own. */
export type RuleSpec<K extends RuleKind> = RuleSpecBase<K> &
  (K extends 'unknown' ? { wire?: never } : { wire: WireReader<RuleOf<K>> });

/** One entry per rule kind: a kind added to `Rule` fails to compile until every part exists. */
export type RuleCatalogue = { [K in RuleKind]: RuleSpec<K> };
