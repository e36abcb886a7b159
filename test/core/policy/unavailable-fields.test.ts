import { describe, expect, it } from 'vitest';
import { explainLogin } from '../../../src/core/explain/explain-denial.js';
import { evaluateRule } from '../../../src/core/policy/evaluate-rule.js';
import { app, asUser, POSTURE, policy, r, signedIn } from '../../fixtures/policy/directory.js';

// A row known only from the identity log, or from a plan without some fields, carries placeholders
// ('' for country, false for WARP): a rule proven by one of them must stay undecided.
describe('rules that read a field the login row does not have', () => {
  it('a country rule is unknown when the row has no country, and decided when it has one', () => {
    const missing = signedIn({ country: '', unavailableFields: ['country'] });
    const result = evaluateRule(r.geo('DE'), missing, asUser('sam@corp.example'));
    expect(result.verdict).toBe('unknown');
    expect(result.needs).toContain('login_field');
    expect(result.reason).toMatch(/no country/);
    const present = evaluateRule(r.geo('DE'), signedIn({ country: 'FR' }), asUser('sam@corp.example'));
    expect(present.verdict).toBe('no_match');
  });

  it('matches field names case-insensitively (GraphQL spells some differently)', () => {
    const event = signedIn({ hasWarpEnabled: false, unavailableFields: ['HASWARPENABLED'] });
    const warp = r.posture(POSTURE.warp.id);
    expect(evaluateRule(warp, signedIn({ hasWarpEnabled: false }), asUser('sam@corp.example')).verdict).toBe(
      'no_match',
    );
    expect(evaluateRule(warp, event, asUser('sam@corp.example')).verdict).toBe('unknown');
  });

  it('an explanation built on a missing field is not confident and names what is missing', () => {
    const event = signedIn({ country: '', unavailableFields: ['country'] });
    const wiki = app([
      policy({ name: 'Staff in DE', include: [r.domain('corp.example')], require: [r.geo('DE')] }),
    ]);
    const explanation = explainLogin(event, wiki, asUser('sam@corp.example'));
    expect(explanation.determinable).toBe(false);
    expect(explanation.cause).not.toBe('country_not_allowed');
    expect(explanation.needs.join(' ')).toMatch(/field the rule checks/);
  });
});
