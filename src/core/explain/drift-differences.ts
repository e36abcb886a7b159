import type { AppSettings } from '../explanation.js';
import { describeRule } from '../policy/rule-catalogue.js';
import type { AppPolicy, PolicyContext, Rule } from '../policy/types.js';
import { ACTION } from './denial-wording.js';
import { q } from './finding-words.js';

/** Rules named per clause before "and N more". */
const MAX_RULES = 4;

function rulesText(rules: readonly Rule[], context: PolicyContext, joiner: string): string {
  if (rules.length === 0) return 'nothing';
  const named = rules.slice(0, MAX_RULES).map((rule) => describeRule(rule, context));
  const more = rules.length > MAX_RULES ? ` and ${rules.length - MAX_RULES} more` : '';
  return `${named.join(joiner)}${more}`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const CLAUSES = [
  ['include', 'Include', ' or '],
  ['require', 'Require', ' and '],
  ['exclude', 'Exclude', ' or '],
] as const;

/** What differs between a policy as it was and as it is, one line per changed part. */
export function policyDifferences(before: AppPolicy, now: AppPolicy, context: PolicyContext): string[] {
  const lines: string[] = [];
  if (before.name !== now.name) lines.push(`Name: was ${q(before.name)}, now ${q(now.name)}.`);
  if (before.decision !== now.decision) {
    lines.push(`Action: was ${ACTION[before.decision]}, now ${ACTION[now.decision]}.`);
  }
  for (const [clause, label, joiner] of CLAUSES) {
    if (!same(before[clause], now[clause])) {
      lines.push(
        `${label}: was ${rulesText(before[clause], context, joiner)}; now ${rulesText(now[clause], context, joiner)}.`,
      );
    }
  }
  const gates = (p: AppPolicy) => [
    p.approvalRequired,
    p.purposeJustificationRequired,
    p.isolationRequired,
    p.mfa,
  ];
  if (!same(gates(before), gates(now))) {
    lines.push('Approval, purpose justification, isolation or MFA settings changed.');
  }
  if (lines.length === 0) lines.push('No rule or action changed (only settings the replay does not read).');
  return lines;
}

/** What differs between the app's settings as they were and as they are. */
export function appDifferences(before: AppSettings, now: AppSettings, context: PolicyContext): string[] {
  const lines: string[] = [];
  if (before.name !== now.name) lines.push(`Name: was ${q(before.name)}, now ${q(now.name)}.`);
  if (before.domain !== now.domain) lines.push(`Domain: was ${before.domain}, now ${now.domain}.`);
  if (!same([...before.allowedIdps].sort(), [...now.allowedIdps].sort())) {
    const name = (id: string) => context.identityProviders.find((p) => p.id === id)?.name ?? id;
    const idps = (ids: readonly string[]) => (ids.length === 0 ? 'all' : ids.map(name).join(', '));
    lines.push(`Allowed identity providers: was ${idps(before.allowedIdps)}; now ${idps(now.allowedIdps)}.`);
  }
  if (lines.length === 0) lines.push('No setting the replay reads changed.');
  return lines;
}
