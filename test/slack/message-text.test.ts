import { describe, expect, it } from 'vitest';
import { createMemoryDedupeStore } from '../../src/slack/dedupe.js';
import { messageText } from '../../src/slack/message-text.js';

describe('messageText', () => {
  it('reads text, section blocks, fields, rich text, context and attachments', () => {
    const text = messageText({
      text: 'see below',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Ray ID: 1a2b3c4d5e6f7a8b' },
          fields: [{ type: 'mrkdwn', text: 'f1' }],
        },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'cf-ray: 2b3c4d5e6f7a8b9c-SJC' },
                { type: 'link', url: 'https://example.com/?ray=3c4d5e6f7a8b9c0d' },
              ],
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] },
      ],
      attachments: [{ fallback: 'fb', pretext: 'pre', fields: [{ title: 't', value: '4d5e6f7a8b9c0d1e' }] }],
      files: [{ preview: '{"ray_id":"5e6f7a8b9c0d1e2f"}' }],
    });
    for (const piece of [
      'see below',
      '1a2b3c4d5e6f7a8b',
      '2b3c4d5e6f7a8b9c',
      '3c4d5e6f7a8b9c0d',
      '4d5e6f7a8b9c0d1e',
      '5e6f7a8b9c0d1e2f',
      'ctx',
      'fb',
      'pre',
    ]) {
      expect(text).toContain(piece);
    }
  });

  it('reads a message that has blocks but no text', () => {
    expect(
      messageText({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Ray 6f7a8b9c0d1e2f3a' } }] }),
    ).toBe('Ray 6f7a8b9c0d1e2f3a');
  });

  it('survives hostile shapes: deep nesting, huge text, non-objects', () => {
    let deep: unknown = { text: 'bottom' };
    for (let i = 0; i < 10_000; i++) deep = { elements: [deep] };
    expect(messageText({ blocks: [deep] })).toBe('');
    expect(messageText({ text: 'x'.repeat(500_000) })).toHaveLength(200_000);
    expect(messageText(null)).toBe('');
    expect(messageText('text')).toBe('');
  });
});

describe('memory dedupe store', () => {
  it('claims a key once', async () => {
    const store = createMemoryDedupeStore();
    expect(await store.claim('Ev1')).toBe(true);
    expect(await store.claim('Ev1')).toBe(false);
    expect(await store.claim('Ev2')).toBe(true);
  });

  it('forgets a released key', async () => {
    const store = createMemoryDedupeStore();
    expect(await store.claim('Ev1')).toBe(true);
    await store.release('Ev1');
    expect(await store.claim('Ev1')).toBe(true);
  });
});
