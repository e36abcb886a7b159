import type { IpRange } from './ip-address.js';
import type { RequireConflict, RuleLocation } from './rule-result.js';
import type { Rule } from './types.js';

/** An email rule's set: one address, or every address ending in `@domain`. */
export type EmailPattern = { exact: string } | { domain: string };

/**
 * The requests a rule admits, along the one dimension it pins, when that set can be written down.
 * A request has one country, one source IP, one email, one login, one service token and one client
 * certificate, so two rules pinning one dimension to disjoint sets can never both hold.
 */
export type Constraint =
  | { dimension: 'country'; values: string[] }
  | { dimension: 'ip'; ranges: IpRange[] }
  | { dimension: 'email'; patterns: EmailPattern[] }
  | { dimension: 'login_method'; values: string[] }
  | { dimension: 'service_token'; values: string[] }
  | { dimension: 'common_name'; values: string[] };

export type Dimension = Constraint['dimension'];

// Satisfiability's working types, here so the rule scope can hold regions without importing the checker.
/** A rule that narrowed a dimension, where it lives, and what it pins. */
export interface Origin {
  rule: Rule;
  at: RuleLocation;
  own: Constraint;
}

/** What one dimension may still be, and the rules that narrowed it. */
export interface Domain {
  constraint: Constraint;
  /** Rules that narrowed this dimension (a few, for naming a conflict). */
  origins: Origin[];
}

/** The possible requests, per pinned dimension (absent = any value), or none at all. */
export type Region =
  | { kind: 'empty'; conflict: RequireConflict }
  | { kind: 'set'; dims: Partial<Record<Dimension, Domain>> };
