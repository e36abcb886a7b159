import type { PolicyResult } from '../policy/evaluate-policies.js';
import { describeRule } from '../policy/rule-catalogue.js';
import type { ClauseName, RequireConflict, RuleLocation } from '../policy/rule-result.js';
import type { Rule } from '../policy/types.js';
import type { Finding, View } from './find-denial.js';

// Phrases shared by the summary, the fix and the evidence: where a rule lives, what a finding rests on.

export const CLAUSE: Record<ClauseName, string> = {
  include: 'Include',
  require: 'Require',
  exclude: 'Exclude',
};

export const DIMENSION: Record<RequireConflict['dimension'], string> = {
  country: 'one country',
  ip: 'one source IP',
  email: 'one email address',
  login_method: 'one login method',
  service_token: 'one service token',
  common_name: 'one client certificate',
};

export function q(text: string): string {
  return `'${text}'`;
}

/** A reason sentence made fit to sit inside another sentence (no capital, no final stop). */
export function inline(reason: string): string {
  const trimmed = reason.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? `${trimmed.charAt(0).toLowerCase()}${trimmed.slice(1)}` : trimmed;
}

/** The innermost rule group a finding's rule lives in, when it lives in one. */
export function innerGroup(f: Finding): string | undefined {
  const path = f.blame?.at.path ?? [];
  return path[path.length - 1]?.groupName;
}

/** Where the innermost rule group of a finding sits ("the Require of policy 'P'"). */
export function groupLocation(f: Finding): string | undefined {
  const at = f.blame?.at;
  if (!at || at.path.length === 0 || !f.policy) return undefined;
  return locationWords({ clause: at.clause, path: at.path.slice(0, -1) }, f.policy.policy.name);
}

/** Where a fix goes: the rule group holding the rule (and where that group sits), else the policy. */
export function fixTarget(f: Finding): string {
  const group = innerGroup(f);
  const where = groupLocation(f);
  if (group && where) return `rule group ${q(group)} (in ${where})`;
  return f.policy ? q(f.policy.policy.name) : 'the policy';
}

/** For a rule inside groups: "rule group 'G', which does not hold — its Include: <reason>". */
export function throughGroups(f: Finding, verdict: string): string | undefined {
  const path = f.blame?.at.path ?? [];
  const first = path[0];
  const last = path[path.length - 1];
  if (!first || !last) return undefined;
  const inner =
    path.length === 1
      ? `its ${CLAUSE[last.clause]}`
      : `the ${CLAUSE[last.clause]} of nested rule group ${q(last.groupName)}`;
  return `rule group ${q(first.groupName)}, which ${verdict} — ${inner}: ${inline(leafReason(f))}`;
}

/** Whether the undecided rule must hold for its policy to match, or must not (under an odd number of Excludes). */
export function mustHold(f: Finding): boolean {
  const clauses = [
    f.blame?.at.clause ?? f.decisive?.clause,
    ...(f.blame?.at.path ?? []).map((s) => s.clause),
  ];
  return clauses.filter((c) => c === 'exclude').length % 2 === 0;
}

export function leafRule(f: Finding): Rule | undefined {
  return f.blame?.leaf.result.rule ?? f.decisive?.result.rule;
}

export function leafReason(f: Finding): string {
  return f.blame?.leaf.result.reason ?? f.decisive?.result.reason ?? '';
}

export function includeSummary(result: PolicyResult, view: View): string {
  return (
    result.policy.include.map((r) => describeRule(r, view.context)).join(' or ') || 'nobody (no Include rule)'
  );
}

export function phase(view: View): string {
  // Non-identity rules are re-checked on every request, so a live session can end on one.
  if (view.event.hasExistingJwt) return ' mid-session';
  if (view.facts.preLogin) return ' before sign-in';
  return '';
}

export function pathAppNote(view: View): string | undefined {
  const related = view.context.relatedApps ?? [];
  if (related.length === 0) return undefined;
  const names = related.map((a) => `${q(a.name)} (${a.domain})`).join(', ');
  return `This request went to the separate app ${q(view.app.name)} (${view.app.domain}), which does not inherit the policies of ${names}.`;
}

/** The two conflicting rules in words, each with where it lives. */
export function conflictWords(view: View, f: Finding): string {
  const c = f.conflict;
  const p = f.policy?.policy.name ?? '';
  if (!c) return 'two of its rules';
  const words = (side: RequireConflict['first']) => describeRule(side.rule, view.context);
  const a = locationWords(c.first.at, p);
  const b = locationWords(c.second.at, p);
  if (a === b) return `${words(c.first)} and ${words(c.second)} (both in ${a})`;
  return `${words(c.first)} (${a}) and ${words(c.second)} (${b})`;
}

/** "the Include of rule group 'EU', in the Require of policy 'Staff'": where a rule lives, innermost first. */
export function locationWords(at: RuleLocation, policy: string): string {
  const parts: string[] = [];
  const steps = at.path;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (step) parts.push(`the ${CLAUSE[step.clause]} of rule group ${q(step.groupName)}`);
  }
  parts.push(`the ${CLAUSE[at.clause]} of policy ${q(policy)}`);
  return parts.join(', in ');
}
