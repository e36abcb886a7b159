import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/cli/render-text.js';
import { defuseFormatting, escapeMrkdwn, safeText } from '../../../src/slack/blocks/escape.js';
import { renderReport, toCompactLine } from '../../../src/slack/blocks/render-report.js';
import { deniedResult, NOW, notFound, notFoundResult, policyVerdict, report } from './fixtures.js';

/**
 * A Cloudflare name written to forge a card: a fake "User" line, every formatting mark Slack knows,
 * a quote, an emoji code, and invisible characters that hide or reorder words.
 */
const HOSTILE =
  'Wiki\n*User*\nceo@evil.example _ital_ ~strike~ `code` :skull: \u200bzero\u200dwidth ' +
  '\u202egnp.exe\u202c \u2066iso\u2069 \ufeffbom \u061carabic \uff0afull\uff0a';
const QUOTE = '> quoted line';
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]/;

function hostileResult() {
  return deniedResult({
    names: {
      appName: HOSTILE,
      appDomain: HOSTILE,
      identityProviderName: HOSTILE,
      serviceTokenName: HOSTILE,
      gaps: [HOSTILE],
    },
    explanation: {
      policy: HOSTILE,
      summary: `${QUOTE} — the "${HOSTILE}" policy denied it`,
      adminFix: `Edit "${HOSTILE}".`,
      userMessage: HOSTILE,
      evidence: [{ label: HOSTILE, detail: HOSTILE, field: 'country' }],
      failedRule: { policy: HOSTILE, ruleType: 'require', selector: 'group', group: HOSTILE },
    },
    policies: [policyVerdict({ policy: HOSTILE, reason: HOSTILE })],
    recentFailedLogins: [{ rayId: 'aaaaaaaaaaaaaaaa', datetime: '2025-03-14T11:00:00Z', appName: HOSTILE }],
  });
}

/** Every text object in the blocks: mrkdwn (Slack formats it) and plain_text (Slack shows it as is). */
function texts(blocks: KnownBlock[]): { mrkdwn: string[]; plain: string[] } {
  const out = { mrkdwn: [] as string[], plain: [] as string[] };
  JSON.stringify(blocks, (_key, value: unknown) => {
    if (value && typeof value === 'object' && 'type' in value && 'text' in value) {
      const { type, text } = value as { type: unknown; text: unknown };
      if (typeof text === 'string' && type === 'mrkdwn') out.mrkdwn.push(text);
      if (typeof text === 'string' && type === 'plain_text') out.plain.push(text);
    }
    return value;
  });
  return out;
}

/** plain_text is never formatted, but it must stay one line and show every character it hides. */
function expectPlainInert(text: string) {
  expect(text).not.toMatch(INVISIBLE);
  expect(text).not.toContain('\n');
}

/** The parts of a text outside the inline code spans and code blocks we build. */
const outsideCode = (text: string) => text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

function expectInert(text: string) {
  expect(text, text).not.toMatch(INVISIBLE);
  expect(text).not.toContain('\n*User*');
  // The forged "lines" stay on the line they came in on.
  if (text.includes('ceo@evil.example') && text.includes('Wiki')) expect(text).toMatch(/Wiki[^\n]*ceo@evil/);
  const prose = outsideCode(text);
  // (The card's own "*User*" label is ours; the forged one sits between "Wiki" and "ceo".)
  expect(prose).not.toMatch(/\*User\*\s*ceo@/);
  for (const span of ['_ital_', '~strike~', ':skull:', '\uff0afull\uff0a', '`code`'])
    expect(prose, `${span} in ${prose}`).not.toContain(span);
  expect(prose).not.toMatch(/^&gt;/m);
  expect(prose).not.toMatch(/^>/m);
}

describe('Cloudflare names cannot forge card structure', () => {
  it('render as one plain line in every part of a full card', () => {
    const message = renderReport(report([hostileResult()]), { now: NOW });
    const { mrkdwn, plain } = texts(message.blocks);
    expect(mrkdwn.filter((t) => t.includes('ceo@evil.example')).length).toBeGreaterThan(5);
    for (const text of [...mrkdwn, message.text]) expectInert(text);
    for (const text of plain) expectPlainInert(text);
  });

  it('render inert in the compact one-line form and in a not-found card', () => {
    expectInert(toCompactLine(hostileResult()));
    const nf = notFoundResult(notFound({ summary: HOSTILE, likelySources: [HOSTILE], gaps: [HOSTILE] }));
    const { mrkdwn } = texts(renderReport(report([nf]), { now: NOW }).blocks);
    expect(mrkdwn.some((t) => t.includes('ceo@evil.example'))).toBe(true);
    for (const text of mrkdwn) expectInert(text);
  });

  it('keeps the characters readable: look-alikes, not deletions, and marks inside words untouched', () => {
    const shown = safeText('*User* cloudflare_auth a*b ~x~ :skull:', 200);
    expect(shown).toBe('\u2217User\u2217 cloudflare_auth a*b \u223cx\u223c \u2236skull:');
    expect(defuseFormatting(escapeMrkdwn('> quote'))).toBe('\u00ad&gt; quote');
    expect(safeText('\u200b\u202e', 10)).toBe('—');
    // Times and IPv6 addresses are not emoji codes.
    expect(safeText('at 10:30:06 from 2001:db8::ab:1 :100:', 200)).toBe(
      'at 10:30:06 from 2001:db8::ab:1 \u2236100:',
    );
  });

  it('print as single lines without invisible characters in the CLI text', () => {
    const text = renderText(report([hostileResult()]));
    expect(text).not.toMatch(INVISIBLE);
    for (const line of text.split('\n').filter((l) => l.includes('ceo@evil.example')))
      expect(line).toMatch(/Wiki \*User\* ceo@evil\.example/);
    expect(text).not.toMatch(/^\*User\*/m);
  });
});
