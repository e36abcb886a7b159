import { describe, expect, it } from 'vitest';
import { causeCategory, redactResult } from '../../../src/core/explain/redact.js';
import type { CauseCode } from '../../../src/core/explanation.js';
import { policyDrift } from '../../fixtures/drift.js';
import { deniedResult, errorResult, notFound, notFoundResult } from '../../slack/blocks/fixtures.js';

describe('redactResult', () => {
  it('keeps the decision, the cause and the category guidance; drops every personal field', () => {
    const result = deniedResult({
      event: { ipAddress: '198.51.100.7', country: 'DE', userUuid: 'uuid-1', deviceId: 'dev-1' },
      names: { userEmail: 'alice@example.com', identityProviderName: 'Okta' },
    });
    const hidden = redactResult(result);
    if (hidden.outcome !== 'denied') throw new Error('outcome changed');
    expect(hidden.redacted).toBe(true);
    expect(hidden.explanation).toMatchObject({
      decision: 'denied',
      cause: result.explanation.cause,
      evidence: [],
    });
    expect(hidden.explanation.summary).toMatch(/where it came from/);
    const text = JSON.stringify(hidden);
    for (const value of ['198.51.100.7', 'uuid-1', 'dev-1', 'alice@example.com', 'Okta', '"DE"'])
      expect(text).not.toContain(value);
    expect(hidden.policies).toBeUndefined();
    expect(hidden.recentFailedLogins).toBeUndefined();
    expect(hidden.names).toEqual({ appName: 'Grafana', appDomain: 'grafana.example.com' });
  });

  it('hides an identity-log hit of someone else, and leaves plain not-found and error results alone', () => {
    const withLog = notFoundResult(
      notFound({
        identityLog: {
          source: 'access_requests',
          rayId: 'aaaaaaaaaaaaaaaa',
          datetime: '2025-03-14T11:00:00Z',
          userEmail: 'x@example.com',
          ipAddress: '203.0.113.9',
        },
      }),
    );
    const hidden = redactResult(withLog);
    expect(JSON.stringify(hidden)).not.toContain('x@example.com');
    expect(JSON.stringify(hidden)).not.toContain('203.0.113.9');
    expect(hidden).toMatchObject({ redacted: true });
    const plain = notFoundResult();
    expect(redactResult(plain)).toBe(plain);
    const error = errorResult('upstream_timeout');
    expect(redactResult(error)).toBe(error);
  });

  it('gives every cause code a category', () => {
    const codes: CauseCode[] = ['allowed', 'ip_not_allowed', 'mtls_missing', 'service_token_expired'];
    expect(codes.map(causeCategory)).toEqual(['allowed', 'network', 'device', 'service_token']);
  });
});

describe('redactResult and policy drift', () => {
  it('keeps that the policy changed and when; drops who changed it, what, its name and the replay at the event', () => {
    const hidden = redactResult({ ...deniedResult(), drift: policyDrift() });
    if (hidden.outcome !== 'denied') throw new Error('outcome changed');
    expect(hidden.drift?.changedSince).toEqual([
      { what: 'policy', id: '', name: '', updatedAt: '2025-03-14T11:59:40Z' },
    ]);
    expect(hidden.drift?.atEvent).toBeUndefined();
    const text = JSON.stringify(hidden);
    for (const value of ['it-admin@example.com', 'Require', 'Staff', 'Account Settings'])
      expect(text).not.toContain(value);
  });
});
