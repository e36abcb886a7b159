import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { createSampleDataset, SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { renderReport } from '../../src/slack/blocks/render-report.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// Oversized answers must cost a bounded amount of memory and end in a clear card, never a crash.
const MB = 1024 * 1024;
const TOKEN = 'oversized-test-token-SECRET';
let standIn: CloudflareStandIn;
let adapters: CloudflareAdapters | undefined;

beforeAll(async () => {
  const now = new Date();
  const dataset = createSampleDataset(now);
  // Enough service tokens for 60 pages of 50: the list walk would fetch 180 MB without a cap.
  const template = dataset.serviceTokens[0];
  if (!template) throw new Error('sample dataset has no service token');
  for (let i = 0; i < 3000; i++) {
    dataset.serviceTokens.push({
      ...template,
      id: `0000${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`,
      name: `bulk ${i}`,
    });
  }
  standIn = await startCloudflareStandIn({ token: TOKEN, dataset, now: () => now });
});
afterAll(() => standIn.close());
afterEach(async () => {
  await adapters?.close();
  adapters = undefined;
  standIn.clearFaults();
  standIn.requests.length = 0;
});

function create(): CloudflareAdapters {
  adapters = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 30_000,
    maxLookbackSeconds: 30 * 86_400,
    cache: { keepWarmMs: 0 },
    guard: { retries: 0 },
  });
  return adapters;
}

describe('oversized Cloudflare answers', () => {
  it('a 150 MB GraphQL answer becomes an upstream_bad_response card, read no further than the cap', async () => {
    const cf = create();
    standIn.injectFault({ target: 'graphql', kind: 'oversized', bytes: 150 * MB, times: 2 });
    const heapBefore = process.memoryUsage().heapUsed;
    const report = await explainRayIds(
      { events: cf.events, directory: cf.directory, now: () => new Date() },
      { text: SAMPLE_RAY.mtlsMissing },
    );
    const result = report.results[0];
    expect(result?.outcome).toBe('error');
    if (result?.outcome !== 'error') return;
    expect(result.failure.code).toBe('upstream_bad_response');
    expect(result.failure.message).toMatch(/larger than the bot reads \(over 16 MB\)/);
    // The whole body would be 150 MB of text; the cap keeps what was held to a fraction of that.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * MB);
    const card = renderReport(report, { now: new Date() });
    expect(card.text).toContain(SAMPLE_RAY.mtlsMissing);
    expect(JSON.stringify(card.blocks)).toMatch(/larger than the bot reads/);
  }, 60_000);

  it('50 REST pages of 3 MB at warm-up: the list is cut and says so, and warm-up still resolves', async () => {
    const cf = create();
    standIn.injectFault({ target: /service_tokens/, kind: 'oversized', bytes: 3 * MB, times: 50 });
    const report = await cf.prime();
    const pages = standIn.requests.filter((r) => r.path.endsWith('/access/service_tokens')).length;
    // 24 MB per list: the ninth 3 MB page crosses it.
    expect(pages).toBeLessThanOrEqual(9);
    expect(report.gaps).toContainEqual(
      expect.stringMatching(/^Service tokens: only the first \d+ were read \(the answers grew too large\)/),
    );
    expect(report.settings.enabled).toBe(true);
  }, 60_000);

  it('one REST answer over the per-response cap fails that lookup alone, as a gap', async () => {
    const cf = create();
    standIn.injectFault({ target: /identity_providers/, kind: 'oversized', bytes: 40 * MB });
    const report = await cf.prime();
    expect(report.gaps).toContainEqual(
      expect.stringMatching(/^Identity providers: Cloudflare did not answer \(upstream_bad_response\)/),
    );
    // The other account-wide lookups were read.
    expect(report.gaps.some((g) => g.startsWith('Access groups'))).toBe(false);
  }, 60_000);
});
