import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parsePolicyCase, toRule } from '../../../src/cloudflare/access-schemas.js';
import { lastSeenIdentityWireSchema, toLastSeenIdentity } from '../../../src/cloudflare/identity-schemas.js';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';
import type { Rule } from '../../../src/core/policy/types.js';
import { wireCase } from '../../fixtures/policy/wire-case.js';

// Rule mapping lives in the Cloudflare adapter; it is tested here with the policy replay it feeds.
describe('toRule (wire selector → core rule)', () => {
  const table: [unknown, Rule][] = [
    [{ everyone: {} }, { kind: 'everyone' }],
    [{ ip: { ip: '192.0.2.0/24' } }, { kind: 'ip', ip: '192.0.2.0/24' }],
    [{ ip_list: { id: 'l1' } }, { kind: 'ip_list', listId: 'l1' }],
    [{ geo: { country_code: 'PT' } }, { kind: 'geo', countryCode: 'PT' }],
    [{ certificate: {} }, { kind: 'certificate' }],
    [{ common_name: { common_name: 'cn' } }, { kind: 'common_name', commonName: 'cn' }],
    [{ service_token: { token_id: 't1' } }, { kind: 'service_token', tokenId: 't1' }],
    [{ any_valid_service_token: {} }, { kind: 'any_valid_service_token' }],
    [{ email: { email: 'a@b.example' } }, { kind: 'email', email: 'a@b.example' }],
    [{ email_domain: { domain: 'b.example' } }, { kind: 'email_domain', domain: 'b.example' }],
    [{ email_list: { id: 'l2' } }, { kind: 'email_list', listId: 'l2' }],
    [{ group: { id: 'g1' } }, { kind: 'group', groupId: 'g1' }],
    [{ login_method: { id: 'i1' } }, { kind: 'login_method', idpId: 'i1' }],
    [{ auth_method: { auth_method: 'hwk' } }, { kind: 'auth_method', authMethod: 'hwk' }],
    [{ azureAD: { id: 'ag', identity_provider_id: 'i2' } }, { kind: 'azureAD', groupId: 'ag', idpId: 'i2' }],
    [{ okta: { name: 'Eng', identity_provider_id: 'i3' } }, { kind: 'okta', name: 'Eng', idpId: 'i3' }],
    [{ okta: { email: 'Legacy' } }, { kind: 'okta', name: 'Legacy' }],
    [
      { gsuite: { email: 'g@b.example', identity_provider_id: 'i4' } },
      { kind: 'gsuite', email: 'g@b.example', idpId: 'i4' },
    ],
    [
      { 'github-organization': { name: 'org', team: 'web', identity_provider_id: 'i5' } },
      { kind: 'github-organization', name: 'org', team: 'web', idpId: 'i5' },
    ],
    [
      { saml: { attribute_name: 'n', attribute_value: 'v', identity_provider_id: 'i6' } },
      { kind: 'saml', attributeName: 'n', attributeValue: 'v', idpId: 'i6' },
    ],
    [
      { oidc: { claim_name: 'c', claim_value: 'v', identity_provider_id: 'i7' } },
      { kind: 'oidc', claimName: 'c', claimValue: 'v', idpId: 'i7' },
    ],
    [
      { auth_context: { id: 'x', ac_id: 'c1', identity_provider_id: 'i8' } },
      { kind: 'auth_context', id: 'x', acId: 'c1', idpId: 'i8' },
    ],
    [{ device_posture: { integration_uid: 'p1' } }, { kind: 'device_posture', integrationUid: 'p1' }],
    [
      { external_evaluation: { evaluate_url: 'https://e.example', keys_url: 'https://e.example/k' } },
      { kind: 'external_evaluation', evaluateUrl: 'https://e.example', keysUrl: 'https://e.example/k' },
    ],
    [
      { user_risk_score: { user_risk_score: ['low', 'medium'] } },
      { kind: 'user_risk_score', levels: ['low', 'medium'] },
    ],
    [{ linked_app_token: { app_uid: 'saas' } }, { kind: 'linked_app_token', appUid: 'saas' }],
    [
      { cloudflare_account_member: { account_id: 'acc' } },
      { kind: 'cloudflare_account_member', accountId: 'acc' },
    ],
    [{ cloudflare_account_member: {} }, { kind: 'cloudflare_account_member' }],
  ];

  it.each(table.map(([wire, rule]) => [Object.keys(wire as object)[0], wire, rule] as const))(
    '%s',
    (_key, wire, rule) => {
      expect(toRule(wire)).toEqual(rule);
    },
  );

  it('keeps what it cannot read as an unknown rule, raw JSON included', () => {
    const odd = [{ future: { x: 1 } }, { geo: { code: 'PT' } }, { ip: {}, geo: {} }, 'everyone', null, []];
    for (const wire of odd) {
      const rule = toRule(wire);
      expect(rule.kind).toBe('unknown');
      expect(rule).toMatchObject({ raw: wire });
    }
    expect(toRule({ future: {} })).toMatchObject({ key: 'future' });
  });
});

describe('parsePolicyCase', () => {
  it('maps a wire case to core types (extra keys and nulls tolerated)', () => {
    const { event, app, context } = parsePolicyCase(wireCase());
    expect(event).toMatchObject({
      rayId: '8f00aa11bb22cc33',
      isSuccessfulLogin: false,
      hasGatewayEnabled: false,
      identityProvider: 'okta',
    });
    expect(app).toMatchObject({ name: 'Treasury', allowedIdps: [], aud: 'aud-treasury' });
    expect(app.policies.map((p) => [p.name, p.decision, p.precedence])).toEqual([
      ['Health checks', 'bypass', 1],
      ['Treasury team', 'allow', 2],
      ['Future selector', 'allow', 3],
    ]);
    expect(app.policies[1]).toMatchObject({
      mfa: { required: false, allowedAuthenticators: [] },
      sessionDuration: '8h',
      exclude: [],
    });
    expect(app.policies[2]?.include[0]).toMatchObject({ kind: 'unknown', key: 'quantum_entanglement' });
    expect(context.lists.map((l) => l.items)).toEqual([['203.0.113.0/24'], ['a@corp.example'], undefined]);
    expect(context.serviceTokens).toEqual([
      { id: 'tok-1', clientId: 'abc.access', name: 'ci', enabled: true },
    ]);
    expect(context.user).toEqual({
      id: '2c2c2c2c-0000-4000-8000-0000000000b1',
      email: 'ola@corp.example',
      name: 'Ola N.',
    });
    expect(context.lastSeenIdentity).toBeUndefined();
    expect(context.now.toISOString()).toBe('2026-11-20T08:30:00.000Z');
  });

  it('takes an explicit clock', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(parsePolicyCase(wireCase(), now).context.now).toBe(now);
  });

  it('rejects a malformed login row', () => {
    const bad = wireCase();
    bad.event = { ...(bad.event as object), cfRayId: undefined };
    expect(() => parsePolicyCase(bad)).toThrow(ZodError);
  });

  it('feeds the replay end to end', () => {
    const { event, app, context } = parsePolicyCase(wireCase());
    const x = explainLogin(event, app, context);
    expect(x).toMatchObject({
      decision: 'denied',
      cause: 'needs_idp_group_data',
      policy: 'Treasury team',
      determinable: false,
    });
    expect(x.needCodes).toEqual(['idp_groups', 'rule_support']);
    expect(x.policies.map((p) => p.icon)).toEqual(['❌', '❔', '❔']);
  });
});

describe('toLastSeenIdentity', () => {
  it('maps posture results, IdP and optional groups', () => {
    const wire = lastSeenIdentityWireSchema.parse({
      user_uuid: 'u1',
      email: 'ola@corp.example',
      device_id: 'd1',
      is_warp: true,
      is_gateway: false,
      idp: { id: 'idp-okta', type: 'okta' },
      geo: { country: 'NO' },
      devicePosture: { p1: { success: false, rule_name: 'Disk', error: null, timestamp: 't' } },
      groups: [{ name: 'Treasury', id: null }],
      mtls_auth: { auth_status: 'NONE' },
    });
    expect(toLastSeenIdentity(wire)).toEqual({
      userUuid: 'u1',
      email: 'ola@corp.example',
      deviceId: 'd1',
      isWarp: true,
      isGateway: false,
      idp: { id: 'idp-okta', type: 'okta' },
      country: 'NO',
      devicePosture: { p1: { success: false, ruleName: 'Disk', timestamp: 't' } },
      groups: [{ name: 'Treasury' }],
    });
  });
});
