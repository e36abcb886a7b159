import { describe, expect, it } from 'vitest';
import { blockKitBuilderUrl } from '../../../src/slack/blocks/preview-url.js';
import { renderReport } from '../../../src/slack/blocks/render-report.js';
import { deniedResult, NOW, report } from './fixtures.js';

describe('blockKitBuilderUrl', () => {
  it('encodes the blocks in the fragment', () => {
    expect(blockKitBuilderUrl([{ type: 'divider' }])).toBe(
      'https://app.slack.com/block-kit-builder/#%7B%22blocks%22%3A%5B%7B%22type%22%3A%22divider%22%7D%5D%7D',
    );
  });

  it('round-trips a rendered card', () => {
    const { blocks } = renderReport(report([deniedResult()]), { now: NOW });
    const url = blockKitBuilderUrl(blocks);
    const fragment = url.slice(url.indexOf('#') + 1);
    expect(JSON.parse(decodeURIComponent(fragment))).toEqual({ blocks });
    // For manual review in Block Kit Builder: PRINT_BLOCK_KIT_URL=1 npx vitest run test/slack/blocks
    if (process.env.PRINT_BLOCK_KIT_URL) console.log(url);
  });
});
