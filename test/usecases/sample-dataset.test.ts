import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { createSampleDataset } from '../../src/sandbox/dataset.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// The sample dataset records, for each featured event, the cause its author built it for. Running the
// whole pipeline (GraphQL lookup → REST enrichment → replay) over them is a held-out check of the explainer.
// Materialised at collection time, before the stand-in exists; only kinds and Ray IDs are used.
const featured = createSampleDataset(new Date()).events.filter((e) => !e.background);
let standIn: CloudflareStandIn;
let cloudflare: CloudflareAdapters;

beforeAll(async () => {
  standIn = await startCloudflareStandIn({ token: 'sample-token' });
  cloudflare = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 30 * 86_400,
  });
});
afterAll(async () => {
  await cloudflare.close();
  await standIn.close();
});

describe('every featured sample event gets the cause it was built for', () => {
  it.each(featured.map((e) => [e.kind, e.cfRayId] as const))('%s (%s)', async (kind, rayId) => {
    const report = await explainRayIds({ ...cloudflare, now: () => new Date() }, { text: rayId });
    const result = report.results[0];
    if (result?.outcome !== 'allowed' && result?.outcome !== 'denied')
      throw new Error(`got ${result?.outcome}`);
    // A policy changed since the event: the cause is the one the replay of the version of then names.
    const decided = result.drift?.atEvent ?? result.explanation;
    expect(decided.cause).toBe(kind);
    expect(decided.determinable).toBe(true);
    expect(result.explanation.policy).toBeTruthy();
    expect(result.policies?.length).toBeGreaterThan(0);
  });
});
