import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { RayIdResult } from '../../../src/core/report.js';
import { totalBlockText } from '../../../src/slack/blocks/limits.js';
import { renderReport, toCompactLine } from '../../../src/slack/blocks/render-report.js';
import { expectValidCard } from './assertions.js';
import {
  allowedResult,
  deniedResult,
  errorResult,
  hostileDeniedResult,
  NOW,
  notFoundResult,
  RAY,
  rayId,
  replayedDenialResult,
  report,
  undeterminedResult,
} from './fixtures.js';

function mixed(count: number): RayIdResult[] {
  return Array.from({ length: count }, (_, index) => {
    const ray = rayId(index);
    switch (index % 5) {
      case 0:
        return deniedResult({}, ray);
      case 1:
        return allowedResult(ray);
      case 2:
        return undeterminedResult(ray);
      case 3:
        return notFoundResult({ maybeTooRecent: true }, {}, ray);
      default:
        return errorResult('upstream_rate_limited', { retryAfterSeconds: 30 }, ray);
    }
  });
}

const headers = (blocks: KnownBlock[]): string[] =>
  blocks.flatMap((block) => (block.type === 'header' ? [block.text.text] : []));

describe('renderReport', () => {
  it('renders one result as its card with the one-line fallback', () => {
    const message = renderReport(report([deniedResult()]), { now: NOW });
    expectValidCard(message, [RAY]);
    expect(message.blocks.some((block) => block.type === 'divider')).toBe(false);
    expect(message.text).toBe(
      "Access denied for alice@example.com to Grafana (Ray 74e4ac510dfdc44f): Country not allowed (policy 'Staff'). " +
        'The request came from Germany, and the "Staff" policy only allows the US.',
    );
  });

  it('puts a divider between results', () => {
    const message = renderReport(report([deniedResult({}, rayId(1)), notFoundResult({}, {}, rayId(2))]), {
      now: NOW,
    });
    expectValidCard(message, [rayId(1), rayId(2)]);
    expect(message.blocks.filter((block) => block.type === 'divider')).toHaveLength(1);
    expect(message.text.split('\n')).toHaveLength(2);
  });

  it('fits ten results in one message: the first as cards, the rest one line each', () => {
    const results = mixed(10);
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(
      message,
      results.map((result) => result.rayId),
    );
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const cards = headers(message.blocks).length;
    expect(cards).toBeGreaterThanOrEqual(1);
    expect(cards).toBeLessThan(10);
    const brief = JSON.stringify(message.blocks.at(-1));
    expect(brief).toContain(`${10 - cards} more Ray IDs, in brief`);
    for (const result of results.slice(cards)) expect(brief).toContain(result.rayId);
    expect(message.text.split('\n')).toHaveLength(10);
  });

  it('shows all results as cards when they fit', () => {
    const results = [
      deniedResult({}, rayId(1)),
      allowedResult(rayId(2)),
      errorResult('cloudflare_auth', {}, rayId(3)),
    ];
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(message, [rayId(1), rayId(2), rayId(3)]);
    expect(headers(message.blocks)).toHaveLength(3);
  });

  it('stays inside the limits with ten hostile results', () => {
    const results = Array.from({ length: 10 }, (_, index) => hostileDeniedResult(rayId(index)));
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(
      message,
      results.map((result) => result.rayId),
    );
    expect(totalBlockText(message.blocks)).toBeLessThanOrEqual(11_000);
  });

  it('stays inside the limits with ten replayed denials, listing every Ray ID', () => {
    const results = Array.from({ length: 10 }, (_, index) => replayedDenialResult(rayId(index)));
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(
      message,
      results.map((result) => result.rayId),
    );
    const cards = headers(message.blocks).length;
    expect(cards).toBeGreaterThanOrEqual(1);
    expect(cards).toBeLessThan(10);
    const json = JSON.stringify(message.blocks);
    expect(json.split('*Policies (in evaluation order)*')).toHaveLength(cards + 1);
    expect(json.split('*Recent failed logins*')).toHaveLength(cards + 1);
    const brief = JSON.stringify(message.blocks.at(-1));
    expect(brief).toContain(`${10 - cards} more Ray IDs, in brief`);
    expect(brief).not.toContain('…and');
  });

  it('gives up a full card rather than hide a Ray ID', () => {
    // About 3,300 characters a card: three fit in the budget, but then the other seven lines would not.
    const bulky = (index: number) =>
      deniedResult(
        {
          explanation: { summary: 's'.repeat(800), adminFix: 'f'.repeat(1000), userMessage: 'u'.repeat(600) },
        },
        rayId(index),
      );
    const results = Array.from({ length: 10 }, (_, index) => bulky(index));
    const card = renderReport(report(results.slice(0, 1)), { now: NOW });
    expect(totalBlockText(card.blocks) * 3).toBeLessThan(11_000);
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(
      message,
      results.map((result) => result.rayId),
    );
    expect(headers(message.blocks)).toHaveLength(2);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('8 more Ray IDs, in brief');
    expect(JSON.stringify(message.blocks.at(-1))).not.toContain('…and');
  });

  it('shows the outcome, the cause and the policy in a compact line', () => {
    expect(toCompactLine(replayedDenialResult())).toBe(
      "🚫 `74e4ac510dfdc44f` *denied*: Country not allowed (policy 'Staff') — Grafana, alice@example.com: " +
        'The request came from Germany, and the "Staff" policy only allows the US.',
    );
    expect(toCompactLine(undeterminedResult())).toMatch(
      /^🚫 `74e4ac510dfdc44f` \*denied\*: Not determined yet \(policy 'Staff'\) — Grafana, a non-identity request: /,
    );
    expect(toCompactLine(allowedResult())).toMatch(
      /^✅ `74e4ac510dfdc44f` \*allowed\*: Allowed by a policy /,
    );
    const hostile = toCompactLine(hostileDeniedResult());
    expect(hostile.length).toBeLessThanOrEqual(280);
    expect(hostile).toMatch(
      /^🚫 `74e4ac510dfdc44f` \*denied\*: Country not allowed \(policy '&lt;@U9&gt; p+…'\) — &lt;!channel&gt; A+…, /,
    );
  });

  it('ends with "…and N more" when even one line each does not fit', () => {
    const results = Array.from({ length: 200 }, (_, index) => deniedResult({}, rayId(index)));
    const message = renderReport(report(results), { now: NOW });
    expectValidCard(message, [rayId(0)]);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more/);
    expect(message.text).toMatch(/…and \d+ more results\.$/);
  });

  it('notes the Ray IDs skipped by the cap', () => {
    const results = mixed(10);
    const skipped = [rayId(100), rayId(101), rayId(102), rayId(103)];
    const message = renderReport(report(results, { skippedRayIds: skipped }), { now: NOW });
    expectValidCard(message, [...results.map((result) => result.rayId), ...skipped]);
    const note = message.blocks.at(-1);
    expect(note).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            '10 of 14 Ray IDs looked up; the rest were skipped: `8a1b000000000064`, `8a1b000000000065`, ' +
            '`8a1b000000000066`, `8a1b000000000067`. Ask again with those Ray IDs to look them up.',
          verbatim: true,
        },
      ],
    });
    expect(message.text).toMatch(/\n4 more Ray IDs skipped\.$/);
  });

  it('lists at most twenty skipped Ray IDs', () => {
    const skipped = Array.from({ length: 500 }, (_, index) => rayId(1000 + index));
    const message = renderReport(report([deniedResult()], { skippedRayIds: skipped }), { now: NOW });
    expectValidCard(message, [RAY, rayId(1000)]);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('and 480 more.');
  });

  it('explains what a Ray ID looks like when there is none', () => {
    const message = renderReport(report([]), { now: NOW });
    expectValidCard(message, ['74e4ac510dfdc44f']);
    expect(headers(message.blocks)).toEqual(['🔎 No Ray ID found']);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('*16 hex digits*');
    expect(json).toContain('Ray ID: 74e4ac510dfdc44f');
    expect(message.text).toContain('16 hex digits');
  });

  it('says when the pasted page was a WAF page without a Ray ID', () => {
    const message = renderReport(report([], { paste: { kind: 'waf_block_page' } }), { now: NOW });
    expectValidCard(message, ['74e4ac510dfdc44f']);
    expect(JSON.stringify(message.blocks)).toContain(
      'The pasted page is a Cloudflare WAF block page, not an Access page',
    );
  });

  it('passes the paste kind to not-found cards', () => {
    const message = renderReport(report([notFoundResult()], { paste: { kind: 'waf_block_page' } }), {
      now: NOW,
    });
    expectValidCard(message, [RAY]);
    expect(JSON.stringify(message.blocks)).toContain('Cloudflare WAF block page');
  });
});
