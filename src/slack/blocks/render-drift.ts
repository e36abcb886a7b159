import type { KnownBlock } from '@slack/types';
import type { PolicyChange, PolicyDrift } from '../../core/explanation.js';
import { CAUSE_LABELS } from './cause-labels.js';
import { bulletList, section, slackDateFromIso } from './compose.js';
import { inlineCode, safeText, truncate } from './escape.js';

/** Characters of the whole section, and of each line in it. */
const BUDGET = { section: 1400, line: 400, name: 80, difference: 300 } as const;
/** Changed objects listed before "…and N more"; differences per object. */
const MAX_CHANGES = 5;
const MAX_DIFFERENCES = 3;

const TITLE = '⚠️ Changed since the denial';
const VERDICT = {
  allowed: '✅ would allow',
  denied: '🚫 would deny',
  unknown: '❔ cannot tell from the data at hand',
} as const;

function changeLine(change: PolicyChange): string {
  const what = change.what === 'app' ? 'App' : 'Policy';
  const parts = [
    `${what} ${inlineCode(change.name, BUDGET.name)} changed ${slackDateFromIso(change.updatedAt)}`,
  ];
  if (change.by) parts.push(`by ${safeText(change.by, 120)}`);
  if (change.createdAfter) parts.push('(created after the request)');
  const differences = (change.differences ?? [])
    .slice(0, MAX_DIFFERENCES)
    .map((d) => `\n    ◦ ${safeText(d, BUDGET.difference)}`);
  return `${parts.join(' ')}${differences.join('')}`;
}

function verdictLines(drift: PolicyDrift): string[] {
  const lines: string[] = [];
  const at = drift.atEvent;
  if (at) {
    const cause = at.decision === 'allowed' ? '' : ` — ${CAUSE_LABELS[at.cause]}`;
    const policy = at.policy ? ` (policy ${inlineCode(at.policy, BUDGET.name)})` : '';
    lines.push(`*As it was at the request:* ${VERDICT[at.decision]}${cause}${policy}`);
    if (at.assumedCurrent.length > 0) {
      const names = at.assumedCurrent.slice(0, 3).map((n) => inlineCode(n, BUDGET.name));
      lines.push(`_(previous version unknown, replayed as today: ${names.join(', ')})_`);
    }
  }
  lines.push(`*Today's policies:* ${VERDICT[drift.todayDecision]}`);
  return lines;
}

/**
 * The "changed since the denial" section: which app or policy changed after the request, when, who
 * changed it and what, and the verdict replayed as it was then next to today's. A redacted card
 * (another person's login) says only that something changed and when.
 */
export function renderDrift(drift: PolicyDrift | undefined, redacted = false): KnownBlock | undefined {
  if (!drift || drift.changedSince.length === 0) return undefined;
  if (redacted) {
    const newest =
      drift.changedSince
        .map((c) => c.updatedAt)
        .sort()
        .at(-1) ?? '';
    return section(
      `*${TITLE}*\nThe app's Access settings changed after this request (${slackDateFromIso(newest)}), so this answer may not be what Access decided then. Helpdesk staff can see what changed.`,
      { verbatim: true, max: BUDGET.section },
    );
  }
  const changes = bulletList(
    drift.changedSince.map(changeLine),
    BUDGET.section / 2,
    BUDGET.section / 2,
    MAX_CHANGES,
  );
  const gaps = drift.gaps.map((gap) => `_${safeText(gap, 250)}_`);
  const body = [changes, ...verdictLines(drift), ...gaps].map((l) => truncate(l, BUDGET.section)).join('\n');
  return section(`*${TITLE}*\n${truncate(body, BUDGET.section - TITLE.length - 4)}`, {
    verbatim: true,
    max: BUDGET.section,
  });
}
