import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { type FakeSlack, startFakeSlack } from '../src/sandbox/fake-slack.js';
import { postSlashCommand } from './helpers/slack-request.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'process-signing-secret';
let slack: FakeSlack;
let standIn: CloudflareStandIn;
let child: ChildProcess;
let output = '';

beforeAll(async () => {
  slack = await startFakeSlack();
  standIn = await startCloudflareStandIn({ token: 'process-cf-token-SECRET' });
  // What `npm start` runs, started directly so the signal reaches the bot.
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-process-bot-SECRET',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_SOCKET_MODE: 'false',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      CLOUDFLARE_API_TOKEN: 'process-cf-token-SECRET',
      CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
      CLOUDFLARE_API_URL: standIn.apiUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 12_000;
  while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`bot did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await standIn.close();
  await slack.close();
});

describe('the bot as a process (npm start, HTTP mode)', () => {
  it('answers a signed /access-why with a pasted page, then stops cleanly on SIGTERM', async () => {
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    const page = `Error – Cloudflare Access\nForbidden. You don't have permission to view this.\nRay ID: ${SAMPLE_RAY.ipNotAllowed}`;
    const response = await postSlashCommand(
      `http://127.0.0.1:${port}/slack/events`,
      SECRET,
      page,
      slack.responseUrl('proc'),
    );
    expect(response.status).toBe(200);
    const card = await slack.waitFor((r) => r.path === '/response/proc', 8_000);
    expect(JSON.stringify(card.body)).toContain(SAMPLE_RAY.ipNotAllowed);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output).toMatch(/SIGTERM received, stopping/);
    expect(output).not.toMatch(/SECRET/);
  });
});
