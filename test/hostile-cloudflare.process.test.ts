import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { createSampleDataset, SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { type FakeSlack, startFakeSlack } from '../src/sandbox/fake-slack.js';
import { ID } from '../src/sandbox/sample/ids.js';
import type { AccessGroup } from '../src/sandbox/sample/wire-types.js';
import { postSlashCommand } from './helpers/slack-request.js';
import { type SpawnedBot, spawnBot } from './helpers/spawn-bot.js';

/**
 * Cloudflare data that used to kill the process, against the bot as `npm start` runs it (128 MB old
 * space): a rule-group fan-out 24 levels deep (2^24 paths when walked as a tree) and a 150 MB GraphQL
 * answer. Each must end in a card, and the process must go on answering.
 */
const SECRET = 'hostile-cf-signing-secret';
const CF_TOKEN = 'hostile-cf-token';
const MB = 1024 * 1024;
const DEPTH = 24;
let standIn: CloudflareStandIn;
let slack: FakeSlack;
let bot: SpawnedBot;
let url: string;
let counter = 0;

function fanOutGroups(): AccessGroup[] {
  return Array.from({ length: DEPTH + 1 }, (_, level) => ({
    id: `fan-${level}`,
    name: `Fan-out level ${level}`,
    // Each level needs the next one twice (no cycle): a tree walk doubles the work per level.
    include:
      level === DEPTH
        ? [{ email_domain: { domain: 'fanout.example' } }]
        : [{ group: { id: `fan-${level + 1}` } }, { group: { id: `fan-${level + 1}` } }],
    require: level === DEPTH ? [] : [{ group: { id: `fan-${level + 1}` } }],
    exclude: [],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  }));
}

beforeAll(async () => {
  const dataset = createSampleDataset(new Date());
  dataset.groups.push(...fanOutGroups());
  const wiki = dataset.apps.find((app) => app.id === ID.appWiki);
  const first = wiki?.policies[0];
  if (!first) throw new Error('sample dataset lost the wiki app');
  first.include = [{ group: { id: 'fan-0' } }];
  standIn = await startCloudflareStandIn({ token: CF_TOKEN, dataset });
  slack = await startFakeSlack();
  bot = spawnBot({
    CLOUDFLARE_API_TOKEN: CF_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
    CLOUDFLARE_API_URL: standIn.apiUrl,
    CLOUDFLARE_LOOKUP_DEADLINE_MS: '60000',
    CLOUDFLARE_TIMEOUT_MS: '60000',
    SLACK_BOT_TOKEN: 'xoxb-hostile-cf',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_SOCKET_MODE: 'false',
    SLACK_API_URL: slack.apiUrl,
    HELPDESK_USER_IDS: 'U0ALICE',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const [, port] = await bot.waitForOutput(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
  url = `http://127.0.0.1:${port}/slack/events`;
}, 40_000);
afterAll(async () => {
  bot?.kill();
  await slack?.close();
  await standIn?.close();
});

async function ask(text: string): Promise<string> {
  const id = `hostile-${++counter}`;
  const response = await postSlashCommand(url, SECRET, text, slack.responseUrl(id));
  expect(response.status).toBe(200);
  return (await slack.waitFor((r) => r.path === `/response/${id}`, 50_000)).rawBody;
}

describe('Cloudflare data cannot kill the bot', () => {
  it('a rule-group fan-out 24 levels deep gives a card in bounded work', async () => {
    const card = await ask(SAMPLE_RAY.notInInclude);
    expect(card).toContain(SAMPLE_RAY.notInInclude);
    expect(card).toMatch(/Fan-out level/);
    expect(bot.child.exitCode).toBeNull();
  }, 60_000);

  it('a 150 MB GraphQL answer gives a clear card, and the next lookup is answered', async () => {
    standIn.injectFault({ target: 'graphql', kind: 'oversized', bytes: 150 * MB, times: 3 });
    const card = await ask(SAMPLE_RAY.ipNotAllowed);
    expect(card).toMatch(/larger than the bot reads|could not be read|unreadable/i);
    standIn.clearFaults();
    const next = await ask(SAMPLE_RAY.mtlsMissing);
    expect(next).toContain(SAMPLE_RAY.mtlsMissing);
    expect(next).not.toMatch(/larger than the bot reads/);
    expect(bot.child.exitCode).toBeNull();
  }, 60_000);
});
