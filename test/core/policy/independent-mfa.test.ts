import { describe, expect, it } from 'vitest';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';
import { evaluatePolicies } from '../../../src/core/policy/evaluate-policies.js';
import { app, asUser, policy, r, signedIn } from '../../fixtures/policy/directory.js';

// Independent MFA (`mfa_config`) read by its content, policy over app (D-MFA).
const staff = (mfa?: { required: boolean; allowedAuthenticators: string[] }) =>
  policy({ name: 'Staff', include: [r.domain('corp.example')], ...(mfa ? { mfa } : {}) });

describe('independent MFA', () => {
  it('gates a policy by its own setting, else by the app’s; a disabled policy setting wins', () => {
    const gates = (
      p: ReturnType<typeof staff>,
      appMfa?: { required: boolean; allowedAuthenticators: string[] },
    ) =>
      evaluatePolicies(signedIn(), app([p], appMfa ? { mfa: appMfa } : {}), asUser('sam@corp.example'))
        .decider?.gates;
    expect(gates(staff())).toEqual([]);
    expect(gates(staff(), { required: true, allowedAuthenticators: ['totp'] })).toEqual(['independent_mfa']);
    expect(
      gates(staff({ required: false, allowedAuthenticators: [] }), {
        required: true,
        allowedAuthenticators: [],
      }),
    ).toEqual([]);
    expect(gates(staff({ required: true, allowedAuthenticators: ['security_key'] }))).toEqual([
      'independent_mfa',
    ]);
  });

  it('explains a denial the replay would admit, behind MFA, naming the allowed authenticators', () => {
    const wiki = app([staff({ required: true, allowedAuthenticators: ['totp', 'security_key'] })]);
    const x = explainLogin(signedIn(), wiki, asUser('sam@corp.example'));
    expect(x.cause).toBe('independent_mfa_required');
    expect(x.determinable).toBe(false);
    expect(x.summary).toMatch(/an authenticator app, a security key/);
    expect(x.adminFix).toMatch(/MFA/);
    expect(x.userMessage).toMatch(/second verification step/);
  });
});
