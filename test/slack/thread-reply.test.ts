import { describe, expect, it } from 'vitest';
import type { ExplainReport } from '../../src/core/report.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { replyInThread, THREAD_CARD_CAP } from '../../src/slack/thread-reply.js';
import { fakeListenerArgs } from '../helpers/recording-app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { deniedResult, rayId, report } from './blocks/fixtures.js';

const request = (text: string) => ({
  user: 'U0BOB',
  team: 'T0',
  surface: 'helpdesk_thread' as const,
  channel: 'C0HELPDESK',
  ts: '1700000000.000100',
  text,
});

function client() {
  const { client: fake } = fakeListenerArgs();
  // The thread reply uses chat.postMessage and chat.update only.
  return { fake, web: fake as unknown as Parameters<typeof replyInThread>[0] };
}

describe('replyInThread', () => {
  it('does nothing for text without a Ray ID', async () => {
    const { fake, web } = client();
    expect(await replyInThread(web, fakeSlackDeps(), request('no ray id here'))).toBe(false);
    expect(fake.chat.postMessage).not.toHaveBeenCalled();
  });

  it('posts a placeholder in the thread, replaces it with a redacted card offering Details', async () => {
    const { fake, web } = client();
    const deps = fakeSlackDeps({ explain: async (): Promise<ExplainReport> => report([deniedResult()]) });
    expect(await replyInThread(web, deps, request(`Ray ID: ${rayId(1)}`))).toBe(true);
    expect(fake.chat.postMessage).toHaveBeenCalledTimes(1);
    expect(fake.chat.postMessage.mock.calls[0]?.[0]).toMatchObject({
      channel: 'C0HELPDESK',
      thread_ts: '1700000000.000100',
      text: expect.stringMatching(/Looking up/),
    });
    const card = JSON.stringify(fake.chat.update.mock.calls[0]?.[0]);
    expect(card).toContain('"ts":"1700000000.000900"');
    expect(card).not.toContain('alice@example.com');
    expect(card).toContain(ACTION_IDS.details);
  });

  it('gives the first cards their own messages up to the cap and summarises the rest', async () => {
    const { fake, web } = client();
    const results = Array.from({ length: THREAD_CARD_CAP + 2 }, (_, i) => deniedResult({}, rayId(i)));
    const deps = fakeSlackDeps({ explain: async (): Promise<ExplainReport> => report(results) });
    await replyInThread(web, deps, request(results.map((r) => `Ray ID: ${r.rayId}`).join('\n')));
    expect(fake.chat.update).toHaveBeenCalledTimes(1);
    // Placeholder, cards 2..cap, one summary.
    expect(fake.chat.postMessage).toHaveBeenCalledTimes(THREAD_CARD_CAP + 1);
  });
});
