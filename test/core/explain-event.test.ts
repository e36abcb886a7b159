import { describe, expect, it } from 'vitest';
import { hasNoClientCertificate } from '../../src/core/access-event.js';
import { explainEvent } from '../../src/core/explain/explain-event.js';
import { loginEvent, nonIdentityDenial } from '../fixtures/events.js';

describe('explainEvent (from the login row alone)', () => {
  it('an allowed login names the approving policy and is determinable', () => {
    const x = explainEvent(loginEvent({ isSuccessfulLogin: true, approvingPolicyId: 'pol-123' }), {
      appName: 'Grafana',
      userEmail: 'ana@example.com',
    });
    expect(x).toMatchObject({ decision: 'allowed', cause: 'allowed', determinable: true, needs: [] });
    expect(x.summary).toBe('Access allowed ana@example.com into Grafana (policy pol-123).');
    expect(x.adminFix).toMatch(/cloudflared's audTag check, a WAF rule, or the origin/);
  });

  it('a non-identity denial lists the row evidence and leaves the rule to the policies', () => {
    const x = explainEvent(nonIdentityDenial, {});
    expect(x.decision).toBe('denied');
    expect(x.cause).toBe('undetermined');
    expect(x.determinable).toBe(false);
    expect(x.needs).toEqual(["the app's Access policies (token permission Access: Apps and Policies Read)"]);
    expect(x.evidence.map((e) => e.label)).toEqual([
      'Decided before login',
      'No client certificate',
      'WARP off',
      'Gateway off',
      'No service token',
      'Origin',
    ]);
    expect(x.evidence.at(-1)?.detail).toBe('From US (2001:db8::42).');
    expect(x.summary).toMatch(
      /^Access denied a request without a signed-in user at app 4e6a1c2b… before any sign-in/,
    );
    expect(x.summary).toMatch(/the app's policies decide the rest\.$/);
    expect(x.userMessage).toMatch(/WARP client is connected/);
    expect(x.adminFix).toMatch(/client certificate.*connect WARP/);
  });

  it('an identity denial with a certificate and a token presented says so', () => {
    const x = explainEvent(
      loginEvent({
        mtlsStatus: 'OK',
        mtlsCommonName: 'laptop-17.corp.example',
        mtlsCertSerialId: '0a1b2c',
        serviceTokenId: 'tok-9',
        hasExistingJwt: true,
      }),
      { appName: 'Wiki', userEmail: 'bo@example.com' },
    );
    expect(x.evidence.map((e) => [e.label, e.field])).toEqual([
      ['Signed in', 'identityProvider'],
      ['Client certificate', 'mtlsStatus'],
      ['Service token presented', 'serviceTokenId'],
      ['Existing session', 'hasExistingJwt'],
      ['Origin', 'country'],
    ]);
    expect(x.evidence[1]?.detail).toBe(
      'Presented: status OK, common name laptop-17.corp.example, serial 0a1b2c.',
    );
    expect(x.needs).toHaveLength(2);
    expect(x.summary).toMatch(
      /^Access denied bo@example.com at Wiki after sign-in, from DE \(198\.51\.100\.23\)/,
    );
    expect(x.userMessage).toMatch(/not allowed into Wiki/);
  });

  it('treats only an empty certificate as "no certificate"', () => {
    expect(hasNoClientCertificate(loginEvent())).toBe(true);
    expect(hasNoClientCertificate(loginEvent({ mtlsStatus: '' }))).toBe(true);
    expect(hasNoClientCertificate(loginEvent({ mtlsStatus: 'NONE', mtlsCommonName: 'x' }))).toBe(false);
    expect(hasNoClientCertificate(loginEvent({ mtlsStatus: 'INVALID_CERT' }))).toBe(false);
  });
});
