import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkBlockKitLimits } from '../../src/slack/blocks/limits.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { postSlashCommand } from '../helpers/slack-request.js';

const SIGNING_SECRET = 'e2e-signing-secret';
const CF_TOKEN = 'cf-e2e-token-SECRET-0123456789';
const BOT_TOKEN = 'xoxb-e2e-bot-token-SECRET';

let h: Harness;
let counter = 0;

beforeAll(async () => {
  h = await startHarness({
    cloudflareToken: CF_TOKEN,
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    // The askers in these tests are helpdesk staff; test/slack/privacy.e2e.test.ts covers everyone else.
    env: { HELPDESK_USER_IDS: 'U0ALICE' },
  });
});
afterAll(() => h?.stop());
afterEach(() => h.standIn.clearFaults());

interface Card {
  response_type?: string;
  text: string;
  blocks: Parameters<typeof checkBlockKitLimits>[0]['blocks'];
}

/** Sends `/access-why <text>` and returns the ack and the card posted to response_url. */
async function ask(text: string): Promise<{ status: number; ackBody: string; card: Card }> {
  const id = `cmd-${++counter}`;
  const response = await postSlashCommand(h.url, SIGNING_SECRET, text, h.slack.responseUrl(id));
  const ackBody = await response.text();
  const posted = await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
  const card = posted.body as Card;
  expect(checkBlockKitLimits(card)).toEqual([]);
  return { status: response.status, ackBody, card };
}

const denial = () => {
  const event = h.standIn.dataset.events.find(
    (e) => e.isSuccessfulLogin === 0 && e.identityProvider === 'nonidentity',
  );
  if (!event) throw new Error('dataset needs a non-identity denial');
  return event;
};

describe('/access-why end to end (HTTP mode, signed requests, loopback Slack and Cloudflare)', () => {
  it('serves /healthz', async () => {
    const response = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slack: 'listening', draining: false, cloudflare: 'unknown' });
  });

  it('acks a Ray ID with an empty 200 and answers privately with the card', async () => {
    const event = denial();
    const { status, ackBody, card } = await ask(event.cfRayId);
    expect(status).toBe(200);
    expect(ackBody).toBe('');
    expect(card.response_type).toBe('ephemeral');
    expect(card.text).toContain(event.cfRayId);
    expect(card.text).toMatch(/denied/i);
    const json = JSON.stringify(card.blocks);
    expect(json).toContain(event.cfRayId);
    expect(json).toContain(event.ipAddress);
  });

  it('finds the Ray ID in a whole pasted 403 page, with <!channel> neutralised', async () => {
    const event = denial();
    const page = [
      '<!doctype html><html><head><title>Error – Cloudflare Access</title></head><body>',
      "Forbidden. You don't have permission to view this. Please contact your system administrator.",
      `Status code: 403 <!channel> <@U0BOSS> Ray ID: <strong>${event.cfRayId}</strong> MTLS Status: NONE`,
      '</body></html>',
    ].join('\n');
    const { card } = await ask(page);
    const json = JSON.stringify(card);
    expect(json).toContain(event.cfRayId);
    expect(json).not.toMatch(/<!channel>|<@U0BOSS>/);
  });

  it('answers an unknown Ray ID with a not-found card that names the searched window', async () => {
    const { card } = await ask('Ray ID: 00000000deadbeef');
    expect(card.text).toContain('00000000deadbeef');
    expect(JSON.stringify(card.blocks)).toMatch(/[Ss]earched/);
  });

  it('answers a missing token permission with a card naming the permission, never the token', async () => {
    h.standIn.injectFault({
      target: 'graphql',
      kind: 'status',
      status: 403,
      body: '{"errors":[{"message":"forbidden"}]}',
    });
    const { card } = await ask('Ray ID: 00000000deadbee1');
    const json = JSON.stringify(card);
    expect(json).toContain('Account Analytics Read');
    expect(json).not.toContain(CF_TOKEN);
    expect(json).not.toContain(BOT_TOKEN);
  });

  it('answers a 40 000-character paste inside Block Kit limits', async () => {
    const event = denial();
    const noise = 'lorem ipsum <b>dolor</b> & sit amet '.repeat(1200);
    const { card } = await ask(
      `${noise.slice(0, 20_000)} cf-ray: ${event.cfRayId}-SJC ${noise.slice(0, 19_900)}`,
    );
    expect(JSON.stringify(card.blocks)).toContain(event.cfRayId);
  });

  it('answers a burst of 40 commands at once, each with its card, without a process warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      // Slow answers, so all 40 lookups are in flight together.
      h.standIn.injectFault({ kind: 'delay', ms: 300, target: 'graphql', times: 1000 });
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          ask(`Ray ID: ${(0x7a00_0000_0000_0000n + BigInt(i)).toString(16)}`),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(answers.every((a) => a.card.text.length > 0)).toBe(true);
      // One users.info for the one asker, however many of their commands arrive together.
      expect(h.slack.requests.filter((r) => r.path === '/api/users.info').length).toBeLessThanOrEqual(1);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('explains usage for an empty command and for help, in the ack itself', async () => {
    for (const text of ['', 'help']) {
      const response = await postSlashCommand(h.url, SIGNING_SECRET, text, h.slack.responseUrl('help'));
      expect(response.status).toBe(200);
      const body = (await response.json()) as Card;
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(/access-why/);
      expect(checkBlockKitLimits(body)).toEqual([]);
    }
  });

  it('rejects a bad signature and a stale timestamp with 401 and answers nothing', async () => {
    const bad = await postSlashCommand(
      h.url,
      'wrong-secret',
      denial().cfRayId,
      h.slack.responseUrl('forged'),
    );
    expect(bad.status).toBe(401);
    const staleTs = Math.floor(Date.now() / 1000) - 600;
    const stale = await postSlashCommand(
      h.url,
      SIGNING_SECRET,
      denial().cfRayId,
      h.slack.responseUrl('stale'),
      staleTs,
    );
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.requests.some((r) => r.path === '/response/forged' || r.path === '/response/stale')).toBe(
      false,
    );
  });

  it('never logs a token', () => {
    expect(h.logs.join('\n')).not.toMatch(/SECRET/);
  });
});
