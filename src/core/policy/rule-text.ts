import { isNonIdentityEvent } from '../access-event.js';
import type { RuleScope } from './rule-scope.js';

/** Case- and space-insensitive equality, as Access compares names and emails. */
export function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function quoted(text: string): string {
  return `'${text}'`;
}

/** The first 8 characters of an id, for ids no name is known for. */
export function shortId(id: string): string {
  return `${id.slice(0, 8)}…`;
}

/** A named thing from the lookup data, or its short id when the lookup lacks it. */
export function namedOrId(list: readonly { id: string; name: string }[], id: string, what: string): string {
  const hit = list.find((x) => x.id === id);
  const label = hit ? quoted(hit.name) : shortId(id);
  return what ? `${what} ${label}` : label;
}

/** "a or b or c", "a and b". */
export function joinWords(words: readonly string[], conjunction: 'or' | 'and'): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

/** Who the replay assumes the person is, for identity rules; says so when no sign-in happened. */
export function whoFor(scope: RuleScope, email: string): string {
  return scope.preLogin || isNonIdentityEvent(scope.event)
    ? `${email} (from the user lookup; this request had not signed in)`
    : email;
}
