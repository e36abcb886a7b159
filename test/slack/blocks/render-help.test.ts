import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../../src/slack/blocks/render-help.js';
import { expectValidCard } from './assertions.js';

describe('renderHelp', () => {
  it('shows the usage examples and where the Ray ID is', () => {
    const message = renderHelp();
    expectValidCard(message, ['74e4ac510dfdc44f']);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('`/access-why 74e4ac510dfdc44f`');
    expect(json).toContain('`/access-why help`');
    expect(json).toContain('pasted 403 page');
    expect(json).toContain('Ray ID: 74e4ac510dfdc44f');
    expect(message.text).toContain('/access-why 74e4ac510dfdc44f');
  });
});
