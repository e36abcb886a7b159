import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { LOOKUP_ERROR_CODES } from '../../../src/core/errors.js';
import { CAUSE_CODES } from '../../../src/core/explanation.js';
import type { PasteKind } from '../../../src/core/paste.js';
import type { RayIdResult } from '../../../src/core/report.js';
import { CAUSE_LABELS } from '../../../src/slack/blocks/cause-labels.js';
import { renderResultBlocks, toFallbackLine } from '../../../src/slack/blocks/render-result.js';
import { expectValidCard } from './assertions.js';
import {
  allowedResult,
  deniedResult,
  errorResult,
  failedLogins,
  NOW,
  notFoundResult,
  policyVerdict,
  RAY,
  rayId,
  replayedDenialResult,
  undeterminedResult,
} from './fixtures.js';

function card(result: RayIdResult, paste?: PasteKind): { text: string; blocks: KnownBlock[] } {
  const blocks = renderResultBlocks(
    result,
    paste === undefined ? { now: NOW } : { now: NOW, paste: { kind: paste } },
  );
  return { text: toFallbackLine(result), blocks };
}

/** Every mrkdwn/plain_text string in the blocks, in order. */
function texts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  JSON.stringify(blocks, (key, value: unknown) => {
    if (key === 'text' && typeof value === 'string') out.push(value);
    return value;
  });
  return out;
}

describe('renderResultBlocks — found events', () => {
  it('renders a denied card with a fixed structure', () => {
    const { blocks } = card(deniedResult());
    expect(blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚫 Access denied — Grafana', emoji: false },
    });
    expect(blocks[5]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*App*\nGrafana\n`grafana.example.com`', verbatim: true },
        { type: 'mrkdwn', text: '*User*\nalice@example.com', verbatim: true },
        {
          type: 'mrkdwn',
          text: '*When*\n<!date^1741953483^{date_short_pretty} {time}|2025-03-14 11:58:03 UTC>',
          verbatim: true,
        },
        { type: 'mrkdwn', text: '*Country · IP*\n`DE` · `203.0.113.7`', verbatim: true },
        { type: 'mrkdwn', text: '*Identity provider*\n`a1b2c3d4-okta`', verbatim: true },
        { type: 'mrkdwn', text: '*WARP · Gateway*\nWARP ✗ · Gateway ✗', verbatim: true },
        { type: 'mrkdwn', text: '*mTLS*\nno client certificate', verbatim: true },
        { type: 'mrkdwn', text: '*Service token*\nnone presented', verbatim: true },
        { type: 'mrkdwn', text: '*Existing session*\nno', verbatim: true },
      ],
    });
  });

  it('renders the denied card text exactly', () => {
    expect(texts(card(deniedResult()).blocks)).toMatchInlineSnapshot(`
      [
        "🚫 Access denied — Grafana",
        "The request came from Germany, and the "Staff" policy only allows the US.",
        "*Why*
      *Cause:* Country not allowed
      *Policy:* \`Staff\`
      • Country: DE (policy allows US only)
      • Login: not successful",
        "*Fix (admin)*
      Add DE to the Country include rule of the "Staff" policy, or tell the user to connect from the US.",
        "*Tell the user*
      This app is only reachable from the US. Connect through the company VPN and retry.",
        "*App*
      Grafana
      \`grafana.example.com\`",
        "*User*
      alice@example.com",
        "*When*
      <!date^1741953483^{date_short_pretty} {time}|2025-03-14 11:58:03 UTC>",
        "*Country · IP*
      \`DE\` · \`203.0.113.7\`",
        "*Identity provider*
      \`a1b2c3d4-okta\`",
        "*WARP · Gateway*
      WARP ✗ · Gateway ✗",
        "*mTLS*
      no client certificate",
        "*Service token*
      none presented",
        "*Existing session*
      no",
        "Ray ID \`74e4ac510dfdc44f\` · searched <!date^1741348860^{date_short_pretty} {time}|2025-03-07 12:01:00 UTC> – <!date^1741953600^{date_short_pretty} {time}|2025-03-14 12:00:00 UTC>",
      ]
    `);
  });

  it('marks every mrkdwn object carrying event data as verbatim', () => {
    const { blocks } = card(deniedResult());
    const verbatim: unknown[] = [];
    JSON.stringify(blocks, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && 'type' in value && value.type === 'mrkdwn') {
        verbatim.push('verbatim' in value ? value.verbatim : undefined);
      }
      return value;
    });
    expect(verbatim.length).toBeGreaterThan(10);
    expect(new Set(verbatim)).toEqual(new Set([true]));
  });

  it('gives a one-line fallback text with the cause and the policy', () => {
    expect(toFallbackLine(deniedResult())).toBe(
      "Access denied for alice@example.com to Grafana (Ray 74e4ac510dfdc44f): Country not allowed (policy 'Staff'). " +
        'The request came from Germany, and the "Staff" policy only allows the US.',
    );
    expect(toFallbackLine(deniedResult({ explanation: { policy: '', cause: 'mtls_missing' } }))).toBe(
      'Access denied for alice@example.com to Grafana (Ray 74e4ac510dfdc44f): No client certificate (mTLS). ' +
        'The request came from Germany, and the "Staff" policy only allows the US.',
    );
    expect(toFallbackLine(undeterminedResult())).toMatch(
      /^Access denied for a non-identity request to Grafana/,
    );
  });

  it('renders an allowed card with certificate, device and session details', () => {
    const message = card(allowedResult());
    expectValidCard(message, [RAY]);
    const all = texts(message.blocks);
    expect(all[0]).toBe('✅ Access allowed — Grafana');
    expect(all).toContain('*mTLS*\n`SUCCESS` · CN `laptop-42.corp.example.com` · serial `4f:2a:99`');
    expect(all).toContain('*WARP · Gateway*\nWARP ✓ · Gateway ✓');
    expect(all).toContain('*Existing session*\nyes (already had an Access session)');
    expect(all).toContain('*Device*\n`dev-123`');
    expect(message.text).toMatch(/^Access allowed for alice@example.com to Grafana \(Ray 74e4ac510dfdc44f\)/);
  });

  it('says what is missing when the deciding rule is not determinable', () => {
    const message = card(undeterminedResult());
    expectValidCard(message, [RAY]);
    const all = texts(message.blocks);
    expect(all).toContain(
      'ℹ️ Not enough data to name the deciding rule yet — needs: the app’s policies, the service token’s name',
    );
    expect(all).toContain('Not resolved: policy names (token needs Access: Apps and Policies Read)');
    expect(all).toContain('*Identity provider*\nnone (decided before login)');
    expect(all).toContain('*User*\n— (non-identity request)');
    expect(all).toContain('*Service token*\n`token-abc`');
  });

  it('names the app by id when the directory could not', () => {
    const all = texts(card(deniedResult({ names: { appName: '', appDomain: '' } })).blocks);
    expect(all[0]).toBe('🚫 Access denied — app f3a9c2e1…');
    expect(all).toContain('*App*\n`f3a9c2e1-7b44-4d0e-9a51-2c8e6f0b1d77`');
  });

  it('shows an unparsable event time as text, not as a date token', () => {
    const all = texts(card(deniedResult({ event: { datetime: 'not a date <!here>' } })).blocks);
    expect(all).toContain('*When*\nnot a date &lt;!here&gt;');
  });
});

/** The text of the titled section (`*Title*\n…`), or undefined when the card has none. */
function titledText(blocks: KnownBlock[], title: string): string | undefined {
  return texts(blocks).find((text) => text.startsWith(`*${title}*\n`));
}

describe('renderResultBlocks — replayed denials', () => {
  it('puts Why, Fix and Tell the user, then the policies, the fields and the failed logins', () => {
    const message = card(replayedDenialResult());
    expectValidCard(message, [RAY]);
    const titles = message.blocks.map((block) =>
      block.type === 'section' && block.text !== undefined
        ? block.text.text.split('\n')[0]
        : block.type === 'section'
          ? 'fields'
          : block.type,
    );
    expect(titles).toEqual([
      'header',
      'The request came from Germany, and the "Staff" policy only allows the US.',
      '*Why*',
      '*Fix (admin)*',
      '*Tell the user*',
      '*Policies (in evaluation order)*',
      'fields',
      '*Recent failed logins*',
      'context',
    ]);
  });

  it('says why: cause, policy, failed rule, secondary causes, then the evidence', () => {
    expect(titledText(card(replayedDenialResult()).blocks, 'Why')).toBe(
      [
        '*Why*',
        '*Cause:* Country not allowed',
        '*Policy:* `Staff`',
        '*Failed rule:* Require rule `geo` `US`',
        '*Also:* WARP client required',
        "• Require rule of 'Staff': The request came from DE; the rule requires a request from US.",
        '• Login: not successful',
      ].join('\n'),
    );
  });

  it('names the policy of a rule that belongs to another policy, and a matched rule', () => {
    const why = titledText(
      card(
        deniedResult({
          explanation: {
            cause: 'block_policy_matched',
            policy: 'Staff',
            failedRule: {
              policy: 'Staff',
              ruleType: 'exclude',
              selector: 'device_posture',
              postureType: 'warp',
            },
            matchedRule: {
              policy: 'Block <!here>',
              ruleType: 'include',
              selector: 'group',
              group: 'Contractors',
            },
          },
        }),
      ).blocks,
      'Why',
    );
    expect(why).toContain('*Cause:* A Block policy matched');
    expect(why).toContain('*Failed rule:* Exclude rule `device_posture` (posture `warp`)\n');
    expect(why).toContain(
      '*Matched rule:* Include rule `group` (rule group `Contractors`) of policy `Block &lt;!here&gt;`',
    );
  });

  it('names an id-valued rule by its name when the replay knew it, escaped', () => {
    const why = titledText(
      card(
        deniedResult({
          explanation: {
            failedRule: {
              policy: 'Staff',
              ruleType: 'include',
              selector: 'login_method',
              value: 'cc020f06-308d-43b5-8218-aaab47966e70',
              valueName: 'Entra ID <Sales>',
            },
          },
        }),
      ).blocks,
      'Why',
    );
    expect(why).toContain("*Failed rule:* Include rule `login_method` 'Entra ID &lt;Sales&gt;'");
    expect(why).not.toContain('cc020f06');
  });

  it('leaves out the rule, secondary-cause and replay lines when the explanation has none', () => {
    const why = titledText(card(deniedResult()).blocks, 'Why');
    expect(why).toMatch(/^\*Why\*\n\*Cause:\* Country not allowed\n\*Policy:\* `Staff`\n• Country:/);
    for (const absent of ['Failed rule', 'Matched rule', '*Also:*', 'current policies']) {
      expect(why).not.toContain(absent);
    }
  });

  it('warns when the replay disagrees with what Access recorded', () => {
    const denied = replayedDenialResult();
    denied.explanation.replayDisagrees = true;
    denied.explanation.cause = 'undetermined';
    const why = titledText(card(denied).blocks, 'Why');
    expect(why).toContain('*Cause:* Not determined yet\n');
    expect(why).toContain('⚠️ *The current policies would admit this request*; see what the row cannot show.');
    const allowed = allowedResult();
    allowed.explanation.replayDisagrees = true;
    expect(titledText(card(allowed).blocks, 'Why')).toContain(
      '⚠️ *The current policies would deny this request*',
    );
    expect(titledText(card(replayedDenialResult()).blocks, 'Why')).not.toContain('⚠️');
  });

  it('lists the policies in evaluation order, marking the ones Access never reached', () => {
    expect(titledText(card(replayedDenialResult()).blocks, 'Policies (in evaluation order)')).toBe(
      [
        '*Policies (in evaluation order)*',
        "• ❌ Bypass 'Health checks' — Include not met: an IP in 10.0.0.0/8; the request came from 203.0.113.7.",
        "• ❌ Allow 'Staff' — Require not met: a request from US; the request came from DE.",
        "• _(not reached)_ ❔ Allow 'Break-glass' — Undecided: needs the user's identity-provider groups.",
      ].join('\n'),
    );
  });

  it('ends a long policy list with "…and N more"', () => {
    const policies = Array.from({ length: 30 }, (_, index) =>
      policyVerdict({ policy: `Policy ${index + 1}`, order: index + 1, reason: 'Include not met.' }),
    );
    const text = titledText(card(deniedResult({ policies })).blocks, 'Policies (in evaluation order)');
    const lines = text?.split('\n') ?? [];
    expect(lines[1]).toBe("• ❌ Allow 'Policy 1' — Include not met.");
    expect(lines.at(-1)).toBe('• …and 18 more');
    expect(lines).toHaveLength(1 + 12 + 1);
  });

  it('says when the app has no policies, and leaves the section out when nothing was replayed', () => {
    const empty = titledText(card(deniedResult({ policies: [] })).blocks, 'Policies (in evaluation order)');
    expect(empty).toBe('*Policies (in evaluation order)*\nThe app has no policies.');
    expect(titledText(card(deniedResult()).blocks, 'Policies (in evaluation order)')).toBeUndefined();
  });

  it('names the identity provider and the service token', () => {
    const all = texts(card(replayedDenialResult()).blocks);
    expect(all).toContain('*Identity provider*\nOkta (corp)');
    expect(all).toContain('*Service token*\nci-deploy\n`3f9e1c2d.access`');
    const beforeLogin = texts(
      card(
        deniedResult({ event: { identityProvider: 'nonidentity' }, names: { identityProviderName: 'Okta' } }),
      ).blocks,
    );
    expect(beforeLogin).toContain('*Identity provider*\nnone (decided before login)');
    const nameOnly = texts(card(deniedResult({ names: { serviceTokenName: 'ci <!here>' } })).blocks);
    expect(nameOnly).toContain('*Service token*\nci &lt;!here&gt;');
  });

  it('keeps the fields at ten or fewer with every field present', () => {
    const result = replayedDenialResult();
    result.event.deviceId = 'dev-123';
    const fields = card(result).blocks.flatMap((block) =>
      block.type === 'section' && block.fields !== undefined ? [block.fields] : [],
    );
    expect(fields).toHaveLength(1);
    expect(fields[0]).toHaveLength(10);
  });

  it('shows the count and the latest failed logins', () => {
    expect(titledText(card(replayedDenialResult()).blocks, 'Recent failed logins')).toBe(
      [
        '*Recent failed logins*',
        '7 failed logins for this user, newest first:',
        '• <!date^1741953483^{date_short_pretty} {time}|2025-03-14 11:58:03 UTC> · Grafana · `74e4ac510dfdc44f` (this request)',
        '• <!date^1741943520^{date_short_pretty} {time}|2025-03-14 09:12:00 UTC> · Jira · `8a1b0000000000c9`',
        '• <!date^1741887930^{date_short_pretty} {time}|2025-03-13 17:45:30 UTC> · unknown app · `8a1b0000000000ca`',
        '• <!date^1741852800^{date_short_pretty} {time}|2025-03-13 08:00:00 UTC> · Grafana · `8a1b0000000000cb`',
        '• <!date^1741766400^{date_short_pretty} {time}|2025-03-12 08:00:00 UTC> · Grafana · `8a1b0000000000cc`',
        '• …and 2 more',
      ].join('\n'),
    );
    const one = titledText(
      card(deniedResult({ recentFailedLogins: failedLogins(rayId(9)).slice(0, 1) })).blocks,
      'Recent failed logins',
    );
    expect(one).toMatch(
      /^\*Recent failed logins\*\n1 failed login for this user, newest first:\n• <!date\^\d+\^[^>]+> · Grafana · `8a1b000000000009`$/,
    );
  });

  it('leaves the failed logins out when there are none', () => {
    for (const recentFailedLogins of [[], undefined]) {
      const result = recentFailedLogins === undefined ? deniedResult() : deniedResult({ recentFailedLogins });
      expect(titledText(card(result).blocks, 'Recent failed logins')).toBeUndefined();
    }
  });

  it('gives every cause its own label', () => {
    const labels = CAUSE_CODES.map((code) => CAUSE_LABELS[code]);
    expect(labels.every((label) => label.trim() !== '' && !/[<>&*_`]/.test(label))).toBe(true);
    expect(new Set(labels).size).toBe(CAUSE_CODES.length);
    for (const cause of CAUSE_CODES) {
      const why = titledText(card(deniedResult({ explanation: { cause } })).blocks, 'Why');
      expect(why).toContain(`*Cause:* ${CAUSE_LABELS[cause]}\n`);
    }
  });
});

describe('renderResultBlocks — not found', () => {
  it.each<PasteKind | undefined>([
    'waf_block_page',
    'cloudflare_error_page',
    'access_block_page',
    'plain',
    undefined,
  ])('renders a valid card for paste kind %s', (paste) => {
    const message = card(notFoundResult(), paste);
    expectValidCard(message, [RAY]);
    const all = texts(message.blocks);
    expect(all[0]).toBe('🔎 No Access login for Ray 74e4ac510dfdc44f');
    expect(all.some((text) => text.startsWith('*Searched*\nFrom <!date^'))).toBe(true);
    expect(all).toContain(
      '*Likely other sources*\n• A WAF custom rule\n• The origin server itself\n• A Cloudflare 1xxx error (e.g. 1020)',
    );
    const wafNote = all.some((text) => text.includes('Cloudflare WAF block page, not an Access page'));
    const errorNote = all.some((text) => text.includes('Cloudflare 1xxx error page, not an Access page'));
    expect(wafNote).toBe(paste === 'waf_block_page');
    expect(errorNote).toBe(paste === 'cloudflare_error_page');
  });

  it('says which lookups could not run (missing permission) on a not-found card', () => {
    const message = card(
      notFoundResult({
        gaps: ['Identity log: add the “Access: Audit Logs Read” permission to the token to search it'],
      }),
      'plain',
    );
    expectValidCard(message, [RAY]);
    expect(texts(message.blocks)).toContain(
      'Not searched: Identity log: add the “Access: Audit Logs Read” permission to the token to search it',
    );
    expect(texts(card(notFoundResult(), 'plain').blocks).some((t) => t.startsWith('Not searched'))).toBe(
      false,
    );
  });

  it('names the pasted page’s error code, status and Access details', () => {
    const error = renderResultBlocks(notFoundResult(), {
      now: NOW,
      paste: { kind: 'cloudflare_error_page', errorCode: '1020', statusCode: 403 },
    });
    expect(texts(error)).toContain(
      '📋 The pasted page is Cloudflare error `1020`, not an Access page (HTTP 403): the error number names the cause.',
    );
    const access = renderResultBlocks(notFoundResult(), {
      now: NOW,
      paste: { kind: 'access_block_page', appAud: 'ab'.repeat(32), mtlsStatus: 'NONE' },
    });
    expectValidCard({ text: 'x', blocks: access }, [RAY]);
    expect(texts(access)).toContain(
      `📋 The pasted page is a Cloudflare Access block page (app AUD \`${'ab'.repeat(32)}\` · mTLS \`NONE\`).`,
    );
  });

  it('hints that the event may be too recent', () => {
    const all = texts(card(notFoundResult({ maybeTooRecent: true })).blocks);
    expect(all).toContain("⏱️ Cloudflare's analytics lag about a minute — try again shortly.");
    expect(texts(card(notFoundResult()).blocks).some((text) => text.includes('analytics lag'))).toBe(false);
  });

  it('says whether retention or the configured cap stopped the search', () => {
    const retention = texts(card(notFoundResult()).blocks).find((text) => text.startsWith('*Searched*'));
    expect(retention).toContain('(7 days, 7 query windows)');
    expect(retention).toContain("Stopped at the dataset's retention");
    const capped = texts(
      card(
        notFoundResult(
          {},
          { limitedBy: 'configured_cap', windows: 1, oldestReachable: new Date('2025-03-01T00:00:00Z') },
        ),
      ).blocks,
    ).find((text) => text.startsWith('*Searched*'));
    expect(capped).toContain('1 query window)');
    expect(capped).toContain(
      "Stopped at the bot's configured look-back cap; Cloudflare still holds data back to <!date^",
    );
  });

  it('leaves out the sources list when there is none', () => {
    const message = card(notFoundResult({ likelySources: [] }));
    expectValidCard(message, [RAY]);
    expect(texts(message.blocks).some((text) => text.startsWith('*Likely other sources*'))).toBe(false);
  });
});

describe('renderResultBlocks — lookup errors', () => {
  it.each(LOOKUP_ERROR_CODES)('renders a valid, specific card for %s', (code) => {
    const message = card(errorResult(code, { permission: 'Account Analytics: Read', retryAfterSeconds: 42 }));
    expectValidCard(message, [RAY]);
    const all = texts(message.blocks);
    expect(all[0]).toBe("⚠️ Couldn't look up Ray 74e4ac510dfdc44f");
    expect(all[1]).toBe(`The lookup failed (${code}).`);
    expect(all[2]).toMatch(/^\*What the admin can do\*\n\S/);
    expect(all.at(-1)).toBe(`Ray ID \`74e4ac510dfdc44f\` · error \`${code}\``);
    expect(message.text).toBe(`Couldn't look up Ray 74e4ac510dfdc44f: The lookup failed (${code}).`);
  });

  it('gives every code its own admin action', () => {
    const actions = LOOKUP_ERROR_CODES.map((code) => texts(card(errorResult(code)).blocks)[2]);
    expect(new Set(actions).size).toBe(LOOKUP_ERROR_CODES.length);
  });

  it('names the missing permission', () => {
    const all = texts(
      card(errorResult('cloudflare_permission', { permission: 'Access: Apps and Policies Read' })).blocks,
    );
    expect(all[2]).toContain(
      'Edit the API token in the Cloudflare dashboard (My Profile › API Tokens) and add *Access: Apps and Policies Read*',
    );
  });

  it('says when to retry after a rate limit', () => {
    const withDelay = texts(card(errorResult('upstream_rate_limited', { retryAfterSeconds: 42 })).blocks)[2];
    expect(withDelay).toContain(
      "Cloudflare's rate limit (or the bot's own budget that keeps it under it) is used up; try again in 42 s",
    );
    expect(withDelay).toContain(`<!date^${NOW.getTime() / 1000 + 42}^{time_secs}|2025-03-14 12:00:42 UTC>`);
    const without = texts(card(errorResult('upstream_rate_limited')).blocks)[2];
    expect(without).toContain('try again in a few minutes');
    const long = texts(card(errorResult('upstream_rate_limited', { retryAfterSeconds: 290 })).blocks)[2];
    expect(long).toContain('try again in 5 min');
    const absurd = texts(card(errorResult('upstream_rate_limited', { retryAfterSeconds: 1e12 })).blocks)[2];
    expect(absurd).toContain('try again in a few minutes');
  });

  it('points to the status page when Cloudflare is failing', () => {
    const all = texts(card(errorResult('upstream_unavailable')).blocks);
    expect(all[2]).toContain("Cloudflare's API is failing; check https://www.cloudflarestatus.com and retry");
  });
});
