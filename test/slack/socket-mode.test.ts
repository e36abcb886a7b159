import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import type { RecordedSlackRequest } from '../../src/sandbox/fake-slack.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { APP_TOKEN, type SocketHarness, startSocketHarness } from '../helpers/socket-harness.js';
import {
  buttonPayload,
  eventCallbackPayload,
  messageShortcutPayload,
  slashCommandPayload,
} from '../helpers/socket-payloads.js';

const HELPDESK = 'C0HELPDESK';
let h: SocketHarness;
let sequence = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000) - 120}.${String(++sequence).padStart(6, '0')}`;

beforeAll(async () => {
  h = await startSocketHarness({
    env: { HELPDESK_USER_IDS: 'U0ALICE', HELPDESK_CHANNEL_IDS: HELPDESK, HEALTH_PORT: '0' },
  });
});
afterAll(() => h?.stop());
beforeEach(() => {
  h.slack.requests.length = 0;
});
afterAll(() => {
  // Whatever the bot sent on the links was an ack for an envelope it got on that link, once.
  expect(h.socket.violations).toEqual([]);
});

const blocksOf = (request: RecordedSlackRequest): string => {
  const body = request.body as Record<string, unknown>;
  return typeof body.blocks === 'string' ? body.blocks : JSON.stringify(body.blocks ?? []);
};

describe('Socket Mode against a protocol-faithful fake', () => {
  it('opens its link with the app-level token, says connected only after hello, and serves /healthz', async () => {
    expect(h.logs.some((line) => line === 'access-why is connected to Slack (Socket Mode)')).toBe(true);
    expect(h.socket.stats.helloSent).toBeGreaterThanOrEqual(1);
    const health = await fetch(`http://127.0.0.1:${h.bot.healthPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ slack: 'connected', draining: false });
  });

  it('acks a slash command on its link by envelope_id, then answers through response_url', async () => {
    const sent = h.socket.send(
      'slash_commands',
      slashCommandPayload(`Ray ID: ${SAMPLE_RAY.ipNotAllowed}`, h.slack.responseUrl('sm-cmd')),
    );
    expect(sent.delivered).toBe(true);
    const ack = await h.socket.waitForAck(sent.envelopeId);
    expect(ack.linkId).toBe(sent.linkId);
    const card = await h.slack.waitFor((r) => r.path === '/response/sm-cmd', 8_000);
    expect(blocksOf(card)).toContain(SAMPLE_RAY.ipNotAllowed);
  });

  it('answers `help` in the ack itself (accepts_response_payload)', async () => {
    const sent = h.socket.send('slash_commands', slashCommandPayload('help', h.slack.responseUrl('sm-help')));
    const ack = await h.socket.waitForAck(sent.envelopeId);
    expect(JSON.stringify(ack.payload)).toMatch(/blocks/);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
  });

  it('acks a message shortcut (interactive) and a card button, and answers both', async () => {
    const message = {
      type: 'message',
      ts: nextTs(),
      user: 'U0CAROL',
      text: `Access says no. Ray ID: ${SAMPLE_RAY.notInInclude}`,
    };
    const shortcut = h.socket.send(
      'interactive',
      messageShortcutPayload(message, h.slack.responseUrl('sm-shortcut')),
    );
    await h.socket.waitForAck(shortcut.envelopeId);
    const card = await h.slack.waitFor((r) => r.path === '/response/sm-shortcut', 8_000);
    const blocks = JSON.parse(blocksOf(card)) as Array<{
      type: string;
      elements?: Array<{ action_id?: string; value?: string }>;
    }>;
    const value = blocks
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === ACTION_IDS.rawEvent)?.value;
    expect(value).toBeTruthy();
    const button = h.socket.send(
      'interactive',
      buttonPayload(ACTION_IDS.rawEvent, value ?? '', h.slack.responseUrl('sm-button')),
    );
    await h.socket.waitForAck(button.envelopeId);
    const raw = await h.slack.waitFor((r) => r.path === '/response/sm-button', 8_000);
    expect(blocksOf(raw)).toMatch(/Raw login event/);
  });

  it('answers a helpdesk message event once, even when Slack re-sends it with retry_attempt', async () => {
    const event = {
      type: 'message',
      channel: HELPDESK,
      channel_type: 'channel',
      user: 'U0ALICE',
      text: `Forbidden.\nRay ID: ${SAMPLE_RAY.warpRequired}`,
      ts: nextTs(),
    };
    const first = h.socket.send('events_api', eventCallbackPayload(event, 'EvSock1'));
    await h.socket.waitForAck(first.envelopeId);
    await h.slack.waitFor((r) => r.path === '/api/chat.update', 8_000);
    const retry = h.socket.send('events_api', eventCallbackPayload(event, 'EvSock1'), {
      retryAttempt: 1,
      retryReason: 'timeout',
    });
    // The re-sent envelope is acked too (or Slack keeps re-sending), but gets no second reply.
    await h.socket.waitForAck(retry.envelopeId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.slack.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1);
    expect(h.slack.requests.filter((r) => r.path === '/api/chat.update')).toHaveLength(1);
  });

  it('opens the next link on `warning` and drops the old one only after, so no command is missed', async () => {
    await h.socket.waitForLiveLinks(1);
    const [old] = h.socket.links().filter((link) => link.live);
    const gaps = h.socket.stats.gaps;
    h.socket.disconnect('warning', old?.id);
    await h.socket.waitForLiveLinks(2);
    h.socket.disconnect('refresh_requested', old?.id);
    // Straight after the refresh: Slack delivers to the new link.
    const sent = h.socket.send(
      'slash_commands',
      slashCommandPayload(`Ray ID: ${SAMPLE_RAY.mtlsMissing}`, h.slack.responseUrl('sm-refresh')),
    );
    expect(sent.delivered).toBe(true);
    expect(sent.linkId).not.toBe(old?.id);
    await h.socket.waitForAck(sent.envelopeId);
    await h.slack.waitFor((r) => r.path === '/response/sm-refresh', 8_000);
    expect(h.socket.stats.undelivered).toBe(0);
    // At no moment was the app without a live link.
    expect(h.socket.stats.gaps).toBe(gaps);
    // The app token went into every apps.connections.open.
    const opens = h.slack.requests.filter((r) => r.path === '/api/apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    for (const open of opens) expect(open.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
  });

  it('on `refresh_requested` alone connects again while the old link still stands', async () => {
    await h.socket.waitForLiveLinks(1);
    const before = h.socket.stats.helloSent;
    h.socket.disconnect('refresh_requested');
    await h.socket.waitForLiveLinks(1);
    expect(h.socket.stats.helloSent).toBe(before + 1);
    const sent = h.socket.send(
      'slash_commands',
      slashCommandPayload('help', h.slack.responseUrl('sm-after')),
    );
    expect(sent.delivered).toBe(true);
    await h.socket.waitForAck(sent.envelopeId);
  });

  it('reconnects by itself after the TCP link is dropped without a close frame', async () => {
    await h.socket.waitForLiveLinks(1);
    const before = h.socket.stats.helloSent;
    h.socket.drop();
    await h.socket.waitForLiveLinks(1);
    expect(h.socket.stats.helloSent).toBeGreaterThan(before);
    const sent = h.socket.send('slash_commands', slashCommandPayload('help', h.slack.responseUrl('sm-drop')));
    await h.socket.waitForAck(sent.envelopeId);
    // One line per state change, no payloads.
    const states = h.logs.filter((line) => line.includes('"msg":"slack connection"'));
    expect(states.some((line) => line.includes('"state":"reconnecting"'))).toBe(true);
    expect(states.join('\n')).not.toMatch(/envelope|payload|xapp-|xoxb-/);
  });
});
