import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessLoginEvent, ResolvedNames } from '../../src/core/access-event.js';
import { LOOKUP_ERROR_CODES, type LookupFailure } from '../../src/core/errors.js';
import type { PolicyVerdict, RuleRef, SecondaryCause } from '../../src/core/explain/explain-denial.js';
import { CAUSE_CODES, type Evidence } from '../../src/core/explanation.js';
import type { PasteInfo } from '../../src/core/paste.js';
import { RULE_KINDS } from '../../src/core/policy/types.js';
import type { FailedLogin, IdentityLogEntry, SearchedRange } from '../../src/core/ports.js';
import type { ExplainReport, NotFoundExplanation, RayIdResult } from '../../src/core/report.js';
import { checkBlockKitLimits } from '../../src/slack/blocks/limits.js';
import { renderReport, renderReportMessages } from '../../src/slack/blocks/render-report.js';
import { hostileString, rayIdLower } from './arbitraries.js';

type FoundResult = Extract<RayIdResult, { outcome: 'allowed' | 'denied' }>;
type NotFoundResult = Extract<RayIdResult, { outcome: 'not_found' }>;
type ErrorResult = Extract<RayIdResult, { outcome: 'error' }>;
type FoundExplanation = FoundResult['explanation'];

const str = hostileString;
/** Mostly hostile, sometimes empty or blank (the renderer must never emit an empty text object). */
const maybeBlank = fc.oneof(
  { weight: 5, arbitrary: str },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\t') },
);
const list = <T>(item: fc.Arbitrary<T>, maxLength: number) => fc.array(item, { maxLength, size: 'max' });

/** A valid ISO time (any year the Date range allows) or hostile text an API could send instead. */
const isoOrJunk = fc.oneof(
  { weight: 3, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  {
    weight: 2,
    arbitrary: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString()),
  },
  { weight: 2, arbitrary: str },
);

/** Any Date, invalid ones included. */
const anyDate = fc.oneof(
  { weight: 3, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01') }) },
  { weight: 1, arbitrary: fc.date() },
);

const anyNumber = fc.oneof(
  fc.integer({ min: -5, max: 1_000 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21),
);

const rayId = fc.oneof({ weight: 4, arbitrary: rayIdLower }, { weight: 1, arbitrary: str });

const searchedRange: fc.Arbitrary<SearchedRange> = fc.record({
  oldest: anyDate,
  newest: anyDate,
  windows: anyNumber,
  limitedBy: fc.constantFrom('retention', 'configured_cap'),
  oldestReachable: anyDate,
});

const accessEvent: fc.Arbitrary<AccessLoginEvent> = fc.record({
  rayId,
  datetime: isoOrJunk,
  appId: maybeBlank,
  userUuid: maybeBlank,
  identityProvider: fc.oneof(fc.constant('nonidentity'), maybeBlank),
  country: maybeBlank,
  ipAddress: maybeBlank,
  deviceId: maybeBlank,
  isSuccessfulLogin: fc.boolean(),
  hasExistingJwt: fc.boolean(),
  hasWarpEnabled: fc.boolean(),
  hasGatewayEnabled: fc.boolean(),
  mtlsStatus: fc.oneof(fc.constantFrom('NONE', 'none', ' NONE '), maybeBlank),
  mtlsCommonName: maybeBlank,
  mtlsCertSerialId: maybeBlank,
  serviceTokenId: maybeBlank,
  approvingPolicyId: maybeBlank,
});

const resolvedNames: fc.Arbitrary<ResolvedNames> = fc.record(
  {
    appName: maybeBlank,
    appDomain: maybeBlank,
    userEmail: maybeBlank,
    identityProviderName: maybeBlank,
    serviceTokenName: maybeBlank,
    gaps: list(maybeBlank, 6),
  },
  { requiredKeys: [] },
);

const ruleRef: fc.Arbitrary<RuleRef> = fc.record(
  {
    policy: maybeBlank,
    ruleType: fc.constantFrom('include', 'require', 'exclude'),
    selector: fc.constantFrom(...RULE_KINDS),
    value: maybeBlank,
    group: maybeBlank,
    postureType: maybeBlank,
  },
  { requiredKeys: ['policy', 'ruleType', 'selector'] },
);

const evidence: fc.Arbitrary<Evidence> = fc.record(
  {
    label: maybeBlank,
    detail: maybeBlank,
    field: fc.constantFrom('country', 'ipAddress', 'mtlsStatus', 'userUuid', 'hasWarpEnabled'),
  },
  { requiredKeys: ['label', 'detail'] },
);

const SECONDARY_CAUSES: readonly SecondaryCause[] = [...CAUSE_CODES, 'gateway_http_inspection_breaks_mtls'];

const explanation: fc.Arbitrary<FoundExplanation> = fc
  .tuple(
    fc.record({
      decision: fc.constantFrom('allowed', 'denied'),
      cause: fc.constantFrom(...CAUSE_CODES),
      summary: maybeBlank,
      evidence: list(evidence, 12),
      adminFix: maybeBlank,
      userMessage: maybeBlank,
      determinable: fc.boolean(),
      needs: list(maybeBlank, 8),
    }),
    fc.record(
      {
        policy: maybeBlank,
        failedRule: ruleRef,
        matchedRule: ruleRef,
        secondaryCauses: list(fc.constantFrom(...SECONDARY_CAUSES), 6),
        needCodes: list(fc.constantFrom('user_email', 'idp_groups', 'device_posture_results'), 3),
        replayedDecision: fc.constantFrom('allowed', 'denied', 'unknown'),
        replayDisagrees: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([base, extra]) => ({ ...base, ...extra }));

const policyVerdict: fc.Arbitrary<PolicyVerdict> = fc.record({
  policyId: maybeBlank,
  policy: maybeBlank,
  action: fc.constantFrom('Allow', 'Block', 'Service Auth', 'Bypass'),
  decision: fc.constantFrom('allow', 'deny', 'non_identity', 'bypass'),
  precedence: anyNumber,
  order: anyNumber,
  status: fc.constantFrom('match', 'no_match', 'unknown'),
  icon: fc.constantFrom('✅', '❌', '❔'),
  reached: fc.boolean(),
  reason: fc.oneof(
    maybeBlank,
    str.map((s) => `Not reached (${s}). ${s}`),
  ),
});

const failedLogin: fc.Arbitrary<FailedLogin> = fc.record(
  { rayId, datetime: isoOrJunk, appName: maybeBlank },
  { requiredKeys: ['rayId', 'datetime'] },
);

const foundResult: fc.Arbitrary<FoundResult> = fc
  .tuple(
    fc.record({
      rayId,
      outcome: fc.constantFrom('allowed', 'denied'),
      event: accessEvent,
      names: resolvedNames,
      explanation,
    }),
    fc.record(
      {
        policies: list(policyVerdict, 20),
        recentFailedLogins: list(failedLogin, 12),
        searched: searchedRange,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([base, extra]) => ({ ...base, ...extra }));

const identityLogEntry: fc.Arbitrary<IdentityLogEntry> = fc.record(
  {
    source: fc.constantFrom('access_requests', 'failed_logins'),
    rayId,
    datetime: isoOrJunk,
    allowed: fc.boolean(),
    appDomain: maybeBlank,
    appName: maybeBlank,
    userEmail: maybeBlank,
    ipAddress: maybeBlank,
    connection: maybeBlank,
  },
  { requiredKeys: ['source', 'rayId', 'datetime'] },
);

const notFoundExplanation: fc.Arbitrary<NotFoundExplanation> = fc.record(
  {
    summary: maybeBlank,
    likelySources: list(maybeBlank, 8),
    maybeTooRecent: fc.boolean(),
    adminFix: maybeBlank,
    userMessage: maybeBlank,
    identityLog: identityLogEntry,
    gaps: list(maybeBlank, 6),
  },
  { requiredKeys: ['summary', 'likelySources', 'maybeTooRecent', 'adminFix', 'userMessage'] },
);

const notFoundResult: fc.Arbitrary<NotFoundResult> = fc.record({
  rayId,
  outcome: fc.constant('not_found'),
  searched: searchedRange,
  notFound: notFoundExplanation,
});

const lookupFailure: fc.Arbitrary<LookupFailure> = fc.record(
  {
    code: fc.constantFrom(...LOOKUP_ERROR_CODES),
    message: maybeBlank,
    permission: maybeBlank,
    retryAfterSeconds: fc.oneof(fc.integer({ min: -10, max: 200_000 }), anyNumber),
  },
  { requiredKeys: ['code', 'message'] },
);

const errorResult: fc.Arbitrary<ErrorResult> = fc.record({
  rayId,
  outcome: fc.constant('error'),
  failure: lookupFailure,
});

const rayIdResult: fc.Arbitrary<RayIdResult> = fc.oneof(foundResult, notFoundResult, errorResult);

const pasteInfo: fc.Arbitrary<PasteInfo> = fc.record(
  {
    kind: fc.constantFrom('access_block_page', 'waf_block_page', 'cloudflare_error_page', 'plain'),
    statusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), anyNumber),
    errorCode: fc.oneof(fc.constantFrom('1010', '1020'), maybeBlank),
    appAud: fc.oneof(
      rayIdLower.map((id) => id.repeat(4)),
      maybeBlank,
    ),
    mtlsStatus: fc.oneof(fc.constant('NONE'), maybeBlank),
  },
  { requiredKeys: ['kind'] },
);

const report: fc.Arbitrary<ExplainReport> = fc.record({
  results: list(rayIdResult, 12),
  totalRayIds: fc.oneof(fc.nat(200), anyNumber),
  skippedRayIds: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0).map((): string[] => []) },
    { weight: 2, arbitrary: list(rayIdLower, 120) },
    { weight: 1, arbitrary: list(rayId, 40) },
  ),
  paste: pasteInfo,
});

const now = fc.oneof(
  { weight: 9, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01') }) },
  { weight: 1, arbitrary: fc.date() },
);

interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** Loose form of a date token (as the task defines it); every one must be a token the renderer built. */
const LOOSE_DATE_TOKEN = /<!date\^\d+\^[^|>]*\|[^>]*>/g;
const OUR_DATE_TOKEN =
  /^<!date\^\d+\^\{[a-z_]+\}(?: \{[a-z_]+\})?\|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC>$/;

/** Every string value in the message as Slack would receive it. */
function strings(message: Message): string[] {
  const out: string[] = [];
  JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value === 'string') out.push(value);
    return value;
  });
  return out;
}

function isUnsafeCode(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x0a && code !== 0x09) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Control, bidi-override and lone-surrogate code units (escapeMrkdwn promises to remove them). */
function unsafeUnits(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else found.push(`U+${code.toString(16)} (lone) at ${i}`);
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      found.push(`U+${code.toString(16)} (lone) at ${i}`);
    } else if (isUnsafeCode(code)) {
      found.push(`U+${code.toString(16)} at ${i}`);
    }
  }
  return found;
}

/** Limits, fallback text, and no markup from data: the checks each rendered message must pass. */
function expectSafeMessage(message: Message): void {
  expect(checkBlockKitLimits(message)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
  for (const value of strings(message)) {
    for (const token of value.match(LOOSE_DATE_TOKEN) ?? []) expect(token).toMatch(OUR_DATE_TOKEN);
    const rest = value.replace(LOOSE_DATE_TOKEN, '');
    expect(rest).not.toContain('<');
    expect(rest).not.toContain('>');
    expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

function expectCleanCharacters(message: Message): void {
  const bad = strings(message).flatMap((value) =>
    unsafeUnits(value).map((unit) => `${unit} in ${JSON.stringify(value.slice(0, 80))}`),
  );
  expect(bad).toEqual([]);
}

describe('renderReport on arbitrary reports with hostile data', () => {
  it('never throws, stays inside Block Kit limits, has fallback text and emits no markup from data', () => {
    fc.assert(
      fc.property(report, now, (input, at) => {
        expectSafeMessage(renderReport(input, { now: at }));
      }),
      { numRuns: 200 },
    );
  });

  it('emits no control characters, bidi overrides or lone surrogates', () => {
    fc.assert(
      fc.property(report, now, (input, at) => {
        expectCleanCharacters(renderReport(input, { now: at }));
      }),
      { numRuns: 100 },
    );
  });

  it('handles every outcome and every error code alone (one full card)', () => {
    const single = fc.record({
      result: fc.oneof(
        foundResult,
        notFoundResult,
        ...LOOKUP_ERROR_CODES.map((code) =>
          errorResult.map((result): ErrorResult => ({ ...result, failure: { ...result.failure, code } })),
        ),
      ),
      paste: pasteInfo,
    });
    fc.assert(
      fc.property(single, now, ({ result, paste }, at) => {
        const message = renderReport(
          { results: [result], totalRayIds: 1, skippedRayIds: [], paste },
          { now: at },
        );
        expectSafeMessage(message);
        expectCleanCharacters(message);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderReportMessages on arbitrary reports with hostile data', () => {
  const capOption = fc.oneof(
    fc.integer({ min: -1, max: 14 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2.5),
  );

  it('never throws and keeps every thread message inside limits, with no markup from data', () => {
    fc.assert(
      fc.property(report, now, capOption, (input, at, cap) => {
        const messages = renderReportMessages(input, { now: at, cap });
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) {
          expectSafeMessage(message);
          expectCleanCharacters(message);
        }
      }),
      { numRuns: 100 },
    );
  });
});
