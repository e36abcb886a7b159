import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { createSlackApp } from '../../src/slack/app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());

it('Socket Mode opens its connection with the app-level token (no HTTP listener)', async () => {
  const runtime = createSlackApp(
    {
      botToken: 'xoxb-socket-test',
      signingSecret: 'unused-in-socket-mode',
      appToken: 'xapp-1-socket-test',
      socketMode: true,
      apiUrl: slack.apiUrl,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      botIdentity: { botId: 'B0BOT', botUserId: 'U0BOT' },
    },
    fakeSlackDeps(),
  );
  // The fake refuses to hand out a WebSocket URL (Bolt keeps retrying), so only the request is checked.
  const starting = runtime.start().catch(() => undefined);
  const open = await slack.waitFor((r) => r.path === '/api/apps.connections.open');
  expect(open.headers.authorization).toBe('Bearer xapp-1-socket-test');
  await runtime.stop().catch(() => undefined);
  void starting;
});
