import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import {
  ALL_PERMISSIONS,
  type CloudflareStandIn,
  startCloudflareStandIn,
} from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { ID } from '../src/sandbox/sample/ids.js';

const TOKEN = 'cli-drift-token-SECRET';
let standIn: CloudflareStandIn;
let blind: CloudflareStandIn;

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: TOKEN });
  blind = await startCloudflareStandIn({
    token: TOKEN,
    permissions: ALL_PERMISSIONS.filter((p) => p !== 'Account Settings Read'),
  });
});
afterAll(async () => {
  await standIn.close();
  await blind.close();
});

async function run(target: CloudflareStandIn, argv: string[]) {
  const out: string[] = [];
  const code = await runCli(argv, {
    env: {
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_ACCOUNT_ID: target.dataset.accountId,
      CLOUDFLARE_API_URL: target.apiUrl,
      ACCESS_WHY_MAX_LOOKBACK_DAYS: '30',
    },
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    readStdin: async () => undefined,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
  return { code, stdout: out.join('\n') };
}

interface DriftJson {
  results: Array<{
    cause: string;
    changedSince?: Array<Record<string, unknown>>;
    todayDecision?: string;
    replayAtEvent?: { decision: string; cause: string };
    changedSinceGaps?: string[];
  }>;
}

describe('access-why explain and policy drift', () => {
  it('--json lists changedSince with who and the version before, and the replay at the event', async () => {
    const { code, stdout } = await run(standIn, ['explain', '--json', SAMPLE_RAY.policyChanged]);
    expect(code).toBe(0);
    const [result] = (JSON.parse(stdout) as DriftJson).results;
    expect(result?.changedSince).toHaveLength(1);
    expect(result?.changedSince?.[0]).toMatchObject({
      what: 'policy',
      id: ID.policyPayrollStaff,
      name: 'Payroll staff',
      by: 'dana.ops@northwind.example',
      before: { id: ID.policyPayrollStaff, include: [{ kind: 'geo', countryCode: 'IE' }] },
    });
    expect(Date.parse(String(result?.changedSince?.[0]?.updatedAt))).toBeGreaterThan(0);
    expect(result?.todayDecision).toBe('allowed');
    expect(result?.replayAtEvent).toMatchObject({ decision: 'denied', cause: 'country_not_allowed' });
  });

  it('--json without the audit log: changedSince without by/before, and the permission in the gaps', async () => {
    const { stdout } = await run(blind, ['explain', '--json', SAMPLE_RAY.policyChanged]);
    const [result] = (JSON.parse(stdout) as DriftJson).results;
    expect(Object.keys(result?.changedSince?.[0] ?? {}).sort()).toEqual(['id', 'name', 'updatedAt', 'what']);
    expect(result?.replayAtEvent).toBeUndefined();
    expect(result?.changedSinceGaps?.join(' ')).toContain('Account Settings Read');
  });

  it('--json has no changedSince for an event nothing changed after', async () => {
    const { stdout } = await run(standIn, ['explain', '--json', SAMPLE_RAY.ipNotAllowed]);
    const [result] = (JSON.parse(stdout) as DriftJson).results;
    expect(result?.cause).toBe('ip_not_allowed');
    expect(result).not.toHaveProperty('changedSince');
  });

  it('the text output says what changed, by whom, and both verdicts', async () => {
    const { stdout } = await run(standIn, ['explain', SAMPLE_RAY.policyChanged]);
    expect(stdout).toContain('  Changed since the denial:');
    expect(stdout).toMatch(/Policy 'Payroll staff' changed \S+ by dana\.ops@northwind\.example/);
    expect(stdout).toContain("As it was then: would deny (country_not_allowed, policy 'Payroll staff')");
    expect(stdout).toContain("Today's policies: would allow");
  });
});
