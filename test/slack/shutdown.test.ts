import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';
import { createSlackApp, type SlackRuntime } from '../../src/slack/app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { postSlashCommand } from '../helpers/slack-request.js';

const SECRET = 'shutdown-secret';
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());

async function startSlowBot(lookupMs: number): Promise<{ runtime: SlackRuntime; url: string }> {
  const runtime = createSlackApp(
    {
      botToken: 'xoxb-shutdown',
      signingSecret: SECRET,
      socketMode: false,
      apiUrl: slack.apiUrl,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      botIdentity: { botId: 'B0BOT', botUserId: 'U0BOT' },
    },
    fakeSlackDeps({
      explain: async () => {
        await new Promise((resolve) => setTimeout(resolve, lookupMs));
        return { results: [], totalRayIds: 0, skippedRayIds: [], paste: { kind: 'plain' } };
      },
    }),
  );
  const { port } = await runtime.start();
  return { runtime, url: `http://127.0.0.1:${port}/slack/events` };
}

it('stop() refuses new requests but lets a lookup in flight finish answering', async () => {
  const { runtime, url } = await startSlowBot(300);
  const ack = await postSlashCommand(url, SECRET, 'Ray ID: 0123456789abcdef', slack.responseUrl('inflight'));
  expect(ack.status).toBe(200);
  await runtime.stop(5_000);
  // The answer was posted before stop() resolved…
  expect(slack.requests.some((r) => r.path === '/response/inflight')).toBe(true);
  // …and nothing listens any more.
  await expect(postSlashCommand(url, SECRET, 'help', slack.responseUrl('late'))).rejects.toThrow();
});

it('stop() gives up waiting after its bound', async () => {
  const { runtime, url } = await startSlowBot(5_000);
  await postSlashCommand(url, SECRET, 'Ray ID: 0123456789abcdef', slack.responseUrl('too-slow'));
  const started = Date.now();
  await runtime.stop(200);
  expect(Date.now() - started).toBeLessThan(4_000);
  expect(slack.requests.some((r) => r.path === '/response/too-slow')).toBe(false);
});
