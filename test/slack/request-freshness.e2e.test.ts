import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { postEvent, signedHeaders, slashCommandBody } from '../helpers/slack-request.js';

const SECRET = 'freshness-signing-secret';
const SUBJECT_EMAIL = 'priya.shah@personal.example';
const SUBJECT_IP = '198.51.100.23';
let h: Harness;
let counter = 0;

beforeAll(async () => {
  // Debug level on purpose: Bolt and its WebClient dump payloads there, and none may reach the log.
  h = await startHarness({
    signingSecret: SECRET,
    env: {
      LOG_LEVEL: 'debug',
      HELPDESK_USER_IDS: 'U0ALICE',
      HELPDESK_CHANNEL_IDS: 'G0STAFF',
      HELPDESK_STAFF_CHANNEL_IDS: 'G0STAFF',
    },
  });
});
afterAll(async () => {
  await h?.stop();
});
afterEach(() => {
  h.slack.requests.length = 0;
});

function command(text: string, timestamp = Math.floor(Date.now() / 1000)) {
  const id = `fresh-${++counter}`;
  const body = slashCommandBody(text, h.slack.responseUrl(id));
  return {
    id,
    send: () => fetch(h.url, { method: 'POST', headers: signedHeaders(SECRET, body, timestamp), body }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('HTTP mode request freshness', () => {
  it('refuses a timestamp more than 5 minutes in the future or the past with 401, and answers nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Margins of half a minute: the bot's clock moves on while the request travels.
    for (const timestamp of [now + 330, now + 3600, now - 330]) {
      const request = command(SAMPLE_RAY.notInInclude, timestamp);
      expect((await request.send()).status).toBe(401);
    }
    await settle();
    expect(h.slack.requests.filter((r) => r.path.startsWith('/response/'))).toEqual([]);
    // A small clock skew either way is fine.
    expect((await command(SAMPLE_RAY.notInInclude, now + 60).send()).status).toBe(200);
  });

  it('gives an exact replay of a signed command no second answer', async () => {
    const request = command(SAMPLE_RAY.ipNotAllowed);
    expect((await request.send()).status).toBe(200);
    await h.slack.waitFor((r) => r.path === `/response/${request.id}`, 8_000);
    expect((await request.send()).status).toBe(200);
    await settle();
    expect(h.slack.requests.filter((r) => r.path === `/response/${request.id}`)).toHaveLength(1);
  });
});

describe('logs carry no personal data, even at debug', () => {
  it('full cards reach Slack (a command, and a thread in a staff channel), but no email or IP reaches the log', async () => {
    h.logs.length = 0;
    const request = command(SAMPLE_RAY.notInInclude);
    await request.send();
    const answer = await h.slack.waitFor((r) => r.path === `/response/${request.id}`, 8_000);
    expect(answer.rawBody).toContain(SUBJECT_EMAIL);
    // Through the WebClient, whose debug lines dump request bodies and results.
    const event = {
      type: 'message',
      channel: 'G0STAFF',
      user: 'U0BOB',
      text: `Ray ID: ${SAMPLE_RAY.notInInclude}`,
      ts: `${Math.floor(Date.now() / 1000)}.000100`,
    };
    await postEvent(h.url, SECRET, event, { eventId: 'EvFreshLog' });
    const card = await h.slack.waitFor((r) => r.path === '/api/chat.update', 8_000);
    expect(JSON.stringify(card.body)).toContain(SUBJECT_EMAIL);
    await settle();
    const logged = h.logs.join('\n');
    // Bolt's debug output is there (so the check below has something to check).
    expect(h.logs.some((l) => l.startsWith('[DEBUG]'))).toBe(true);
    expect(logged).not.toContain(SUBJECT_EMAIL);
    expect(logged).not.toContain(SUBJECT_IP);
    expect(logged).not.toContain('xoxb-harness');
    // The audit line is still there.
    expect(h.logs.some((l) => l.includes('"event":"lookup"'))).toBe(true);
  });
});
