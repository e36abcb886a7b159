import { describe, expect, it } from 'vitest';
import { LOOKUP_ERROR_CODES } from '../../../src/core/errors.js';
import { totalBlockText } from '../../../src/slack/blocks/limits.js';
import { renderReport, toCompactLine } from '../../../src/slack/blocks/render-report.js';
import { renderResultBlocks, toFallbackLine } from '../../../src/slack/blocks/render-result.js';
import { DATE_TOKEN, expectValidCard, withoutDateTokens } from './assertions.js';
import { errorResult, hostileDeniedResult, NOW, notFoundResult, RAY, report } from './fixtures.js';

const HOSTILE = '<!channel> <@U1> <https://evil.example|click> & \u0000\u202e\ud800';

describe('hostile data', () => {
  it('cannot mention, link or overflow from a found event', () => {
    const result = hostileDeniedResult();
    const message = { text: toFallbackLine(result), blocks: renderResultBlocks(result, { now: NOW }) };
    expectValidCard(message, [RAY]);
    const json = withoutDateTokens(message);
    for (const marker of ['<!', '<@', '<http', '<#']) expect(json).not.toContain(marker);
    expect(json).toContain('&lt;!channel&gt;@x.com');
    expect(json).toContain('*Identity provider*\\n&lt;@U1&gt; idp name iii');
    expect(json).toContain('*Service token*\\n&lt;!subteam^S2&gt; ttt');
    expect(json).toContain('&lt;http://x|y&gt;');
    // Only the date tokens we build remain as `<!…>`.
    expect(JSON.stringify(message).match(/<!/g)?.length).toBe(
      JSON.stringify(message).match(DATE_TOKEN)?.length,
    );
  });

  it('escapes and bounds hostile policies, rules and failed logins', () => {
    const result = hostileDeniedResult();
    const blocks = renderResultBlocks(result, { now: NOW });
    const sections = new Map(
      blocks.flatMap((block): [string, string][] =>
        block.type === 'section' && block.text !== undefined
          ? [[block.text.text.split('\n')[0] ?? '', block.text.text]]
          : [],
      ),
    );
    const why = sections.get('*Why*') ?? '';
    expect(why).toContain('*Failed rule:* Require rule `email` `&lt;mailto:x@evil.example|x&gt; vvv');
    expect(why).toContain('of policy `&lt;!channel&gt; fff');
    expect(why).toContain('(rule group `&lt;!everyone&gt; ggg');
    expect(why).toContain('*Also:* Allowed by a policy; Not determined yet; ');
    expect(why).toContain('⚠️ *The current policies would admit this request*');
    expect(why.length).toBeLessThanOrEqual(1800);

    const policies = sections.get('*Policies (in evaluation order)*') ?? '';
    expect(policies).toContain("• _(not reached)_ ❌ Allow '&lt;!channel&gt; PPP");
    expect(policies).toContain("• ❌ Allow '&lt;@U7|boss&gt; PPP");
    expect(policies).toContain("…' — &lt;https://evil.example|click&gt; &amp;&amp;");
    expect(policies).toMatch(/\n• …and \d+ more$/);
    expect(policies.length).toBeLessThanOrEqual(1500);

    const logins = sections.get('*Recent failed logins*') ?? '';
    expect(logins).toContain('30 failed logins for this user, newest first:');
    expect(logins).toContain('· &lt;!channel&gt; &lt;http://evil.example|Grafana&gt; aaa');
    expect(logins).toContain('`&lt;@U0&gt; rrr');
    expect(logins).toMatch(/\n• …and \d+ more$/);
    expect(logins.length).toBeLessThanOrEqual(800);

    // Room for nine one-line results next to one hostile card in a 10-result report.
    expect(totalBlockText(blocks)).toBeLessThanOrEqual(8_000);
    expect(toCompactLine(result).length).toBeLessThanOrEqual(280);
  });

  it('escapes an unparsable hostile failed-login time', () => {
    const result = hostileDeniedResult();
    result.recentFailedLogins = result.recentFailedLogins?.slice(1, 2) ?? [];
    const message = { text: toFallbackLine(result), blocks: renderResultBlocks(result, { now: NOW }) };
    expectValidCard(message, [RAY]);
    expect(JSON.stringify(message.blocks)).toContain('• &lt;!here&gt; not a date ddd');
  });

  it('keeps the header within 150 characters for a 5000-character app name', () => {
    const [header] = renderResultBlocks(hostileDeniedResult(), { now: NOW });
    expect(header?.type).toBe('header');
    if (header?.type !== 'header') return;
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).toMatch(/^🚫 Access denied — &lt;!channel&gt; A+…$/);
  });

  it('cannot mention or link from a not-found explanation', () => {
    const result = notFoundResult({
      summary: HOSTILE.repeat(200),
      likelySources: Array.from({ length: 100 }, () => HOSTILE),
      adminFix: HOSTILE.repeat(100),
      userMessage: HOSTILE.repeat(100),
      maybeTooRecent: true,
    });
    const message = {
      text: toFallbackLine(result),
      blocks: renderResultBlocks(result, { now: NOW, paste: { kind: 'waf_block_page' } }),
    };
    expectValidCard(message, [RAY]);
  });

  it('cannot mention or link from pasted page details', () => {
    const result = notFoundResult();
    for (const kind of ['waf_block_page', 'cloudflare_error_page', 'access_block_page'] as const) {
      const paste = {
        kind,
        errorCode: HOSTILE,
        appAud: HOSTILE.repeat(50),
        mtlsStatus: HOSTILE,
        statusCode: 403,
      };
      const message = {
        text: toFallbackLine(result),
        blocks: renderResultBlocks(result, { now: NOW, paste }),
      };
      expectValidCard(message, [RAY]);
    }
  });

  it.each(LOOKUP_ERROR_CODES)('cannot mention or link from a %s failure', (code) => {
    const result = errorResult(code, {
      message: HOSTILE.repeat(100),
      permission: HOSTILE,
      retryAfterSeconds: 1e12,
    });
    const message = { text: toFallbackLine(result), blocks: renderResultBlocks(result, { now: NOW }) };
    expectValidCard(message, [RAY]);
  });

  it('escapes a hostile Ray ID and skipped list in a report', () => {
    const message = renderReport(
      report([errorResult('upstream_timeout', {}, HOSTILE)], { skippedRayIds: [HOSTILE, HOSTILE] }),
      { now: NOW },
    );
    expectValidCard(message, ['&lt;!channel&gt;']);
  });
});
