import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicyCase } from '../../../src/cloudflare/access-schemas.js';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';

// The researched cases live next to the repo and are read in place, never copied in.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const casesFile = resolve(root, '../shared/cloudflare/policy-cases.json');

interface SharedCase {
  id: string;
  expected: { decision: 'allow' | 'deny'; primaryCause: string; policyName?: string; determinable: boolean };
}

function loadCases(): SharedCase[] {
  const doc = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: SharedCase[] };
  return doc.cases;
}

describe.runIf(existsSync(casesFile))('shared policy cases (../shared/cloudflare/policy-cases.json)', () => {
  const cases = existsSync(casesFile) ? loadCases() : [];

  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, entry) => {
    const { event, app, context } = parsePolicyCase(entry);
    const x = explainLogin(event, app, context);
    const { expected } = entry;
    expect({
      decision: x.decision,
      cause: x.cause,
      determinable: x.determinable,
      ...(expected.policyName !== undefined ? { policy: x.policy } : {}),
    }).toEqual({
      decision: expected.decision === 'deny' ? 'denied' : 'allowed',
      cause: expected.primaryCause,
      determinable: expected.determinable,
      ...(expected.policyName !== undefined ? { policy: expected.policyName } : {}),
    });
    // An undeterminable answer must say what is missing.
    if (!x.determinable) expect(x.needs.length).toBeGreaterThan(0);
  });
});
