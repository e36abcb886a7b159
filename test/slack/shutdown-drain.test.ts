import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import type { RecordedSlackRequest } from '../../src/sandbox/fake-slack.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { postEvent, postSlashCommand } from '../helpers/slack-request.js';
import { type SocketHarness, startSocketHarness } from '../helpers/socket-harness.js';
import { slashCommandPayload } from '../helpers/socket-payloads.js';

const SECRET = 'drain-signing-secret';
const HELPDESK = 'C0HELPDESK';
let h: Harness | SocketHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const SLOW_ENV = {
  SHUTDOWN_DRAIN_MS: '1000',
  // The drain's own warning is read below.
  LOG_LEVEL: 'warn',
  HELPDESK_CHANNEL_IDS: HELPDESK,
  HELPDESK_USER_IDS: 'U0ALICE',
  // Cloudflare's own deadlines far away: only the shutdown may cut these lookups short.
  CLOUDFLARE_TIMEOUT_MS: '60000',
  CLOUDFLARE_LOOKUP_DEADLINE_MS: '60000',
};

const text = (request: RecordedSlackRequest) => JSON.stringify(request.body);
const slowCloudflare = (harness: Harness) =>
  harness.standIn.injectFault({ kind: 'delay', ms: 30_000, target: 'graphql', times: 1_000 });
/** Resolves once the stand-in has seen `count` GraphQL queries: the lookups are in flight. */
async function lookupsInFlight(harness: Harness, count: number) {
  const deadline = Date.now() + 8_000;
  while (harness.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length < count) {
    if (Date.now() > deadline) throw new Error('lookups never reached Cloudflare');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('shutdown with a slow Cloudflare', () => {
  it('HTTP mode: 503 for new requests at once, every accepted one answered "interrupted", placeholder updated', async () => {
    const harness = await startHarness({ signingSecret: SECRET, env: SLOW_ENV });
    h = harness;
    const queriesBefore = harness.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
    slowCloudflare(harness);
    const acks = await Promise.all(
      [SAMPLE_RAY.ipNotAllowed, SAMPLE_RAY.mtlsMissing].map((ray, i) =>
        postSlashCommand(harness.url, SECRET, `Ray ID: ${ray}`, harness.slack.responseUrl(`slow-${i}`)),
      ),
    );
    for (const ack of acks) expect(ack.status).toBe(200);
    const event = {
      type: 'message',
      channel: HELPDESK,
      channel_type: 'channel',
      user: 'U0ALICE',
      text: `Ray ID: ${SAMPLE_RAY.warpRequired}`,
      ts: `${Math.floor(Date.now() / 1000) - 60}.000100`,
    };
    expect((await postEvent(harness.url, SECRET, event, { eventId: 'EvDrain1' })).status).toBe(200);
    await harness.slack.waitFor((r) => r.path === '/api/chat.postMessage', 8_000);
    await lookupsInFlight(harness, queriesBefore + 1);

    const stopping = harness.bot.stop();
    // Stopped taking work at once: health says so, and a new request is refused, not accepted.
    expect(harness.bot.health()).toMatchObject({ draining: true });
    const late = await postSlashCommand(harness.url, SECRET, 'help', harness.slack.responseUrl('late')).then(
      (response) => response.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    await stopping;

    for (const i of [0, 1]) {
      const answer = await harness.slack.waitFor((r) => r.path === `/response/slow-${i}`, 1);
      expect(text(answer)).toMatch(/interrupted by a restart/);
    }
    const update = await harness.slack.waitFor((r) => r.path === '/api/chat.update', 1);
    expect(text(update)).toMatch(/interrupted by a restart/);
    expect(harness.slack.requests.some((r) => r.path === '/response/late')).toBe(false);
    expect(harness.logs.join('\n')).toMatch(/shutdown deadline reached/);
  });

  it('Socket Mode: envelopes after the drain began are not acked; the accepted command is answered', async () => {
    const harness = await startSocketHarness({ env: SLOW_ENV });
    h = harness;
    const queriesBefore = harness.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
    slowCloudflare(harness);
    const accepted = harness.socket.send(
      'slash_commands',
      slashCommandPayload(`Ray ID: ${SAMPLE_RAY.ipNotAllowed}`, harness.slack.responseUrl('sock-slow')),
    );
    await harness.socket.waitForAck(accepted.envelopeId);
    await lookupsInFlight(harness, queriesBefore + 1);
    const stopping = harness.bot.stop();
    const late = harness.socket.send(
      'slash_commands',
      slashCommandPayload('help', harness.slack.responseUrl('sock-late')),
    );
    await stopping;
    const answer = await harness.slack.waitFor((r) => r.path === '/response/sock-slow', 1);
    expect(text(answer)).toMatch(/interrupted by a restart/);
    // Not acked: Slack tells the user to retry instead of the bot dropping it silently.
    expect(harness.socket.acks.some((ack) => ack.envelopeId === late.envelopeId)).toBe(false);
    expect(harness.socket.links()).toEqual([]);
  });

  it('a drain that finishes early does not wait for the deadline or interrupt anything', async () => {
    const harness = await startHarness({ signingSecret: SECRET, env: { SHUTDOWN_DRAIN_MS: '60000' } });
    h = harness;
    await postSlashCommand(
      harness.url,
      SECRET,
      `Ray ID: ${SAMPLE_RAY.ipNotAllowed}`,
      harness.slack.responseUrl('quick'),
    );
    await harness.bot.stop();
    const answer = await harness.slack.waitFor((r) => r.path === '/response/quick', 1);
    expect(text(answer)).not.toMatch(/interrupted/);
    expect(text(answer)).toContain(SAMPLE_RAY.ipNotAllowed);
  });
});
