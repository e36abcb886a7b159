import { describe, expect, it } from 'vitest';
import { explainNotFound } from '../../src/core/explain/explain-not-found.js';
import type { SearchedRange } from '../../src/core/ports.js';

const now = new Date('2026-11-22T12:00:00Z');
const range = (overrides: Partial<SearchedRange> = {}): SearchedRange => ({
  oldest: new Date('2026-11-15T12:00:00Z'),
  newest: now,
  windows: 1,
  limitedBy: 'configured_cap',
  oldestReachable: new Date('2026-08-24T12:00:00Z'),
  ...overrides,
});

describe('explainNotFound', () => {
  it('for a WAF page, points at Security › Events and drops the ingestion-lag hint', () => {
    const x = explainNotFound(range(), { kind: 'waf_block_page' }, now);
    expect(x.likelySources[0]).toMatch(/WAF/);
    expect(x.maybeTooRecent).toBe(false);
    expect(x.adminFix).toMatch(/Security › Events/);
    expect(x.summary).toMatch(/configured search limit.*WAF block page/);
  });

  it('for an Access page, suspects another account, cloudflared and sampling', () => {
    const x = explainNotFound(range({ limitedBy: 'retention' }), { kind: 'access_block_page' }, now);
    expect(x.likelySources).toHaveLength(3);
    expect(x.likelySources.join(' ')).toMatch(/different Cloudflare account.*cloudflared.*sampling/s);
    expect(x.summary).toMatch(/dataset's retention/);
  });

  it('flags a search that ended at now as possibly too recent, but not an old anchored one', () => {
    expect(explainNotFound(range(), { kind: 'plain' }, now).maybeTooRecent).toBe(true);
    const anchored = range({ newest: new Date('2026-11-20T12:05:00Z') });
    expect(explainNotFound(anchored, { kind: 'plain' }, now).maybeTooRecent).toBe(false);
  });

  it('says when the Ray ID is older than anything Cloudflare keeps', () => {
    expect(explainNotFound(range({ windows: 0 }), { kind: 'plain' }, now).summary).toMatch(
      /oldest Access data/,
    );
  });
});
