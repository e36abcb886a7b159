import type { RuleOf } from './rule-result.js';
import type { RuleCatalogue, RuleSpec, WireReader } from './rule-spec.js';
import { groupRules } from './rules-group.js';
import { identityRules } from './rules-identity.js';
import { idpGroupRules } from './rules-idp-group.js';
import { networkRules } from './rules-network.js';
import { postureRules } from './rules-posture.js';
import { tokenRules } from './rules-token.js';
import type { PolicyContext, Rule, RuleKind } from './types.js';

/**
 * Every rule kind, with how it evaluates, how it is described and how its wire shape maps onto it.
 * `satisfies RuleCatalogue` makes a kind added to `Rule` fail to compile until its entry exists.
 */
export const RULE_CATALOGUE = {
  ...networkRules,
  ...tokenRules,
  ...identityRules,
  ...idpGroupRules,
  ...postureRules,
  ...groupRules,
  unknown: {
    family: 'unreadable',
    category: 'unreadable',
    evaluate: (rule) => ({
      verdict: 'unknown',
      reason: `Selector "${rule.key}" is not one this bot can evaluate.`,
      needs: ['rule_support'],
    }),
    describe: (rule) => `selector ${rule.key}`,
  },
} satisfies RuleCatalogue;

/** The catalogue entry for a rule, typed for that rule's kind. */
export function specOf<K extends RuleKind>(rule: RuleOf<K>): RuleSpec<K> {
  const catalogue: RuleCatalogue = RULE_CATALOGUE;
  return catalogue[rule.kind as K];
}

/** A selector in plain words, with names from the lookup data where known. */
export function describeRule(rule: Rule, context: PolicyContext): string {
  return specOf(rule).describe(rule, context);
}

/** The raw value an admin sees in the rule, when it has one. */
export function ruleValue(rule: Rule): string | undefined {
  return specOf(rule).value?.(rule);
}

/** The name an admin knows an id-valued rule by, from the lookup data. */
export function ruleValueName(rule: Rule, context: PolicyContext): string | undefined {
  return specOf(rule).valueName?.(rule, context);
}

/** Wire selector key (Cloudflare's JSON key, which is the rule kind) → its reader. */
export function wireReaderFor(key: string): WireReader<Rule> | undefined {
  if (key === 'unknown' || !Object.hasOwn(RULE_CATALOGUE, key)) return undefined;
  const catalogue: RuleCatalogue = RULE_CATALOGUE;
  return catalogue[key as Exclude<RuleKind, 'unknown'>].wire;
}
