import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../src/sandbox/fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from './helpers/fake-socket-mode.js';
import { postEvent, postSlashCommand } from './helpers/slack-request.js';
import { slashCommandPayload } from './helpers/socket-payloads.js';
import { type SpawnedBot, spawnBot } from './helpers/spawn-bot.js';

const SECRET = 'process-signing-secret';
const CF_TOKEN = 'process-cf-token-SECRET';
const BOT_TOKEN = 'xoxb-process-bot-SECRET';
const APP_TOKEN = 'xapp-1-process-app-SECRET';
let standIn: CloudflareStandIn;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: CF_TOKEN });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  standIn.clearFaults();
});
afterAll(() => standIn.close());

async function fakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const slack = await startFakeSlack(options);
  cleanups.push(() => slack.close());
  return slack;
}

function start(env: Record<string, string>): SpawnedBot {
  const bot = spawnBot({
    CLOUDFLARE_API_TOKEN: CF_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
    CLOUDFLARE_API_URL: standIn.apiUrl,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    HOST: '127.0.0.1',
    ...env,
  });
  cleanups.push(() => bot.kill());
  return bot;
}

const httpEnv = (slack: FakeSlack, extra: Record<string, string> = {}) => ({
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_SOCKET_MODE: 'false',
  SLACK_API_URL: slack.apiUrl,
  PORT: '0',
  ...extra,
});

async function socketMode(): Promise<{ slack: FakeSlack; socket: FakeSocketMode }> {
  const socket = await startFakeSocketMode();
  cleanups.push(() => socket.close());
  const slack = await fakeSlack({
    botTokens: [BOT_TOKEN],
    appTokens: [APP_TOKEN],
    socketModeUrl: () => socket.url(),
  });
  return { slack, socket };
}

const socketEnv = (slack: FakeSlack, extra: Record<string, string> = {}) => ({
  SLACK_APP_TOKEN: APP_TOKEN,
  SLACK_API_URL: slack.apiUrl,
  ...extra,
});

describe('the bot as a process, HTTP mode', () => {
  it('answers a signed /access-why with a pasted page, then stops cleanly on SIGTERM', async () => {
    const slack = await fakeSlack();
    const bot = start(httpEnv(slack));
    const [, port] = await bot.waitForOutput(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const page = `Error – Cloudflare Access\nForbidden. You don't have permission to view this.\nRay ID: ${SAMPLE_RAY.ipNotAllowed}`;
    const response = await postSlashCommand(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      page,
      slack.responseUrl('proc'),
    );
    expect(response.status).toBe(200);
    const card = await slack.waitFor((r) => r.path === '/response/proc', 8_000);
    expect(JSON.stringify(card.body)).toContain(SAMPLE_RAY.ipNotAllowed);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.output()).toMatch(/SIGTERM received, stopping/);
    expect(bot.output()).not.toMatch(/SECRET/);
  });

  it('SIGTERM with a slow Cloudflare: every accepted request answered, placeholder updated, exit 0 within the bound', async () => {
    const drainMs = 1_500;
    const slack = await fakeSlack();
    const bot = start(
      httpEnv(slack, {
        SHUTDOWN_DRAIN_MS: String(drainMs),
        HELPDESK_CHANNEL_IDS: 'C0HELPDESK',
        CLOUDFLARE_TIMEOUT_MS: '60000',
        CLOUDFLARE_LOOKUP_DEADLINE_MS: '60000',
      }),
    );
    const [, port] = await bot.waitForOutput(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const url = `http://127.0.0.1:${port}/slack/events`;
    const queriesBefore = standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
    standIn.injectFault({ kind: 'delay', ms: 30_000, target: 'graphql', times: 1_000 });
    const rays = [SAMPLE_RAY.ipNotAllowed, SAMPLE_RAY.mtlsMissing, SAMPLE_RAY.notInInclude];
    for (const [i, ray] of rays.entries()) {
      const ack = await postSlashCommand(url, SECRET, `Ray ID: ${ray}`, slack.responseUrl(`slow-${i}`));
      expect(ack.status).toBe(200);
    }
    const event = {
      type: 'message',
      channel: 'C0HELPDESK',
      channel_type: 'channel',
      user: 'U0ALICE',
      text: `Ray ID: ${SAMPLE_RAY.warpRequired}`,
      ts: `${Math.floor(Date.now() / 1000) - 60}.000200`,
    };
    expect((await postEvent(url, SECRET, event, { eventId: 'EvProcDrain' })).status).toBe(200);
    await slack.waitFor((r) => r.path === '/api/chat.postMessage', 8_000);
    const deadline = Date.now() + 8_000;
    while (standIn.requests.filter((r) => r.path.endsWith('/graphql')).length <= queriesBefore) {
      if (Date.now() > deadline) throw new Error('lookups never reached Cloudflare');
      await new Promise((r) => setTimeout(r, 20));
    }

    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    const took = Date.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    // The bound is the drain plus 2 s (the process's own backstop would exit 1 past it); 1 s slack
    // here for a loaded machine.
    expect(took).toBeLessThan(drainMs + 3_000);
    for (const i of rays.keys()) {
      const answer = slack.requests.find((r) => r.path === `/response/slow-${i}`);
      expect(JSON.stringify(answer?.body)).toMatch(/interrupted by a restart/);
    }
    const update = slack.requests.find((r) => r.path === '/api/chat.update');
    expect(JSON.stringify(update?.body)).toMatch(/interrupted by a restart/);
    expect(bot.output()).not.toMatch(/SECRET|unhandled rejection/);
  });

  it('demands SLACK_SIGNING_SECRET in HTTP mode only, naming it (exit 2)', async () => {
    const slack = await fakeSlack();
    const bot = start({ SLACK_SOCKET_MODE: 'false', SLACK_API_URL: slack.apiUrl, PORT: '0' });
    expect((await bot.exited).code).toBe(2);
    expect(bot.output()).toMatch(/SLACK_SIGNING_SECRET is required in HTTP mode/);
  });
});

describe('the bot as a process, Socket Mode', () => {
  it('connects without a signing secret, answers, rides out a dropped link and an outage, and exits 0 on SIGTERM', async () => {
    const { slack, socket } = await socketMode();
    const bot = start(socketEnv(slack, { HEALTH_PORT: '0' }));
    await bot.waitForOutput(/connected to Slack \(Socket Mode\)/);
    const [, healthPort] = await bot.waitForOutput(/health check on http:\/\/127\.0\.0\.1:(\d+)\/healthz/);
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    socket.drop();
    slack.setDown(true);
    socket.setDown(true);
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(503);
    slack.setDown(false);
    socket.setDown(false);
    await socket.waitForLiveLinks(1, 15_000);
    const sent = socket.send('slash_commands', slashCommandPayload('help', slack.responseUrl('proc-sock')));
    await socket.waitForAck(sent.envelopeId);
    expect(bot.child.exitCode).toBeNull();
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.output()).not.toMatch(/SECRET|unhandled rejection/);
  }, 40_000);

  it('exits non-zero with one clear line when Slack stays unreachable past SLACK_OFFLINE_EXIT_MS', async () => {
    const { slack, socket } = await socketMode();
    const bot = start(socketEnv(slack, { SLACK_OFFLINE_EXIT_MS: '1500' }));
    await bot.waitForOutput(/connected to Slack \(Socket Mode\)/);
    slack.setDown(true);
    socket.setDown(true);
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    const lines = bot.output().split('\n');
    expect(lines.filter((line) => line.startsWith('access-why cannot continue:'))).toEqual([
      expect.stringMatching(/Slack Socket Mode unreachable for \d+ s .*supervisor restarts the bot/),
    ]);
  });

  it('refuses to start with a revoked bot token: exit 1 naming SLACK_BOT_TOKEN, never "connected"', async () => {
    const { slack } = await socketMode();
    const bot = start(socketEnv(slack, { SLACK_BOT_TOKEN: 'xoxb-revoked-SECRET' }));
    expect((await bot.exited).code).toBe(1);
    expect(bot.output()).toMatch(
      /^access-why cannot start: SLACK_BOT_TOKEN was rejected by Slack \(invalid_auth\)/m,
    );
    expect(bot.output()).not.toMatch(/is connected to Slack|SECRET/);
  });

  it('refuses to start with a wrong app token: exit 1 naming SLACK_APP_TOKEN', async () => {
    const { slack } = await socketMode();
    const bot = start(socketEnv(slack, { SLACK_APP_TOKEN: 'xapp-1-wrong-SECRET' }));
    expect((await bot.exited).code).toBe(1);
    expect(bot.output()).toMatch(
      /^access-why cannot start: SLACK_APP_TOKEN was rejected by Slack \(invalid_auth\)/m,
    );
    expect(bot.output()).not.toMatch(/is connected to Slack|SECRET/);
  });
});
