import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Fault } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { postSlashCommand } from '../helpers/slack-request.js';

// Recognisable fake secrets: if any of them shows up in anything the bot emits, the test names it.
const CF_TOKEN = 'cfTOKENcanary0123456789abcdefXYZ';
const BOT_TOKEN = 'xoxb-BOTcanary-0123456789';
const SIGNING_SECRET = 'SIGNINGcanary0123456789';
const CANARIES = [CF_TOKEN, BOT_TOKEN, SIGNING_SECRET, 'canary'];

let h: Harness;
const emitted: string[] = [];
let counter = 0;

// Faults that pause an API (budget, 429) come last: after them the bot rightly stops calling Cloudflare.
// 500 and reset come three times, so the bounded retries end in the error path too.
const FAULTS: Array<[string, Fault | undefined]> = [
  [
    '401 from GraphQL',
    { target: 'graphql', kind: 'status', status: 401, body: '{"errors":[{"message":"Unauthorized"}]}' },
  ],
  [
    '403 from GraphQL',
    { target: 'graphql', kind: 'status', status: 403, body: '{"errors":[{"message":"forbidden"}]}' },
  ],
  [
    '500 from GraphQL',
    { target: 'graphql', kind: 'status', status: 500, body: 'Internal server error', times: 3 },
  ],
  ['malformed GraphQL body', { target: 'graphql', kind: 'malformed' }],
  ['reset connection', { target: 'graphql', kind: 'reset', times: 3 }],
  ['timeout', { target: 'graphql', kind: 'delay', ms: 2_500 }],
  [
    '403 code 10000 from REST',
    {
      target: 'rest',
      kind: 'status',
      status: 403,
      body: '{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}',
      times: 20,
    },
  ],
  ['no fault', undefined],
  [
    '429 code 971 from REST',
    {
      target: 'rest',
      kind: 'status',
      status: 429,
      body: '{"success":false,"errors":[{"code":971,"message":"Please wait"}]}',
      times: 20,
    },
  ],
  ['GraphQL budget', { target: 'graphql', kind: 'graphql_budget' }],
];

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn', 'info', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      emitted.push(args.map(String).join(' '));
    });
  }
  h = await startHarness({
    cloudflareToken: CF_TOKEN,
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    env: { LOG_LEVEL: 'debug', HELPDESK_USER_IDS: 'U0ALICE', CLOUDFLARE_TIMEOUT_MS: '1000' },
  });
});
afterAll(async () => {
  await h?.stop();
  emitted.push(...(h?.logs ?? []));
  vi.restoreAllMocks();
});

describe('secrets never leave the bot', () => {
  it.each(FAULTS)('through Slack, on %s', async (_name, fault) => {
    h.standIn.clearFaults();
    if (fault) h.standIn.injectFault(fault);
    const id = `s-${++counter}`;
    // A fresh Ray ID each time, so no cache hides the failure path.
    const rayId = `${String(counter).padStart(4, '0')}aaaabbbbcccc`;
    await postSlashCommand(
      h.url,
      SIGNING_SECRET,
      `Ray ID: ${rayId} and ${SAMPLE_RAY.notInInclude}`,
      h.slack.responseUrl(id),
    );
    const card = await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
    emitted.push(card.rawBody);
  });

  it.each(FAULTS)('through the CLI, on %s', async (_name, fault) => {
    h.standIn.clearFaults();
    if (fault) h.standIn.injectFault(fault);
    const out: string[] = [];
    for (const format of [[], ['--json'], ['--blocks']]) {
      await runCli(['explain', ...format, `${String(++counter).padStart(4, '0')}ddddeeeeffff`], {
        env: {
          CLOUDFLARE_API_TOKEN: CF_TOKEN,
          CLOUDFLARE_ACCOUNT_ID: h.standIn.dataset.accountId,
          CLOUDFLARE_API_URL: h.standIn.apiUrl,
          CLOUDFLARE_TIMEOUT_MS: '1000',
        },
        stdout: (t) => out.push(t),
        stderr: (t) => out.push(t),
        readStdin: async () => undefined,
        readFile: () => '',
      });
    }
    emitted.push(...out);
  });

  it('nothing emitted (logs, console, cards, CLI output, Slack message bodies) contains a secret', () => {
    // Slack request bodies too, minus the one place the bot token belongs: the credential Slack's Web
    // client sends to Slack itself (Authorization header, and a `token` form field on auth.test).
    const bodies = h.slack.requests.map((r) => {
      const form = new URLSearchParams(r.rawBody);
      form.delete('token');
      return r.rawBody.startsWith('{') ? r.rawBody : form.toString();
    });
    const all = [...emitted, ...h.logs, ...bodies].join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    for (const canary of CANARIES) expect(all, `leaked ${canary}`).not.toContain(canary);
    expect(h.slack.requests.some((r) => r.headers.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
  });
});
