import { describe, expect, it, vi } from 'vitest';
import type { ExplainReport } from '../../../src/core/report.js';
import type { ListenerDependencies } from '../../../src/slack/dependencies.js';
import type { ImageReading } from '../../../src/slack/images/read-image-ray-ids.js';
import { registerHelpdeskMessages } from '../../../src/slack/listeners/events/helpdesk-messages.js';
import { registerExplainShortcut } from '../../../src/slack/listeners/shortcuts/explain-message.js';
import { createRecordingApp, fakeListenerArgs } from '../../helpers/recording-app.js';
import { fakeSlackDeps } from '../../helpers/slack-deps.js';
import { deniedResult, RAY, report } from '../blocks/fixtures.js';

const files = [
  {
    id: 'F0SHOT',
    name: 'shot.png',
    mimetype: 'image/png',
    url_private: 'https://files.slack.com/x/shot.png',
  },
];

function depsReading(reading: ImageReading) {
  const read = vi.fn(async () => reading);
  const explain = vi.fn(async (): Promise<ExplainReport> => report([deniedResult()]));
  const deps: ListenerDependencies = fakeSlackDeps({
    explain,
    helpdeskChannelIds: new Set(['C0HELPDESK']),
    images: { read, close: async () => undefined },
  });
  return { deps, read, explain };
}

const found: ImageReading = { found: [{ name: 'shot.png', rayIds: [RAY], corrected: [] }], problems: [] };

describe('images on the surfaces', () => {
  it('the shortcut reads the message’s screenshot and says so on the private card', async () => {
    const { deps, read, explain } = depsReading(found);
    const recorder = createRecordingApp();
    registerExplainShortcut(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler(
      'shortcut',
      'explain_access_denial',
    )({
      ...args,
      shortcut: {
        message: { ts: '1700000000.000100', text: 'see screenshot', files },
        channel: { id: 'C0GENERAL' },
        user: { id: 'U0CAROL', team_id: 'T0' },
      },
    });
    expect(args.ack.mock.invocationCallOrder[0]).toBeLessThan(read.mock.invocationCallOrder[0] ?? 0);
    expect(explain).toHaveBeenCalledWith(
      expect.objectContaining({ text: `see screenshot\nRay ID: ${RAY}` }),
      expect.anything(),
    );
    expect(JSON.stringify(args.respond.mock.calls)).toContain('was read from the image *shot.png*');
  });

  it('a mention with an unreadable image gets the note in the thread and no lookup', async () => {
    const { deps, explain } = depsReading({
      found: [],
      problems: [{ name: 'cat.png', problem: 'no_ray_id' }],
    });
    const recorder = createRecordingApp();
    registerHelpdeskMessages(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler(
      'event',
      'app_mention',
    )({
      ...args,
      event: {
        type: 'app_mention',
        channel: 'C0GENERAL',
        user: 'U0BOB',
        text: '<@U0BOT> help',
        ts: '1700000000.000200',
        files,
      },
      body: { event_id: 'EvMention1', team_id: 'T0' },
      context: { botUserId: 'U0BOT' },
    });
    expect(args.client.chat.postMessage).toHaveBeenCalledTimes(1);
    const post = JSON.stringify(args.client.chat.postMessage.mock.calls[0]?.[0]);
    expect(post).toContain('no Ray ID found in the image — paste the text or type the Ray ID');
    expect(post).toContain('"thread_ts":"1700000000.000200"');
    expect(explain).not.toHaveBeenCalled();
  });

  it('messages without images are read as before, without calling OCR', async () => {
    const { deps, read } = depsReading(found);
    const recorder = createRecordingApp();
    registerHelpdeskMessages(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler(
      'event',
      'message',
    )({
      ...args,
      event: {
        type: 'message',
        channel: 'C0HELPDESK',
        user: 'U0BOB',
        text: 'no ray here',
        ts: '1700000000.000300',
      },
      body: { event_id: 'EvPlain1', team_id: 'T0' },
      context: {},
    });
    expect(read).not.toHaveBeenCalled();
    expect(args.client.chat.postMessage).not.toHaveBeenCalled();
  });
});
