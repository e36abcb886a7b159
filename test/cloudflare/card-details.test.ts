import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/cli/render-text.js';
import { toJsonReport } from '../../src/cli/to-json.js';
import { toAccessLoginEvent } from '../../src/cloudflare/graphql-schemas.js';
import { type CloudflareAdapters, createCloudflareAdapters } from '../../src/cloudflare/index.js';
import { warpAuthenticationNote } from '../../src/core/warp-authentication.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { renderReport } from '../../src/slack/blocks/render-report.js';
import { explainRayIds } from '../../src/usecases/explain-ray-ids.js';

// What the directory reads beyond the replay (destinations, allow_authenticate_via_warp, the last
// seen identity) reaches the Slack card, the CLI text and the CLI JSON.
let standIn: CloudflareStandIn;
let cf: CloudflareAdapters;
const now = new Date();
beforeAll(async () => {
  standIn = await startCloudflareStandIn({ now: () => now });
  cf = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 30 * 86_400,
    cache: { keepWarmMs: 0 },
  });
});
afterAll(async () => {
  await cf.close();
  await standIn.close();
});

async function explain(rayId: string) {
  const report = await explainRayIds(
    { events: cf.events, directory: cf.directory, now: () => now },
    { text: `Ray ID: ${rayId}` },
  );
  const card = JSON.stringify(renderReport(report, { now }).blocks);
  return { report, card, text: renderText(report), json: toJsonReport(report) };
}

describe('directory details on the card', () => {
  it('every hostname an app covers (its destinations), the primary domain first', async () => {
    const { report, card, text } = await explain(SAMPLE_RAY.countryNotAllowed);
    const result = report.results[0];
    if (result?.outcome !== 'denied') throw new Error(`expected a denial, got ${result?.outcome}`);
    expect(result.names.appHostnames).toEqual([
      'wiki.northwind.example',
      'docs.northwind.example',
      'wiki.northwind.example/api',
    ]);
    expect(card).toContain('`wiki.northwind.example` `docs.northwind.example` `wiki.northwind.example/api`');
    expect(text).toMatch(
      /Hostnames +wiki\.northwind\.example, docs\.northwind\.example, wiki\.northwind\.example\/api/,
    );
  });

  it('a login-method denial on an app that accepts a WARP session says so, on every surface', async () => {
    const { report, card, text, json } = await explain(SAMPLE_RAY.loginMethodMismatch);
    const result = report.results[0];
    if (result?.outcome !== 'denied') throw new Error(`expected a denial, got ${result?.outcome}`);
    expect(result.explanation.cause).toBe('login_method_mismatch');
    expect(result.names.allowAuthenticateViaWarp).toBe(true);
    expect(card).toContain('allow WARP authentication is on');
    expect(card).toContain('did not come through WARP');
    expect(text).toMatch(/WARP login +This app accepts a WARP session/);
    expect(json.results[0]?.warpAuthentication).toMatch(/accepts a WARP session/);
  });

  it("the user's last seen identity, labelled as their latest login rather than this request", async () => {
    const { card, text } = await explain(SAMPLE_RAY.loginMethodMismatch);
    expect(card).toMatch(
      /Last seen identity \(the user’s latest login, not necessarily this request\): IdP `google` · IP `198\.51\.100\.45`/,
    );
    expect(text).toMatch(/Last seen +IdP google · IP 198\.51\.100\.45/);
  });

  it('no WARP note where it does not apply: not a login cause, allowed, or the setting unset', async () => {
    const { card } = await explain(SAMPLE_RAY.countryNotAllowed);
    expect(card).not.toMatch(/WARP authentication/);
    const row = toAccessLoginEvent({
      appId: 'a',
      approvingPolicyId: '',
      cfRayId: '0123456789abcdef',
      country: 'US',
      datetime: now.toISOString(),
      deviceId: '',
      hasExistingJWT: 0,
      hasGatewayEnabled: 1,
      hasWarpEnabled: 1,
      identityProvider: 'okta',
      ipAddress: '',
      isSuccessfulLogin: 0,
      mtlsCertSerialId: '',
      mtlsCommonName: '',
      mtlsStatus: '',
      serviceTokenId: '',
      userUuid: 'u',
    });
    expect(warpAuthenticationNote('idp_not_allowed', 'denied', row, {})).toBeUndefined();
    expect(
      warpAuthenticationNote('idp_not_allowed', 'allowed', row, { allowAuthenticateViaWarp: true }),
    ).toBeUndefined();
    expect(
      warpAuthenticationNote('country_not_allowed', 'denied', row, { allowAuthenticateViaWarp: true }),
    ).toBeUndefined();
    // Off, and the request came through WARP: the WARP session cannot sign the user in here.
    expect(
      warpAuthenticationNote('idp_not_allowed', 'denied', row, { allowAuthenticateViaWarp: false }),
    ).toMatch(/always requires a direct IdP login/);
    // WARP unknown (not on the plan): no claim about the path the request took.
    const unknownWarp = { ...row, unavailableFields: ['hasWarpEnabled'] };
    expect(
      warpAuthenticationNote('idp_not_allowed', 'denied', unknownWarp, { allowAuthenticateViaWarp: true }),
    ).not.toMatch(/through WARP/);
  });
});
