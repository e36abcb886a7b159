import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { redactResult } from '../../../src/core/explain/redact.js';
import { checkBlockKitLimits } from '../../../src/slack/blocks/limits.js';
import { renderResultBlocks } from '../../../src/slack/blocks/render-result.js';
import { policyDrift, unexplainedDrift } from '../../fixtures/drift.js';
import { deniedResult, NOW } from './fixtures.js';

const textOf = (blocks: readonly KnownBlock[]) => JSON.stringify(blocks);
const driftSection = (blocks: readonly KnownBlock[]) =>
  blocks.find((b) => b.type === 'section' && JSON.stringify(b).includes('Changed since the denial'));

describe('card: changed since the denial', () => {
  it('names the changed policy, when, who and what, and both verdicts', () => {
    const blocks = renderResultBlocks({ ...deniedResult(), drift: policyDrift() }, { now: NOW });
    const section = driftSection(blocks);
    if (section?.type !== 'section') throw new Error('no drift section');
    const text = section.text?.text ?? '';
    expect(text).toContain('*⚠️ Changed since the denial*');
    expect(text).toContain('Policy `Staff` changed <!date^');
    expect(text).toContain('by it-admin@example.com');
    expect(text).toContain('Require: was Country US; now Country US or Country DE.');
    expect(text).toContain(
      '*As it was at the request:* 🚫 would deny — Country not allowed (policy `Staff`)',
    );
    expect(text).toContain("*Today's policies:* ✅ would allow");
    expect(section.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
  });

  it('without the audit log: still flags the change and names the permission that would show it', () => {
    const blocks = renderResultBlocks({ ...deniedResult(), drift: unexplainedDrift() }, { now: NOW });
    const text = textOf([driftSection(blocks) ?? { type: 'divider' }]);
    expect(text).toContain('Policy `Staff` changed');
    expect(text).toContain('Account Settings Read');
    expect(text).not.toContain('As it was at the request');
  });

  it('a card without drift has no such section', () => {
    expect(driftSection(renderResultBlocks(deniedResult(), { now: NOW }))).toBeUndefined();
  });

  it('escapes names, emails and differences from Cloudflare', () => {
    const drift = policyDrift();
    const [change] = drift.changedSince;
    if (!change) throw new Error('fixture');
    const hostile = {
      ...drift,
      changedSince: [
        {
          ...change,
          name: 'Staff` *bold* <!channel>',
          by: '<@U123> admin@example.com & co',
          differences: ['Include: was <https://evil.example|click>; now *everyone*'],
        },
      ],
    };
    const text = textOf(renderResultBlocks({ ...deniedResult(), drift: hostile }, { now: NOW }));
    for (const raw of ['<!channel>', '<@U123>', '<https://evil.example|click>', '*everyone*', ' & co'])
      expect(text).not.toContain(raw);
    expect(text).toContain('&lt;!channel&gt;');
    // The name sits in a code span (its backtick dropped), where Slack formats nothing.
    expect(text).toContain('Policy `Staff *bold* &lt;!channel&gt;` changed');
  });

  it('a redacted card says that something changed and when, never who, what or which policy', () => {
    const hidden = redactResult({ ...deniedResult(), drift: policyDrift() });
    const blocks = renderResultBlocks(hidden, { now: NOW });
    const text = textOf(blocks);
    expect(text).toContain('Changed since the denial');
    expect(text).toContain("The app's Access settings changed after this request");
    for (const value of ['it-admin@example.com', 'Require', 'Staff', 'would deny'])
      expect(text).not.toContain(value);
    expect(checkBlockKitLimits({ text: 'x', blocks })).toEqual([]);
  });

  it('stays within Block Kit limits with many long changes', () => {
    const [change] = policyDrift().changedSince;
    if (!change) throw new Error('fixture');
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...change,
      name: `Policy ${i} ${'x'.repeat(3000)}`,
      by: `${'a'.repeat(2000)}@example.com`,
      differences: ['y'.repeat(5000), 'z'.repeat(5000), 'w'.repeat(5000), 'v'.repeat(5000)],
    }));
    const blocks = renderResultBlocks(
      { ...deniedResult(), drift: { ...policyDrift(), changedSince: many, gaps: ['g'.repeat(5000)] } },
      { now: NOW },
    );
    expect(checkBlockKitLimits({ text: 'x', blocks })).toEqual([]);
    expect(textOf([driftSection(blocks) ?? { type: 'divider' }])).toContain('more');
  });
});
