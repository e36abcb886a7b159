import type { AccessLoginEvent } from '../access-event.js';
import type { CauseCode } from '../explanation.js';
import type { NeedCode, Rule, RuleKind } from './types.js';

export type Verdict = 'match' | 'no_match' | 'unknown';

/** What kind of fact a selector checks; decides which failing rule is worth naming for a request. */
export type RuleCategory = 'identity' | 'token' | 'context' | 'unreadable';

/** The rule of one kind, e.g. `RuleOf<'geo'>` = `{ kind: 'geo'; countryCode: string }`. */
export type RuleOf<K extends RuleKind> = Extract<Rule, { kind: K }>;

export type ClauseName = 'include' | 'require' | 'exclude';

export interface RuleResult {
  rule: Rule;
  verdict: Verdict;
  /** Plain words: why this verdict, with the values compared. */
  reason: string;
  /** The login-row field that proves the verdict. */
  field?: keyof AccessLoginEvent;
  /** The lookup data that backs the verdict, e.g. `serviceTokens` or `lastSeenIdentity.devicePosture`. */
  source?: string;
  /** What this rule failing (or being unknown) means for a denial, in the cause vocabulary. */
  cause?: CauseCode;
  /** Missing data; non-empty only for `unknown`. */
  needs: NeedCode[];
  category: RuleCategory;
  /** Set for a token selector inside a policy whose action cannot use it (not Service Auth / Bypass). */
  wrongAction?: true;
  /** The posture rule type behind a `device_posture` selector, when known. */
  postureType?: string;
  /** Set for `group` selectors: the group and how its own rules came out. */
  group?: GroupOutcome;
}

/** How a rule group's own rules came out, for the `group` selector that refers to it. */
export interface GroupOutcome {
  id: string;
  name?: string;
  clauses?: ClauseSet;
  decisive?: DecisiveRule;
  /** Set when the group's own rules can never hold together (see `satisfiability.ts`). */
  conflict?: RequireConflict;
}

/** What an evaluator decides; the dispatcher adds the rule, its category and an empty `needs`. */
export type RuleOutcome = Omit<RuleResult, 'rule' | 'needs' | 'category'> & {
  needs?: NeedCode[];
  category?: RuleCategory;
};

export interface ClauseResult {
  /** For `exclude`, `match` means the request is excluded. */
  verdict: Verdict;
  results: RuleResult[];
}

export interface ClauseSet {
  include: ClauseResult;
  require: ClauseResult;
  exclude: ClauseResult;
  /** any(include) AND all(require) AND NOT any(exclude), in three-valued logic. */
  verdict: Verdict;
}

/** The rule that settled a clause set, and where it sits. */
export interface DecisiveRule {
  clause: ClauseName;
  result: RuleResult;
}

/** Where a rule sits: the clause of the policy, then (for rules inside groups) each group and clause. */
export interface RuleLocation {
  clause: ClauseName;
  /** Groups from the policy down to the rule, each with the clause of that group the next step sits in. */
  path: { groupId: string; groupName: string; clause: ClauseName }[];
}

/** Two rules that can never both hold, and where each lives. */
export interface RequireConflict {
  /** The dimension both rules pin: `country`, `ip`, `email`, `login_method`, `service_token`, `common_name`. */
  dimension: string;
  first: { rule: Rule; at: RuleLocation };
  second: { rule: Rule; at: RuleLocation };
}
