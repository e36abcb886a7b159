import type { Button, KnownBlock, MrkdwnElement, PlainTextElement } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkBlockKitLimits, totalBlockText } from '../../../src/slack/blocks/limits.js';
import { renderResultBlocks, toFallbackLine } from '../../../src/slack/blocks/render-result.js';
import { deniedResult, NOW } from './fixtures.js';

const md = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text });
const pt = (text: string): PlainTextElement => ({ type: 'plain_text', text });
const button = (overrides: Partial<Button> = {}): Button => ({
  type: 'button',
  text: pt('Open'),
  action_id: 'open',
  ...overrides,
});
const check = (blocks: KnownBlock[], text = 'fallback'): string[] => checkBlockKitLimits({ text, blocks });

describe('checkBlockKitLimits', () => {
  it('accepts a rendered card', () => {
    const result = deniedResult();
    const message = { text: toFallbackLine(result), blocks: renderResultBlocks(result, { now: NOW }) };
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('accepts blocks at their limits', () => {
    const blocks: KnownBlock[] = [
      { type: 'header', text: pt('h'.repeat(150)) },
      { type: 'section', text: md('s'.repeat(3000)), block_id: 'b'.repeat(255) },
      { type: 'section', fields: Array.from({ length: 10 }, () => md('f'.repeat(200))) },
      { type: 'context', elements: Array.from({ length: 10 }, () => md('c')) },
      { type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}` })) },
    ];
    expect(check(blocks, 't'.repeat(4000))).toEqual([]);
  });

  it.each<[string, KnownBlock[], string, RegExp]>([
    [
      'more than 50 blocks',
      Array.from({ length: 51 }, () => ({ type: 'divider' })),
      'x',
      /^blocks has 51 items \(max 50\)$/,
    ],
    ['an empty section text', [{ type: 'section', text: md('') }], 'x', /blocks\[0\]\.text is empty/],
    [
      'a section text over 3000',
      [{ type: 'section', text: md('s'.repeat(3001)) }],
      'x',
      /blocks\[0\]\.text has 3001/,
    ],
    ['a section with neither text nor fields', [{ type: 'section' }], 'x', /needs text or fields/],
    [
      'more than 10 section fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }],
      'x',
      /fields has 11 items \(max 10\)/,
    ],
    [
      'a field over 2000',
      [{ type: 'section', fields: [md('f'.repeat(2001))] }],
      'x',
      /fields\[0\] has 2001 .*max 2000/,
    ],
    ['a header over 150', [{ type: 'header', text: pt('h'.repeat(151)) }], 'x', /\.text has 151 .*max 150/],
    ['an empty header', [{ type: 'header', text: pt('') }], 'x', /blocks\[0\]\.text is empty/],
    [
      'more than 10 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }],
      'x',
      /elements has 11 items \(max 10\)/,
    ],
    ['an empty context text', [{ type: 'context', elements: [md('')] }], 'x', /elements\[0\] is empty/],
    [
      'a context text over 3000',
      [{ type: 'context', elements: [pt('c'.repeat(3001))] }],
      'x',
      /elements\[0\] has 3001/,
    ],
    [
      'more than 25 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }],
      'x',
      /elements has 26 items \(max 25\)/,
    ],
    [
      'a button text over 75',
      [{ type: 'actions', elements: [button({ text: pt('b'.repeat(76)) })] }],
      'x',
      /button.*76.*max 75/,
    ],
    [
      'a button value over 2000',
      [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }],
      'x',
      /\.value has 2001/,
    ],
    [
      'a button url over 3000',
      [{ type: 'actions', elements: [button({ url: `https://${'u'.repeat(2993)}` })] }],
      'x',
      /\.url has 3001/,
    ],
    [
      'an action_id over 255',
      [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }],
      'x',
      /action_id has 256/,
    ],
    ['a block_id over 255', [{ type: 'divider', block_id: 'b'.repeat(256) }], 'x', /block_id has 256/],
    ['a whitespace-only text', [{ type: 'section', text: md('   ') }], 'x', /only whitespace/],
    ['an empty top-level text', [{ type: 'divider' }], '', /top-level text is empty/],
    ['a top-level text over 4000', [{ type: 'divider' }], 't'.repeat(4001), /top-level text has 4001/],
    [
      'more than 12 000 characters of text in total',
      Array.from({ length: 5 }, () => ({ type: 'section', text: md('s'.repeat(2500)) })),
      'x',
      /12500 characters of text in total/,
    ],
  ])('reports %s', (_name, blocks, text, expected) => {
    const violations = check(blocks, text);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(expected);
  });

  it('counts text objects anywhere, including fields and context', () => {
    expect(
      totalBlockText([
        { type: 'section', text: md('abc'), fields: [md('de')] },
        { type: 'context', elements: [pt('f')] },
        { type: 'divider' },
      ]),
    ).toBe(6);
  });
});
