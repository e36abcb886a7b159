import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import type { RecordedSlackRequest } from '../../src/sandbox/fake-slack.js';
import { checkBlockKitLimits } from '../../src/slack/blocks/limits.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import {
  blockActionPayload,
  messageShortcutPayload,
  postEvent,
  postInteraction,
} from '../helpers/slack-request.js';

const SECRET = 'surfaces-signing-secret';
const HELPDESK = 'C0HELPDESK';
let h: Harness;
let sequence = 0;

beforeAll(async () => {
  h = await startHarness({
    signingSecret: SECRET,
    env: {
      // The askers in these tests are helpdesk staff; test/slack/privacy.e2e.test.ts covers everyone else.
      HELPDESK_USER_IDS: 'U0ALICE',
      HELPDESK_CHANNEL_IDS: `${HELPDESK}, C0OTHERDESK`,
    },
  });
});
afterAll(() => h?.stop());
beforeEach(() => {
  h.slack.requests.length = 0;
});

interface Message {
  channel?: string;
  ts?: string;
  thread_ts?: string;
  text: string;
  blocks: Parameters<typeof checkBlockKitLimits>[0]['blocks'];
  replace_original?: boolean;
  response_type?: string;
}

/** A Web API call or response_url post as the message it carried (blocks arrive JSON-encoded in forms). */
function asMessage(request: RecordedSlackRequest): Message {
  const body = request.body as Record<string, unknown>;
  const blocks = typeof body.blocks === 'string' ? JSON.parse(body.blocks) : (body.blocks ?? []);
  const message = { ...body, blocks } as Message;
  expect(checkBlockKitLimits(message)).toEqual([]);
  return message;
}

const nextTs = () => `${Math.floor(Date.now() / 1000) - 120}.${String(++sequence).padStart(6, '0')}`;
const calls = (method: string) => h.slack.requests.filter((r) => r.path === `/api/${method}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

function humanMessage(text: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'message',
    channel: HELPDESK,
    channel_type: 'channel',
    user: 'U0ALICE',
    text,
    ts: nextTs(),
    ...overrides,
  };
}

describe('helpdesk channel threads', () => {
  it('answers a pasted 403 page once in its thread, placeholder first, updated in place — even when Slack retries', async () => {
    const event = humanMessage(
      `got this :( \nError – Cloudflare Access\nForbidden.\nRay ID: ${SAMPLE_RAY.notInInclude}`,
    );
    const first = await postEvent(h.url, SECRET, event, { eventId: 'Ev0001' });
    expect(first.status).toBe(200);
    const update = await h.slack.waitFor((r) => r.path === '/api/chat.update', 8_000);
    const retry = await postEvent(h.url, SECRET, event, { eventId: 'Ev0001', retryNum: 1 });
    expect(retry.status).toBe(200);
    await settle();

    const posts = calls('chat.postMessage').map(asMessage);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: HELPDESK, thread_ts: event.ts });
    expect(posts[0]?.text).toMatch(/Looking up 27bc10c8…/);
    const card = asMessage(update);
    // The update targets the placeholder (a ts the fake issued), in the same channel.
    expect(card).toMatchObject({ channel: HELPDESK, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(card.ts).not.toBe(event.ts);
    expect(JSON.stringify(card.blocks)).toContain(SAMPLE_RAY.notInInclude);
    expect(card.text).toMatch(/Not in any Include rule/);
    expect(calls('chat.update')).toHaveLength(1);
  });

  it('answers a file share with a pasted snippet, and an app_mention in any channel', async () => {
    await postEvent(
      h.url,
      SECRET,
      humanMessage('see file', {
        subtype: 'file_share',
        files: [{ preview: `cf-ray: ${SAMPLE_RAY.warpRequired}-SJC` }],
      }),
      { eventId: 'Ev0002' },
    );
    const mention = {
      type: 'app_mention',
      channel: 'C0RANDOM',
      user: 'U0BOB',
      text: `<@U0BOT> why ${SAMPLE_RAY.ipNotAllowed}?`,
      ts: nextTs(),
    };
    await postEvent(h.url, SECRET, mention, { eventId: 'Ev0003' });
    await h.slack.waitFor(
      (r) => r.path === '/api/chat.update' && asMessage(r).text.includes(SAMPLE_RAY.ipNotAllowed),
      8_000,
    );
    await h.slack.waitFor(
      (r) => r.path === '/api/chat.update' && asMessage(r).text.includes(SAMPLE_RAY.warpRequired),
      8_000,
    );
    const threads = calls('chat.postMessage')
      .map(asMessage)
      .map((m) => [m.channel, m.thread_ts]);
    expect(threads).toContainEqual(['C0RANDOM', mention.ts]);
  });

  it('ignores bot posts (with or without bot_message), edits, its own posts, other channels and plain chatter', async () => {
    const ray = `Ray ID: ${SAMPLE_RAY.mtlsMissing}`;
    const ignored = [
      humanMessage(ray, { bot_id: 'B0OTHER' }),
      humanMessage(ray, { subtype: 'bot_message', bot_id: 'B0OTHER', user: undefined }),
      humanMessage(ray, { user: 'U0BOT' }),
      humanMessage(ray, { subtype: 'message_changed', message: { text: ray } }),
      humanMessage(ray, { channel: 'C0NOTWATCHED' }),
      humanMessage('no ray id here, just a 403'),
    ];
    for (const [i, event] of ignored.entries())
      await postEvent(h.url, SECRET, event, { eventId: `EvIgnore${i}` });
    await settle();
    expect(calls('chat.postMessage')).toEqual([]);
  });

  it('gives each of many Ray IDs a card up to the cap, then one summary message', async () => {
    const rays = [
      SAMPLE_RAY.mtlsMissing,
      SAMPLE_RAY.warpRequired,
      SAMPLE_RAY.ipNotAllowed,
      SAMPLE_RAY.notInInclude,
      SAMPLE_RAY.blockPolicyMatched,
    ];
    const event = humanMessage(rays.map((r) => `Ray ID: ${r}`).join('\n'));
    await postEvent(h.url, SECRET, event, { eventId: 'Ev0004' });
    await h.slack.waitFor(
      (r) =>
        r.path === '/api/chat.postMessage' &&
        /more Ray IDs?, in brief/.test(JSON.stringify(asMessage(r).blocks)),
      8_000,
    );
    const replies = calls('chat.postMessage').map(asMessage);
    // Placeholder (then updated with card 1), cards 2 and 3, and the summary of the last two.
    expect(replies).toHaveLength(4);
    expect(replies.every((m) => m.thread_ts === event.ts)).toBe(true);
    const summary = JSON.stringify(replies[3]?.blocks);
    expect(summary).toContain(SAMPLE_RAY.notInInclude);
    expect(summary).toContain(SAMPLE_RAY.blockPolicyMatched);
  });
});

describe('message shortcut and buttons', () => {
  const buttonPayload = (actionId: string, value: string, responseId: string, ephemeral = true) =>
    blockActionPayload({
      actionId,
      value,
      responseUrl: h.slack.responseUrl(responseId),
      ephemeral,
      messageTs: nextTs(),
    });

  async function shortcutCard(rayId: string, id: string): Promise<Message> {
    // A message with no text at all: the Ray ID is only in its blocks.
    const message = {
      type: 'message',
      ts: nextTs(),
      user: 'U0CAROL',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Access says no. Ray ID: ${rayId}` } }],
    };
    const response = await postInteraction(
      h.url,
      SECRET,
      messageShortcutPayload({ message, responseUrl: h.slack.responseUrl(id) }),
    );
    expect(response.status).toBe(200);
    return asMessage(await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000));
  }

  const buttonValue = (card: Message, actionId: string): string => {
    for (const block of card.blocks) {
      if (block.type !== 'actions') continue;
      for (const element of block.elements) {
        if (element.type === 'button' && element.action_id === actionId && element.value)
          return element.value;
      }
    }
    throw new Error(`no ${actionId} button on the card`);
  };

  it('explains a message that has blocks but no text, privately, with buttons', async () => {
    const card = await shortcutCard(SAMPLE_RAY.notInInclude, 'sc1');
    expect(card.response_type).toBe('ephemeral');
    expect(JSON.stringify(card.blocks)).toContain(SAMPLE_RAY.notInInclude);
    for (const id of [ACTION_IDS.share, ACTION_IDS.rawEvent, ACTION_IDS.failedLogins])
      expect(buttonValue(card, id)).toBeTruthy();
  });

  it('Share in thread posts the card into the original thread and updates the private card', async () => {
    const card = await shortcutCard(SAMPLE_RAY.notInInclude, 'sc2');
    const value = buttonValue(card, ACTION_IDS.share);
    const thread = (JSON.parse(value.slice(value.indexOf('.') + 1)) as { t: string }).t;
    await postInteraction(h.url, SECRET, buttonPayload(ACTION_IDS.share, value, 'b-share'));
    const shared = asMessage(await h.slack.waitFor((r) => r.path === '/api/chat.postMessage', 8_000));
    expect(shared).toMatchObject({ channel: 'C0GENERAL', thread_ts: thread });
    expect(JSON.stringify(shared.blocks)).not.toContain(ACTION_IDS.share);
    const updated = asMessage(await h.slack.waitFor((r) => r.path === '/response/b-share', 8_000));
    expect(updated.replace_original).toBe(true);
    expect(JSON.stringify(updated.blocks)).toContain('Shared by <@U0ALICE>');
  });

  it('Show raw event and Recent failed logins update the card', async () => {
    const card = await shortcutCard(SAMPLE_RAY.notInInclude, 'sc3');
    await postInteraction(
      h.url,
      SECRET,
      buttonPayload(ACTION_IDS.rawEvent, buttonValue(card, ACTION_IDS.rawEvent), 'b-raw'),
    );
    const raw = asMessage(await h.slack.waitFor((r) => r.path === '/response/b-raw', 8_000));
    expect(raw.replace_original).toBe(true);
    expect(JSON.stringify(raw.blocks)).toMatch(/Raw login event/);
    expect(JSON.stringify(raw.blocks)).toContain('isSuccessfulLogin');
    await postInteraction(
      h.url,
      SECRET,
      buttonPayload(ACTION_IDS.failedLogins, buttonValue(card, ACTION_IDS.failedLogins), 'b-fl'),
    );
    const failures = asMessage(await h.slack.waitFor((r) => r.path === '/response/b-fl', 8_000));
    expect(JSON.stringify(failures.blocks)).toMatch(/Recent failed logins/);
  });

  it('Search further back widens a not-found search to the retention', async () => {
    const card = await shortcutCard('00000000deadbeef', 'sc4');
    const value = buttonValue(card, ACTION_IDS.searchFurther);
    await postInteraction(h.url, SECRET, buttonPayload(ACTION_IDS.searchFurther, value, 'b-further'));
    const wider = asMessage(await h.slack.waitFor((r) => r.path === '/response/b-further', 8_000));
    expect(wider.replace_original).toBe(true);
    expect(JSON.stringify(wider.blocks)).toMatch(/retention/);
    expect(() => buttonValue(wider, ACTION_IDS.searchFurther)).toThrow();
  });

  it('refuses a button value it did not sign, saying so to the clicker only', async () => {
    await postInteraction(
      h.url,
      SECRET,
      buttonPayload(ACTION_IDS.rawEvent, '{"r":"<!channel>"}', 'b-forged'),
    );
    const refusal = asMessage(await h.slack.waitFor((r) => r.path === '/response/b-forged', 8_000));
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(refusal.text).toMatch(/no longer works|not made by access-why/);
    expect(JSON.stringify(refusal)).not.toContain('&lt;!channel');
    expect(calls('chat.postMessage')).toHaveLength(0);
  });
});

describe('App Home', () => {
  it('publishes usage, the token check and the watched channels', async () => {
    await postEvent(
      h.url,
      SECRET,
      { type: 'app_home_opened', user: 'U0ALICE', channel: 'D0HOME', tab: 'home', event_ts: nextTs() },
      { eventId: 'EvHome' },
    );
    const publish = await h.slack.waitFor((r) => r.path === '/api/views.publish', 8_000);
    const body = publish.body as Record<string, string>;
    const view = JSON.parse(body.view ?? '{}') as { type: string; blocks: unknown[] };
    expect(body.user_id).toBe('U0ALICE');
    expect(view.type).toBe('home');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('✅ *Account Analytics Read*');
    expect(text).toContain('✅ *Access: Apps and Policies Read*');
    expect(text).toContain(`<#${HELPDESK}>`);
    expect(text).toContain('<#C0OTHERDESK>');
  });
});
