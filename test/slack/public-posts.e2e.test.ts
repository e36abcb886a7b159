import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import type { RecordedSlackRequest } from '../../src/sandbox/fake-slack.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { personalValues } from '../helpers/personal-values.js';
import {
  blockActionPayload,
  messageShortcutPayload,
  postEvent,
  postInteraction,
} from '../helpers/slack-request.js';

/**
 * Public posts are judged by who can read them: the subject's email, IP, user UUID, device, token,
 * policies and failed logins reach a channel only when it is a staff channel; everyone else gets
 * the full card privately, through Details, if they are staff or the subject.
 */
const SECRET = 'public-posts-signing-secret';
const OWNER_EMAIL = 'priya.shah@personal.example'; // the subject of SAMPLE_RAY.notInInclude
const HELPDESK = 'C0HELPDESK';
const STAFF_ROOM = 'G0STAFFROOM';
let h: Harness;
let sequence = 0;

beforeAll(async () => {
  h = await startHarness({
    signingSecret: SECRET,
    slack: {
      users: { U0BOB: 'bob@northwind.example', U0PRIYA: OWNER_EMAIL, U0CAROL: 'carol@northwind.example' },
      usergroups: { S0HELPDESK: ['U0CAROL'] },
      channels: { [STAFF_ROOM]: { isPrivate: true }, [HELPDESK]: { isPrivate: false } },
    },
    env: {
      HELPDESK_CHANNEL_IDS: `${HELPDESK},${STAFF_ROOM}`,
      HELPDESK_STAFF_CHANNEL_IDS: STAFF_ROOM,
      HELPDESK_USERGROUP_ID: 'S0HELPDESK',
    },
  });
});
afterAll(() => h?.stop());
beforeEach(() => {
  h.slack.requests.length = 0;
});

const nextTs = () => `${Math.floor(Date.now() / 1000) - 60}.${String(++sequence).padStart(6, '0')}`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** Everything the bot sent to a channel (not to one person) since the last reset, decoded. */
function publicPosts(): string {
  return h.slack.requests
    .filter((r) => r.path === '/api/chat.postMessage' || r.path === '/api/chat.update')
    .map((r) => JSON.stringify(r.body))
    .join('\n')
    .replaceAll('\\"', '"');
}

/** Posts `text` as `user` in `channel` (a helpdesk message, or a mention) and waits for the card. */
async function post(
  user: string,
  channel: string,
  text: string,
  kind: 'message' | 'app_mention' = 'message',
) {
  const event = { type: kind, channel, channel_type: 'channel', user, text, ts: nextTs() };
  await postEvent(h.url, SECRET, event, { eventId: `EvPublic${++sequence}` });
  const update = await h.slack.waitFor((r) => r.path === '/api/chat.update', 8_000);
  await settle();
  return { event, card: JSON.parse(JSON.stringify(update.body)) as Record<string, unknown> };
}

function buttonValue(body: Record<string, unknown>, actionId: string): string {
  const blocks = (typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks) as Array<{
    type: string;
    elements?: Array<{ action_id?: string; value?: string }>;
  }>;
  for (const block of blocks)
    for (const element of block.elements ?? [])
      if (element.action_id === actionId && element.value) return element.value;
  throw new Error(`no ${actionId} button`);
}

async function click(
  actionId: string,
  value: string,
  user: string,
  channel: string,
  options: { ephemeral?: boolean } = {},
): Promise<RecordedSlackRequest> {
  const id = `click-${++sequence}`;
  const payload = blockActionPayload({
    actionId,
    value,
    user,
    channel,
    ephemeral: options.ephemeral ?? false,
    responseUrl: h.slack.responseUrl(id),
    messageTs: nextTs(),
  });
  const response = await postInteraction(h.url, SECRET, payload);
  expect(response.status).toBe(200);
  return h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
}

describe('a public post shows only what everyone in the channel may see', () => {
  it('helpdesk threads carry nothing identifying, for every sample event, whoever posts', async () => {
    const featured = h.standIn.dataset.events.filter((e) => !e.background);
    expect(featured.length).toBeGreaterThan(10);
    for (const poster of ['U0BOB', 'U0CAROL']) {
      for (const event of featured) {
        h.slack.requests.length = 0;
        await post(poster, HELPDESK, `Ray ID: ${event.cfRayId}`);
        const posted = publicPosts();
        expect(posted).toContain(event.cfRayId);
        for (const value of personalValues(h.standIn.dataset, event.cfRayId))
          expect(posted, `${poster}: ${event.cfRayId} leaks ${value}`).not.toContain(value);
      }
    }
  });

  it('a staff member’s mention in a public channel is redacted too, and still says what to do', async () => {
    const { card } = await post('U0CAROL', 'C0GENERAL', `<@U0BOT> ${SAMPLE_RAY.notInInclude}`, 'app_mention');
    const text = JSON.stringify(card);
    expect(text).not.toContain(OWNER_EMAIL);
    expect(text).toMatch(/Not in any Include rule/);
    expect(text).toContain(ACTION_IDS.details);
  });

  it('Share in thread from a staff member’s private card posts a redacted card, only where the click happened', async () => {
    const id = `sc-${++sequence}`;
    const message = {
      type: 'message',
      ts: nextTs(),
      user: 'U0PRIYA',
      text: `Ray ID ${SAMPLE_RAY.notInInclude}`,
    };
    await postInteraction(
      h.url,
      SECRET,
      messageShortcutPayload({
        message,
        user: 'U0CAROL',
        channel: 'C0GENERAL',
        responseUrl: h.slack.responseUrl(id),
      }),
    );
    const privateCard = await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
    expect(privateCard.rawBody).toContain(OWNER_EMAIL);
    const share = buttonValue(privateCard.body as Record<string, unknown>, ACTION_IDS.share);
    h.slack.requests.length = 0;
    // Clicked from a card in C0GENERAL: the post goes there, whatever else anyone might claim.
    await click(ACTION_IDS.share, share, 'U0CAROL', 'C0GENERAL', { ephemeral: true });
    const shared = await h.slack.waitFor((r) => r.path === '/api/chat.postMessage', 8_000);
    expect((shared.body as Record<string, unknown>).channel).toBe('C0GENERAL');
    expect((shared.body as Record<string, unknown>).thread_ts).toBe(message.ts);
    expect(publicPosts()).not.toContain(OWNER_EMAIL);
    expect(publicPosts()).not.toContain('198.51.100.23');
  });

  it('in a staff channel the thread reply is the full card', async () => {
    const { card } = await post('U0BOB', STAFF_ROOM, `Ray ID: ${SAMPLE_RAY.notInInclude}`);
    expect(JSON.stringify(card)).toContain(OWNER_EMAIL);
    expect(JSON.stringify(card)).not.toContain(ACTION_IDS.details);
  });
});

describe('Details: the full card privately, for those allowed', () => {
  it('answers staff and the subject in full and everyone else redacted, always ephemerally', async () => {
    const { card } = await post('U0BOB', HELPDESK, `Ray ID: ${SAMPLE_RAY.notInInclude}`);
    const details = buttonValue(card, ACTION_IDS.details);
    for (const [user, full] of [
      ['U0CAROL', true],
      ['U0PRIYA', true],
      ['U0BOB', false],
    ] as const) {
      h.slack.requests.length = 0;
      const answer = await click(ACTION_IDS.details, details, user, HELPDESK);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(answer.rawBody.includes(OWNER_EMAIL), user).toBe(full);
      expect(h.slack.requests.filter((r) => r.path.startsWith('/api/chat.'))).toEqual([]);
    }
  });
});

describe('buttons trust nothing they carry', () => {
  const payloadOf = (value: string) => value.slice(value.indexOf('.') + 1);
  const signatureOf = (value: string) => value.slice(0, value.indexOf('.'));

  it('refuses an edited signature, another Ray ID, a channel smuggled into the value, or a value moved to another button', async () => {
    const { card } = await post('U0BOB', HELPDESK, `Ray ID: ${SAMPLE_RAY.notInInclude}`);
    const good = buttonValue(card, ACTION_IDS.details);
    const flipped = `${signatureOf(good).slice(0, -2)}${signatureOf(good).endsWith('AA') ? 'BB' : 'AA'}.${payloadOf(good)}`;
    const otherRay = `${signatureOf(good)}.${payloadOf(good).replace(SAMPLE_RAY.notInInclude, SAMPLE_RAY.ipNotAllowed)}`;
    const withChannel = `${signatureOf(good)}.${JSON.stringify({ ...JSON.parse(payloadOf(good)), c: STAFF_ROOM })}`;
    for (const [actionId, value] of [
      [ACTION_IDS.details, flipped],
      [ACTION_IDS.details, otherRay],
      [ACTION_IDS.details, withChannel],
      [ACTION_IDS.share, good],
    ] as const) {
      h.slack.requests.length = 0;
      const answer = await click(actionId, value, 'U0CAROL', HELPDESK);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
      expect((answer.body as Record<string, string>).text).toMatch(
        /not made by access-why, or it was changed/,
      );
      expect(answer.rawBody).not.toContain(OWNER_EMAIL);
      await settle();
      expect(h.slack.requests.filter((r) => r.path.startsWith('/api/chat.'))).toEqual([]);
    }
  });

  it('records the origin channel, the target and the team in the audit line', async () => {
    h.logs.length = 0;
    await post('U0BOB', HELPDESK, `Ray ID: ${SAMPLE_RAY.ipNotAllowed}`);
    const audit = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.event === 'lookup');
    expect(audit).toMatchObject({
      user: 'U0BOB',
      team: 'T0SANDBOX',
      channel: HELPDESK,
      target: HELPDESK,
      surface: 'helpdesk_thread',
      redacted: true,
    });
  });
});
