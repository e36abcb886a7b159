import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import type { RecordedSlackRequest } from '../../src/sandbox/fake-slack.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import {
  blockActionPayload,
  postEvent,
  postInteraction,
  postSlashCommand,
} from '../helpers/slack-request.js';

/**
 * End users helping themselves, against the stand-ins: their own denials in the Home tab (Explain
 * opens the full card in a modal), and "Ask the helpdesk" from their private card posting one
 * redacted request that staff can open.
 */
const SECRET = 'self-help-signing-secret';
const OWNER_EMAIL = 'priya.shah@personal.example'; // the subject of SAMPLE_RAY.notInInclude
const HELPDESK = 'C0HELPDESK';
const SHOTS = new URL('../fixtures/screenshots/', import.meta.url);
const shot = (file: string, mimetype: string) => ({ bytes: readFileSync(new URL(file, SHOTS)), mimetype });
let h: Harness;
let sequence = 0;

beforeAll(async () => {
  h = await startHarness({
    signingSecret: SECRET,
    slack: {
      // slashCommandBody() and blockActionPayload() ask as U0ALICE: here she is the sample's Priya.
      users: {
        U0ALICE: OWNER_EMAIL,
        U0NOBODY: 'nobody@elsewhere.example',
        U0CAROL: 'carol@northwind.example',
      },
      usergroups: { S0HELPDESK: ['U0CAROL'] },
      files: {
        F0BLOCKPAGE: shot('access-block.png', 'image/png'),
        F0PHONE: shot('phone-crop.jpg', 'image/jpeg'),
        F0SUNSET: shot('not-a-screenshot.png', 'image/png'),
      },
    },
    env: { HELPDESK_CHANNEL_IDS: HELPDESK, HELPDESK_USERGROUP_ID: 'S0HELPDESK' },
  });
});
afterAll(() => h?.stop());
beforeEach(() => {
  h.slack.requests.length = 0;
});

type Block = {
  type: string;
  elements?: Array<{ action_id?: string; value?: string }>;
  accessory?: { action_id?: string; value?: string };
};

function blocksOf(value: unknown): Block[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (parsed && typeof parsed === 'object' && 'blocks' in parsed) return blocksOf(parsed.blocks);
  return Array.isArray(parsed) ? (parsed as Block[]) : [];
}

function buttonValues(blocks: Block[], actionId: string): string[] {
  return blocks.flatMap((b) =>
    [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]
      .filter((e) => e.action_id === actionId && e.value)
      .map((e) => e.value as string),
  );
}

async function openHome(user: string): Promise<RecordedSlackRequest> {
  await postEvent(
    h.url,
    SECRET,
    { type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME' },
    {
      eventId: `EvHome${++sequence}`,
    },
  );
  return h.slack.waitFor(
    (r) => r.path === '/api/views.publish' && (r.body as Record<string, unknown>).user_id === user,
    10_000,
  );
}

describe('Ray IDs from screenshots', () => {
  const nextTs = () => `${Math.floor(Date.now() / 1000) - 60}.${String(++sequence).padStart(6, '0')}`;
  async function postScreenshot(fileId: string, name: string, mimetype: string, text = '') {
    const event = {
      type: 'message',
      subtype: 'file_share',
      channel: HELPDESK,
      channel_type: 'channel',
      user: 'U0BOB',
      text,
      ts: nextTs(),
      files: [{ id: fileId, name, mimetype, size: 50_000, url_private: h.slack.fileUrl(fileId) }],
    };
    await postEvent(h.url, SECRET, event, { eventId: `EvShot${++sequence}` });
    return event;
  }

  it('a screenshot of an Access 403 page in a helpdesk channel gets a threaded card for its Ray ID', {
    timeout: 90_000,
  }, async () => {
    const event = await postScreenshot(
      'F0BLOCKPAGE',
      'IMG_0042.png',
      'image/png',
      'I can’t get into the wiki',
    );
    const card = await h.slack.waitFor((r) => r.path === '/api/chat.update', 60_000);
    expect((card.body as Record<string, unknown>).channel).toBe(HELPDESK);
    const placeholder = h.slack.requests.find((r) => r.path === '/api/chat.postMessage');
    expect(placeholder?.body).toMatchObject({ thread_ts: event.ts });
    expect(card.rawBody).toContain(SAMPLE_RAY.notInInclude);
    expect(decodeURIComponent(card.rawBody)).toContain('was read from the image');
    expect(decodeURIComponent(card.rawBody)).toContain('Not in any Include rule');
    // A public post: redacted as any other.
    expect(card.rawBody).not.toContain(encodeURIComponent(OWNER_EMAIL));
    // The file was fetched with the bot token.
    const fetched = h.slack.requests.find((r) => r.path === '/files/F0BLOCKPAGE');
    expect(fetched?.headers.authorization).toBe('Bearer xoxb-harness');
  });

  it('a phone screenshot (JPEG) whose Ray ID OCR misreads still finds it', { timeout: 90_000 }, async () => {
    await postScreenshot('F0PHONE', 'photo.jpg', 'image/jpeg');
    const card = await h.slack.waitFor((r) => r.path === '/api/chat.update', 60_000);
    expect(card.rawBody).toContain(SAMPLE_RAY.ipNotAllowed);
    expect(decodeURIComponent(card.rawBody)).toContain('OCR mix-ups');
  });

  it('a picture that is not a screenshot gets the clear note, and nothing is looked up', {
    timeout: 90_000,
  }, async () => {
    h.logs.length = 0;
    const event = await postScreenshot('F0SUNSET', 'sunset.png', 'image/png');
    const note = await h.slack.waitFor((r) => r.path === '/api/chat.postMessage', 60_000);
    expect((note.body as Record<string, unknown>).thread_ts).toBe(event.ts);
    expect(decodeURIComponent(note.rawBody).replaceAll('+', ' ')).toContain(
      'no Ray ID found in the image — paste the text or type the Ray ID',
    );
    expect(h.logs.some((l) => l.includes('"event":"lookup"'))).toBe(false);
  });
});

describe('App Home: my recent Access denials', () => {
  it('lists the user’s own failed logins with a cause, and Explain opens the full card privately', async () => {
    const home = await openHome('U0ALICE');
    const view = (home.body as Record<string, unknown>).view;
    expect(String(view)).toContain(SAMPLE_RAY.notInInclude);
    expect(String(view)).toContain('Not in any Include rule');
    const explain = buttonValues(blocksOf(view), ACTION_IDS.explainFailedLogin);
    expect(explain.length).toBeGreaterThan(0);
    expect(explain.length).toBeLessThanOrEqual(5);
    // Not staff: no configuration check.
    expect(String(view)).not.toContain('Cloudflare token');

    const value = explain.find((v) => v.includes(SAMPLE_RAY.notInInclude)) ?? '';
    h.slack.requests.length = 0;
    const payload = {
      type: 'block_actions',
      trigger_id: '7.8.9',
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0SANDBOX' },
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      api_app_id: 'A0ACCESSWHY',
      token: 'legacy',
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
      actions: [
        { type: 'button', action_id: ACTION_IDS.explainFailedLogin, block_id: 'b', value, action_ts: '1.2' },
      ],
    };
    expect((await postInteraction(h.url, SECRET, payload)).status).toBe(200);
    const opened = await h.slack.waitFor((r) => r.path === '/api/views.open', 8_000);
    expect((opened.body as Record<string, unknown>).trigger_id).toBe('7.8.9');
    const card = await h.slack.waitFor((r) => r.path === '/api/views.update', 8_000);
    expect(card.rawBody).toContain(encodeURIComponent(OWNER_EMAIL));
  });

  it('a Slack user with no Access user is told so plainly', async () => {
    const home = await openHome('U0NOBODY');
    expect(String((home.body as Record<string, unknown>).view)).toContain(
      'Cloudflare Access has no user with your Slack email',
    );
  });

  it('staff also see the configuration check', async () => {
    const home = await openHome('U0CAROL');
    const view = String((home.body as Record<string, unknown>).view);
    expect(view).toContain('Cloudflare token');
    expect(view).toContain('My recent Access denials');
  });
});

describe('Ask the helpdesk', () => {
  it('clicked twice from the user’s own private card posts one redacted request staff can open', async () => {
    const id = `ask-${++sequence}`;
    await postSlashCommand(h.url, SECRET, SAMPLE_RAY.notInInclude, h.slack.responseUrl(id));
    const privateCard = await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
    const [ask] = buttonValues(
      blocksOf((privateCard.body as Record<string, unknown>).blocks),
      ACTION_IDS.askHelpdesk,
    );
    expect(ask).toBeDefined();
    h.slack.requests.length = 0;
    for (const n of [1, 2]) {
      const responseUrl = h.slack.responseUrl(`${id}-click${n}`);
      const payload = blockActionPayload({ actionId: ACTION_IDS.askHelpdesk, value: ask ?? '', responseUrl });
      expect((await postInteraction(h.url, SECRET, payload)).status).toBe(200);
      const updated = await h.slack.waitFor((r) => r.path === `/response/${id}-click${n}`, 8_000);
      expect(updated.body).toMatchObject({ replace_original: true });
      expect(updated.rawBody).toMatch(/sent to the helpdesk/i);
    }
    const posts = h.slack.requests.filter((r) => r.path === '/api/chat.postMessage');
    expect(posts).toHaveLength(1);
    const post = posts[0] as RecordedSlackRequest;
    expect((post.body as Record<string, unknown>).channel).toBe(HELPDESK);
    expect(post.rawBody).toContain(encodeURIComponent('<@U0ALICE>'));
    expect(post.rawBody).not.toContain(encodeURIComponent(OWNER_EMAIL));
    expect(post.rawBody).not.toContain('priya');

    // Staff open the request's Details privately and get the full card.
    const [details] = buttonValues(
      blocksOf((post.body as Record<string, unknown>).blocks),
      ACTION_IDS.details,
    );
    const staffUrl = h.slack.responseUrl(`${id}-staff`);
    await postInteraction(
      h.url,
      SECRET,
      blockActionPayload({
        actionId: ACTION_IDS.details,
        value: details ?? '',
        responseUrl: staffUrl,
        user: 'U0CAROL',
        channel: HELPDESK,
        ephemeral: false,
      }),
    );
    const staffCard = await h.slack.waitFor((r) => r.path === `/response/${id}-staff`, 8_000);
    expect(staffCard.body).toMatchObject({ response_type: 'ephemeral' });
    expect(staffCard.rawBody).toContain(OWNER_EMAIL);
  });
});
