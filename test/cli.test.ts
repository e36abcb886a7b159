import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { wireCase } from './fixtures/policy/wire-case.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'cli-test-token-SECRET-42';
let standIn: CloudflareStandIn;

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
});
afterAll(() => standIn.close());

const env = () => ({
  CLOUDFLARE_API_TOKEN: TOKEN,
  CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
  CLOUDFLARE_API_URL: standIn.apiUrl,
  ACCESS_WHY_MAX_LOOKBACK_DAYS: '30',
});

async function run(argv: string[], stdin?: string, envOverride?: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: envOverride ?? env(),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => (stdin === undefined ? undefined : { text: stdin, truncated: false }),
    readFile: (path) => readFileSync(path, 'utf8'),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

interface JsonOut {
  results: Array<{ rayId: string; outcome: string; cause: string }>;
}

describe('access-why explain', () => {
  it('--json returns the right Ray IDs for a messy paste, in order, de-duplicated', async () => {
    const messy = [
      `<https://grafana.example|grafana> says \`cf-ray: ${SAMPLE_RAY.warpRequired}-SJC\``,
      'App AUD: 9eed3b360f46ffc51646f38cf8d19cc0f35f04fc39c9693bdbb8fcd3d73c9380',
      'commit 1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6, request 5717d1a0-1111-4a2b-8c3d-0123456789ab',
      `{"status_code":403,"ray_id":"${SAMPLE_RAY.mtlsMissing}"} and again ${SAMPLE_RAY.warpRequired.toUpperCase()}`,
      'Ray ID: 00000000deadbeef',
    ].join('\n');
    const { code, stdout } = await run(['explain', '--json', messy]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as JsonOut;
    expect(json.results.map((r) => [r.rayId, r.outcome, r.cause])).toEqual([
      [SAMPLE_RAY.warpRequired, 'denied', 'warp_required'],
      [SAMPLE_RAY.mtlsMissing, 'denied', 'mtls_missing'],
      ['00000000deadbeef', 'not_found', 'not_found'],
    ]);
  });

  it('reads the text from stdin and prints a readable explanation', async () => {
    const { code, stdout } = await run(['explain'], `Ray ID: ${SAMPLE_RAY.mtlsMissing}`);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Ray ${SAMPLE_RAY.mtlsMissing}: DENIED`));
    expect(stdout).toMatch(/No client certificate/);
  });

  it('--blocks prints the card JSON and a Block Kit Builder link', async () => {
    const { stdout } = await run(['explain', '--blocks', SAMPLE_RAY.mtlsMissing]);
    const [json, preview] = stdout.split('\nPreview: ');
    expect(JSON.parse(json ?? '')).toMatchObject({ text: expect.stringContaining(SAMPLE_RAY.mtlsMissing) });
    expect(preview).toMatch(/^https:\/\/app\.slack\.com\/block-kit-builder\/#%7B%22blocks%22/);
  });

  it('exits 1 with an error result, never the token, when Cloudflare refuses', async () => {
    const { code, stdout } = await run(['explain', '--json', SAMPLE_RAY.mtlsMissing], undefined, {
      ...env(),
      CLOUDFLARE_API_TOKEN: 'wrong-token-SECRET',
    });
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as JsonOut).results[0]).toMatchObject({
      outcome: 'error',
      cause: 'cloudflare_auth',
    });
    expect(stdout).not.toMatch(/SECRET/);
  });

  it('exits 2 with usage or a configuration message', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['explain'])).stderr).toMatch(/Give the text to explain/);
    const config = await run(['explain', 'x'], undefined, {});
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/CLOUDFLARE_API_TOKEN is required/);
    expect((await run(['explain', '--at', 'yesterday', 'x'])).stderr).toMatch(
      /--at must be an ISO 8601 time/,
    );
    expect((await run(['--help'])).code).toBe(0);
  });

  it('runs as `npm run --silent access-why` and as the `access-why` bin, right after npm ci', async () => {
    const exec = promisify(execFile);
    const options = { cwd: root, env: { ...process.env, ...env() } };
    const viaNpm = await exec(
      'npm',
      ['run', '--silent', 'access-why', '--', 'explain', '--json', SAMPLE_RAY.mtlsMissing],
      options,
    );
    expect((JSON.parse(viaNpm.stdout) as JsonOut).results[0]?.rayId).toBe(SAMPLE_RAY.mtlsMissing);
    const viaBin = await exec(
      process.execPath,
      ['bin/access-why.js', 'explain', '--json', SAMPLE_RAY.warpRequired],
      options,
    );
    expect((JSON.parse(viaBin.stdout) as JsonOut).results[0]?.rayId).toBe(SAMPLE_RAY.warpRequired);
    // Two cold Node + tsx starts: generous, because a busy two-core CI machine runs other suites meanwhile.
  }, 60_000);

  describe('--case FILE (offline replay, no Cloudflare needed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-why-case-'));
    const file = join(dir, 'case.json');
    writeFileSync(file, JSON.stringify(wireCase()));

    it('prints the results JSON with cause, policy, determinable and needs', async () => {
      const { code, stdout } = await run(['explain', '--case', file, '--json'], undefined, {});
      expect(code).toBe(0);
      const result = (JSON.parse(stdout) as { results: Array<Record<string, unknown>> }).results[0];
      expect(result).toMatchObject({
        rayId: '8f00aa11bb22cc33',
        outcome: 'denied',
        cause: 'needs_idp_group_data',
        policy: 'Treasury team',
        determinable: false,
        needs: expect.arrayContaining([expect.stringMatching(/identity-provider groups/)]),
      });
      expect(result?.summary).toEqual(expect.any(String));
      expect(result?.userMessage).toEqual(expect.any(String));
      expect(result?.adminFix).toEqual(expect.any(String));
    });

    it('explains what is wrong with a bad case file', async () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ event: { cfRayId: 'x' } }));
      const notCase = await run(['explain', '--case', bad, '--json'], undefined, {});
      expect(notCase.code).toBe(2);
      expect(notCase.stderr).toMatch(/it is not a case: event\.appId/);
      writeFileSync(bad, '{ nope');
      expect((await run(['explain', '--case', bad], undefined, {})).stderr).toMatch(/not valid JSON/);
      expect((await run(['explain', '--case', join(dir, 'missing.json')], undefined, {})).stderr).toMatch(
        /cannot be read/,
      );
    });
  });
});
