import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sandbox/fake-slack.js';

let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  slack.requests.length = 0;
});

// biome-ignore lint/suspicious/noExplicitAny: the tests walk response JSON by hand and assert on every step.
type Json = any;

const BOT = { authorization: 'Bearer xoxb-fake' };

async function callForm(method: string, fields: Record<string, string>) {
  const response = await fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: { ...BOT, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: (await response.json()) as Json,
  };
}

async function callJson(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...BOT, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

describe('fake Slack', () => {
  it('exposes an API URL with the trailing slash and response URLs under the base URL', () => {
    expect(slack.apiUrl).toBe(`${slack.baseUrl}/api/`);
    expect(slack.responseUrl('abc')).toBe(`${slack.baseUrl}/response/abc`);
    expect(slack.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers auth.test as the sandbox bot', async () => {
    const reply = await callForm('auth.test', {});
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/application\/json/);
    expect(reply.json).toMatchObject({
      ok: true,
      team: 'Sandbox',
      user: 'access-why',
      team_id: 'T0SANDBOX',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
    });
    expect(typeof reply.json.url).toBe('string');
  });

  it('records a form-encoded chat.postMessage and answers with a channel, ts and message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    const reply = await callForm('chat.postMessage', {
      channel: 'C123',
      text: 'hello',
      blocks: JSON.stringify(blocks),
    });
    expect(reply.json).toMatchObject({
      ok: true,
      channel: 'C123',
      message: { text: 'hello', blocks, bot_id: 'B0BOT' },
    });
    expect(reply.json.ts).toMatch(/^\d+\.\d{6}$/);
    expect(reply.json.message.ts).toBe(reply.json.ts);

    const [recorded] = slack.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/api/chat.postMessage' });
    expect(recorded?.headers.authorization).toBe(BOT.authorization);
    expect(recorded?.body).toEqual({ channel: 'C123', text: 'hello', blocks: JSON.stringify(blocks) });
    expect(recorded?.rawBody).toContain('channel=C123');
  });

  it('gives every posted message its own ts and keeps the ts on chat.update', async () => {
    const first = await callJson(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'a' });
    const second = await callJson(`${slack.apiUrl}chat.postMessage`, { channel: 'C1', text: 'b' });
    expect(first.json.ts).not.toBe(second.json.ts);
    const updated = await callJson(`${slack.apiUrl}chat.update`, {
      channel: 'C1',
      ts: first.json.ts,
      text: 'a2',
    });
    expect(updated.json).toMatchObject({
      ok: true,
      channel: 'C1',
      ts: first.json.ts,
      message: { text: 'a2' },
    });
    expect(slack.requests[2]?.body).toEqual({ channel: 'C1', ts: first.json.ts, text: 'a2' });
  });

  it('answers other Web API methods with ok, and Socket Mode with not_allowed_token_type', async () => {
    expect((await callForm('reactions.add', { name: 'eyes' })).json).toEqual({ ok: true });
    expect((await callForm('apps.connections.open', {})).json).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
  });

  it('accepts JSON on a response_url and waitFor finds it', async () => {
    const waiting = slack.waitFor((r) => r.path === '/response/cmd-1', 2_000);
    const reply = await callJson(slack.responseUrl('cmd-1'), { response_type: 'ephemeral', text: 'card' });
    expect(reply).toEqual({ status: 200, json: { ok: true } });
    const recorded = await waiting;
    expect(recorded.body).toEqual({ response_type: 'ephemeral', text: 'card' });
    // Already recorded requests are found at once.
    await expect(slack.waitFor((r) => r.path === '/response/cmd-1')).resolves.toBe(recorded);
  });

  it('rejects waitFor when nothing matches in time', async () => {
    await expect(slack.waitFor((r) => r.path === '/response/never', 20)).rejects.toThrow(
      /no matching request/,
    );
  });

  it('answers paths outside /api and /response with 404', async () => {
    const response = await fetch(`${slack.baseUrl}/elsewhere`);
    expect(response.status).toBe(404);
  });

  it('rejects pending waiters when closed', async () => {
    const other = await startFakeSlack();
    const waiting = other.waitFor(() => false, 60_000);
    await other.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
