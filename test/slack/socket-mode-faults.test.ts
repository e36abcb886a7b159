import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackRuntimeError } from '../../src/slack/slack-runtime-error.js';
import { type SocketHarness, startSocketHarness } from '../helpers/socket-harness.js';
import { slashCommandPayload } from '../helpers/socket-payloads.js';

let h: SocketHarness | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  process.off('unhandledRejection', onUnhandled);
  // Nothing the runtime does may leave a rejection unhandled (issue 10: that is how it exited 0).
  expect(unhandled).toEqual([]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fatalCatcher() {
  let resolveFatal: (error: SlackRuntimeError) => void = () => undefined;
  const fatal = new Promise<SlackRuntimeError>((resolve) => {
    resolveFatal = resolve;
  });
  return { fatal, onFatal: (error: SlackRuntimeError) => resolveFatal(error) };
}

async function expectAnswered(harness: SocketHarness, id: string) {
  const sent = harness.socket.send(
    'slash_commands',
    slashCommandPayload('help', harness.slack.responseUrl(id)),
  );
  expect(sent.delivered).toBe(true);
  await harness.socket.waitForAck(sent.envelopeId);
}

const stateLines = (harness: SocketHarness, state: string) =>
  harness.logs.filter(
    (line) => line.includes('"msg":"slack connection"') && line.includes(`"state":"${state}"`),
  );

describe('Socket Mode faults', () => {
  it('survives a 20 s network outage (Web API and links) and answers again afterwards', async () => {
    const { fatal, onFatal } = fatalCatcher();
    h = await startSocketHarness({ env: { HEALTH_PORT: '0' }, startOptions: { onFatal } });
    const harness = h;
    await expectAnswered(harness, 'before');
    harness.slack.setDown(true);
    harness.socket.setDown(true);
    await sleep(1_000);
    const during = await fetch(`http://127.0.0.1:${harness.bot.healthPort}/healthz`);
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ slack: 'reconnecting', draining: false });
    await sleep(19_000);
    harness.slack.setDown(false);
    harness.socket.setDown(false);
    await harness.socket.waitForLiveLinks(1, 10_000);
    await expectAnswered(harness, 'after');
    expect((await fetch(`http://127.0.0.1:${harness.bot.healthPort}/healthz`)).status).toBe(200);
    // One line per change: reconnecting once for the whole outage, connected at start and after it.
    expect(stateLines(harness, 'reconnecting')).toHaveLength(1);
    expect(stateLines(harness, 'connected')).toHaveLength(2);
    const outcome = await Promise.race([fatal, sleep(10).then(() => 'alive')]);
    expect(outcome).toBe('alive');
  }, 60_000);

  it('rides out apps.connections.open failing (HTTP 503) for a while during a reconnect', async () => {
    const { fatal, onFatal } = fatalCatcher();
    h = await startSocketHarness({ startOptions: { onFatal } });
    h.slack.setFailure('apps.connections.open', { status: 503 });
    h.socket.drop();
    await sleep(1_500);
    h.slack.setFailure('apps.connections.open', undefined);
    await h.socket.waitForLiveLinks(1, 10_000);
    await expectAnswered(h, 'after-503');
    expect(await Promise.race([fatal, sleep(10).then(() => 'alive')])).toBe('alive');
  });

  it('replaces a link that went silent (half-open: no pings, no pongs)', async () => {
    h = await startSocketHarness();
    const before = h.socket.stats.helloSent;
    h.socket.stall();
    await h.socket.waitForLiveLinks(1, 10_000);
    expect(h.socket.stats.helloSent).toBe(before + 1);
    await expectAnswered(h, 'after-stall');
  });

  it('gives up with a clear fatal error once Slack has been unreachable past SLACK_OFFLINE_EXIT_MS', async () => {
    const { fatal, onFatal } = fatalCatcher();
    h = await startSocketHarness({ env: { SLACK_OFFLINE_EXIT_MS: '1500' }, startOptions: { onFatal } });
    h.slack.setDown(true);
    h.socket.setDown(true);
    const error = await fatal;
    expect(error.code).toBe('slack_unreachable');
    expect(error.message).toMatch(/unreachable for \d+ s.*supervisor restarts/);
    expect(h.bot.health()).toMatchObject({ slack: 'disconnected' });
  });

  it('stops for good when Slack disables Socket Mode for the app (link_disabled)', async () => {
    const { fatal, onFatal } = fatalCatcher();
    h = await startSocketHarness({ startOptions: { onFatal } });
    h.socket.disconnect('link_disabled');
    const error = await fatal;
    expect(error.code).toBe('socket_mode_disabled');
    expect(error.message).toMatch(/turn Socket Mode on.*SLACK_SOCKET_MODE=false/);
  });

  it('drops only the refused link on too_many_websockets and keeps serving', async () => {
    h = await startSocketHarness();
    h.socket.disconnect('too_many_websockets');
    await h.socket.waitForLiveLinks(1, 10_000);
    await expectAnswered(h, 'after-too-many');
  });
});

describe('startup tells the truth', () => {
  it('refuses to start with an app token Slack rejects, naming SLACK_APP_TOKEN', async () => {
    const started = startSocketHarness({ slack: { appTokens: ['xapp-1-the-real-one'] } });
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackRuntimeError);
    expect((error as SlackRuntimeError).code).toBe('app_token_rejected');
    expect((error as Error).message).toMatch(
      /^SLACK_APP_TOKEN was rejected by Slack \(invalid_auth\): create/,
    );
  });

  it('refuses to start with a bot token Slack rejects, naming SLACK_BOT_TOKEN, before opening any link', async () => {
    const started = startSocketHarness({ slack: { botTokens: ['xoxb-the-real-one'] } });
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackRuntimeError);
    expect((error as SlackRuntimeError).code).toBe('bot_token_rejected');
    expect((error as Error).message).toMatch(/^SLACK_BOT_TOKEN was rejected by Slack \(invalid_auth\)/);
  });

  it('ends the bot, naming SLACK_BOT_TOKEN, when the token is revoked while it runs', async () => {
    const { fatal, onFatal } = fatalCatcher();
    const botTokens = ['xoxb-harness'];
    h = await startSocketHarness({ slack: { botTokens }, startOptions: { onFatal, tokenCheckMs: 100 } });
    botTokens.length = 0;
    const error = await fatal;
    expect(error.code).toBe('bot_token_rejected');
    expect(error.message).toMatch(/^SLACK_BOT_TOKEN is no longer accepted by Slack \(invalid_auth\)/);
  });
});
