import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';

// The CLI as a process, stdin a real pipe or file: `readFileSync(0)` used to fail with EAGAIN on a
// pipe that was not yet full (a slow producer, a paste over the 64 KB pipe buffer).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'cli-stdin-token-SECRET';
let standIn: CloudflareStandIn;
const dir = mkdtempSync(join(tmpdir(), 'access-why-stdin-'));

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(() => standIn.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx src/cli.ts explain --json`; `feed` writes to its stdin pipe, or stdin is a file. */
function runCli(stdin: { feed: (write: (s: string) => Promise<void>) => Promise<void> } | { file: string }) {
  const env = {
    ...process.env,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
    CLOUDFLARE_API_URL: standIn.apiUrl,
    ACCESS_WHY_MAX_LOOKBACK_DAYS: '30',
  };
  const fd = 'file' in stdin ? openSync(stdin.file, 'r') : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'explain', '--json'], {
    cwd: root,
    env,
    stdio: [fd ?? 'pipe', 'pipe', 'pipe'],
  });
  if (fd !== undefined) closeSync(fd);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Run>((resolveRun) => {
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
  if ('feed' in stdin && child.stdin) {
    const pipe = child.stdin;
    // The CLI may close its end once it has read enough; that is not a test failure.
    pipe.on('error', () => undefined);
    const write = (s: string) =>
      new Promise<void>((ok) => {
        if (pipe.destroyed || pipe.write(s)) return ok();
        const settle = () => {
          pipe.off('drain', settle).off('close', settle);
          ok();
        };
        pipe.on('drain', settle).on('close', settle);
      });
    void stdin.feed(write).finally(() => pipe.end());
  }
  return done;
}

const rayIds = (run: Run) =>
  (JSON.parse(run.stdout) as { results: Array<{ rayId: string; outcome: string }> }).results.map((r) => [
    r.rayId,
    r.outcome,
  ]);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('access-why explain reading stdin', () => {
  it('waits for a slow producer', async () => {
    const run = await runCli({
      feed: async (write) => {
        await write('the page said\n');
        await pause(700);
        await write(`Ray ID: ${SAMPLE_RAY.mtlsMissing}\n`);
        await pause(300);
      },
    });
    expect(run.stderr).not.toMatch(/EAGAIN/);
    expect(run.code).toBe(0);
    expect(rayIds(run)).toEqual([[SAMPLE_RAY.mtlsMissing, 'denied']]);
  }, 60_000);

  it('reads a paste larger than the pipe buffer (> 64 KB), in pieces', async () => {
    const filler = '<div class="noise">lorem ipsum dolor sit amet</div>\n'.repeat(6_000); // ~300 KB
    const run = await runCli({
      feed: async (write) => {
        await write(filler.slice(0, 100_000));
        await pause(100);
        await write(filler.slice(100_000));
        await write(`<p>Ray ID: ${SAMPLE_RAY.warpRequired}</p>\n`);
      },
    });
    expect(run.stderr).not.toMatch(/EAGAIN/);
    expect(run.code).toBe(0);
    expect(rayIds(run)).toEqual([[SAMPLE_RAY.warpRequired, 'denied']]);
  }, 60_000);

  it('stops at the 10 MB cap, says so, and explains what it read', async () => {
    const line = `${'x'.repeat(1023)}\n`;
    const run = await runCli({
      feed: async (write) => {
        await write(`Ray ID: ${SAMPLE_RAY.mtlsMissing}\n`);
        for (let i = 0; i < 11 * 1024; i++) await write(line);
        // Past the cap: never read.
        await write(`Ray ID: ${SAMPLE_RAY.warpRequired}\n`);
      },
    });
    expect(run.stderr).toMatch(/stdin holds more than 10 MB: only the first 10 MB were read/);
    expect(run.code).toBe(0);
    expect(rayIds(run)).toEqual([[SAMPLE_RAY.mtlsMissing, 'denied']]);
  }, 60_000);

  it('reads a file given as stdin', async () => {
    const file = join(dir, 'page.html');
    writeFileSync(
      file,
      `<html>${'<p>padding</p>'.repeat(10_000)}<p>Ray ID: ${SAMPLE_RAY.mtlsMissing}</p></html>`,
    );
    const run = await runCli({ file });
    expect(run.code).toBe(0);
    expect(rayIds(run)).toEqual([[SAMPLE_RAY.mtlsMissing, 'denied']]);
  }, 60_000);
});
