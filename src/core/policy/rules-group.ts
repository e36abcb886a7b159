import { z } from 'zod';
import type { CauseCode } from '../explanation.js';
import { unknownNeeds } from './clauses.js';
import type { RuleOutcome } from './rule-result.js';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { namedOrId, quoted, shortId } from './rule-text.js';

// Group family: a rule group is a reusable include/require/exclude bundle evaluated recursively.
// Each group is evaluated once per lookup and policy action (memoised in the scope's budget), and the
// budget caps nesting depth and total work, so no account shape can exhaust time or memory.

export const groupRules = {
  group: {
    family: 'group',
    category: 'context',
    evaluate(rule, scope, runner): RuleOutcome {
      const group = scope.context.groups.find((g) => g.id === rule.groupId);
      if (!group) {
        return {
          verdict: 'unknown',
          reason: `Rule group ${shortId(rule.groupId)} was not fetched.`,
          needs: ['access_group'],
          category: 'unreadable',
          group: { id: rule.groupId },
        };
      }
      if (scope.visiting.includes(group.id)) {
        return {
          verdict: 'unknown',
          reason: `Rule group ${quoted(group.name)} refers back to itself; the cycle cannot be evaluated.`,
          needs: ['rule_support'],
          category: 'unreadable',
          group: { id: group.id, name: group.name },
        };
      }
      const { budget } = scope;
      const key = `${scope.decision}|${group.id}`;
      const known = budget.groups.get(key);
      if (known) return known;
      if (scope.visiting.length >= budget.maxDepth || budget.evaluations > budget.maxEvaluations) {
        return {
          verdict: 'unknown',
          reason: `Rule group ${quoted(group.name)} was not evaluated: group nesting too deep (more than ${budget.maxDepth} levels, or more than ${budget.maxEvaluations} rule checks in one lookup).`,
          needs: ['group_nesting'],
          category: 'unreadable',
          group: { id: group.id, name: group.name },
        };
      }
      const inner = { ...scope, visiting: [...scope.visiting, group.id] };
      const clauses = runner.clauses(group, inner);
      const conflict = runner.conflictOf(group, scope);
      // A group whose own Require set can never hold never matches, whatever the data says.
      const verdict = conflict ? 'no_match' : clauses.verdict;
      const decisive = runner.decide(clauses, inner);
      const leaf = decisive?.result;
      const cause: CauseCode | undefined =
        verdict === 'match'
          ? undefined
          : conflict
            ? 'require_unsatisfiable'
            : decisive?.clause === 'exclude'
              ? // The group failed because of its own Exclude: for the policy it is a failed rule, not an Exclude.
                'excluded_by_group'
              : leaf?.cause;
      const name = quoted(group.name);
      const reason = conflict
        ? `Rule group ${name} can never match: its Require rules cannot all hold at once.`
        : verdict === 'match'
          ? `Rule group ${name} matches: ${leaf?.reason ?? 'its rules hold.'}`
          : verdict === 'no_match'
            ? `Rule group ${name} does not match: ${leaf?.reason ?? 'none of its rules hold.'}`
            : `Rule group ${name} is undecided: ${leaf?.reason ?? 'some of its rules need more data.'}`;
      const outcome: RuleOutcome = {
        verdict,
        reason,
        ...(leaf?.field ? { field: leaf.field } : {}),
        ...(leaf?.source ? { source: leaf.source } : {}),
        ...(cause ? { cause } : {}),
        ...(leaf?.postureType ? { postureType: leaf.postureType } : {}),
        needs: verdict === 'unknown' ? unknownNeeds(clauses) : [],
        category: leaf?.category ?? 'context',
        group: {
          id: group.id,
          name: group.name,
          clauses,
          ...(decisive ? { decisive } : {}),
          ...(conflict ? { conflict } : {}),
        },
      };
      budget.groups.set(key, outcome);
      return outcome;
    },
    describe: (rule, context) => namedOrId(context.groups, rule.groupId, 'rule group'),
    value: (rule) => rule.groupId,
    valueName: (rule, context) => context.groups.find((g) => g.id === rule.groupId)?.name,
    wire: wireShape(z.looseObject({ id: z.string() }), (b) => ({ kind: 'group', groupId: b.id })),
  },
} satisfies Pick<RuleCatalogue, 'group'>;
