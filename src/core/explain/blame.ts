import type { PolicyResult } from '../policy/evaluate-policies.js';
import type { DecisiveRule, RequireConflict, RuleLocation } from '../policy/rule-result.js';

// Where the rule an explanation rests on lives: through rule groups, down to the rule itself.

/** The innermost rule that decided, and the rule groups it sits in. */
export interface Blame {
  /** The rule of the policy itself (a `group` rule when the blame sits inside a group). */
  top: DecisiveRule;
  /** The innermost rule and its clause. */
  leaf: DecisiveRule;
  at: RuleLocation;
}

const MAX_BLAME_DEPTH = 64;

/** Follows a `group` rule down to the rule inside it that decided, recording each group and clause. */
export function blameOf(top: DecisiveRule): Blame {
  const path: RuleLocation['path'] = [];
  let leaf = top;
  while (path.length < MAX_BLAME_DEPTH) {
    const group = leaf.result.group;
    const inner = group?.decisive;
    if (!group?.name || !inner || group.conflict) break;
    path.push({ groupId: group.id, groupName: group.name, clause: inner.clause });
    leaf = inner;
  }
  return { top, leaf, at: { clause: top.clause, path } };
}

/** The conflict a policy's verdict rests on: its own, or that of a rule group on its deciding path. */
export function conflictOf(result: PolicyResult): { conflict: RequireConflict; group?: string } | undefined {
  if (result.conflict) {
    const { first, second } = result.conflict;
    // The innermost group holding both rules is where the fix goes.
    let group: string | undefined;
    if (first.at.clause === second.at.clause) {
      for (let i = 0; i < Math.min(first.at.path.length, second.at.path.length); i++) {
        const a = first.at.path[i];
        const b = second.at.path[i];
        if (!a || !b || a.groupId !== b.groupId) break;
        group = a.groupName;
        if (a.clause !== b.clause) break;
      }
    }
    return { conflict: result.conflict, ...(group ? { group } : {}) };
  }
  let step = result.decisive?.result.group;
  for (let depth = 0; step && depth < MAX_BLAME_DEPTH; depth++) {
    if (step.conflict) return { conflict: step.conflict, ...(step.name ? { group: step.name } : {}) };
    step = step.decisive?.result.group;
  }
  return undefined;
}
