import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { createSlackApp, type SlackRuntime } from '../../src/slack/app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { postEvent, postSlashCommand } from '../helpers/slack-request.js';

const SECRET = 'sink-secret';
let slack: FakeSlack;
let runtime: SlackRuntime;
let url: string;
const unexpected: unknown[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  slack = await startFakeSlack();
  const deps = fakeSlackDeps({
    // A bug deep in a lookup: it must end in the one sink and a card, never in silence or a crash.
    explain: async () => {
      throw new TypeError('Bearer sk-should-never-be-shown');
    },
    helpdeskChannelIds: new Set(['C0HELPDESK']),
    onUnexpected: (error) => unexpected.push(error),
  });
  runtime = createSlackApp(
    {
      botToken: 'xoxb-sink',
      signingSecret: SECRET,
      socketMode: false,
      apiUrl: slack.apiUrl,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      botIdentity: { botId: 'B0BOT', botUserId: 'U0BOT' },
    },
    deps,
  );
  const { port } = await runtime.start();
  url = `http://127.0.0.1:${port}/slack/events`;
});
afterAll(async () => {
  await runtime?.stop(1_000);
  await slack?.close();
  process.off('unhandledRejection', onUnhandled);
});

it('a throwing lookup ends in the error sink and an error card, with no unhandled rejection', async () => {
  await postSlashCommand(url, SECRET, 'Ray ID: 0123456789abcdef', slack.responseUrl('sink'));
  const card = await slack.waitFor((r) => r.path === '/response/sink', 5_000);
  expect(card.rawBody).toContain('0123456789abcdef');
  expect(card.rawBody).toMatch(/failed unexpectedly/);
  expect(card.rawBody).not.toContain('sk-should-never-be-shown');

  await postEvent(
    url,
    SECRET,
    {
      type: 'message',
      channel: 'C0HELPDESK',
      user: 'U0ALICE',
      text: 'Ray ID: 0123456789abcdee',
      ts: '1700000000.000100',
    },
    { eventId: 'EvSink' },
  );
  await slack.waitFor((r) => r.path === '/api/chat.update', 5_000);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(unexpected.map((e) => (e as Error).name)).toEqual(['TypeError', 'TypeError']);
  expect(unhandled).toEqual([]);
});
