import { describe, expect, it } from 'vitest';
import { evaluatePolicies, orderPolicies } from '../../../src/core/policy/evaluate-policies.js';
import {
  app,
  asUser,
  beforeSignIn,
  directory,
  policy,
  r,
  signedIn,
  TOKEN,
  tokenRequest,
} from '../../fixtures/policy/directory.js';

describe('orderPolicies', () => {
  it('runs Service Auth and Bypass first, then Allow and Block, each by precedence (D-POL example)', () => {
    const list = [
      policy({ name: 'Allow A', decision: 'allow', precedence: 1 }),
      policy({ name: 'Block B', decision: 'deny', precedence: 2 }),
      policy({ name: 'Service Auth C', decision: 'non_identity', precedence: 3 }),
      policy({ name: 'Bypass D', decision: 'bypass', precedence: 4 }),
      policy({ name: 'Allow E', decision: 'allow', precedence: 5 }),
    ];
    expect(orderPolicies(list).map((p) => p.name)).toEqual([
      'Service Auth C',
      'Bypass D',
      'Allow A',
      'Block B',
      'Allow E',
    ]);
  });

  it('sorts by precedence, not list position, and keeps the list order on ties', () => {
    const list = [
      policy({ name: 'second', precedence: 20 }),
      policy({ name: 'first', precedence: 10 }),
      policy({ name: 'tie-a', precedence: 30 }),
      policy({ name: 'tie-b', precedence: 30 }),
    ];
    expect(orderPolicies(list).map((p) => p.name)).toEqual(['first', 'second', 'tie-a', 'tie-b']);
  });
});

describe('evaluatePolicies', () => {
  it('stops at the first match: an Allow above a Block wins', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 1 }),
        policy({ name: 'No Sweden', decision: 'deny', include: [r.geo('SE')], precedence: 2 }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(replay.decision).toBe('allowed');
    expect(replay.decider?.policy.name).toBe('Staff');
    expect(replay.results.map((x) => [x.policy.name, x.verdict, x.reached])).toEqual([
      ['Staff', 'match', true],
      ['No Sweden', 'match', false],
    ]);
  });

  it('a Block above the Allow denies', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([
        policy({ name: 'No Sweden', decision: 'deny', include: [r.geo('SE')], precedence: 1 }),
        policy({ name: 'Staff', include: [r.domain('corp.example')], precedence: 2 }),
      ]),
      asUser('sam@corp.example'),
    );
    expect(replay.decision).toBe('denied');
    expect(replay.decider?.policy.name).toBe('No Sweden');
    expect(replay.decider?.decisive?.result.field).toBe('country');
  });

  it('a Service Auth policy listed last still runs before the Allow/Block policies', () => {
    const replay = evaluatePolicies(
      tokenRequest(TOKEN.deployBot.id),
      app([
        policy({ name: 'Block all', decision: 'deny', include: [r.everyone()], precedence: 1 }),
        policy({
          name: 'Deploy bot',
          decision: 'non_identity',
          include: [r.token(TOKEN.deployBot.id)],
          precedence: 9,
        }),
      ]),
      directory(),
    );
    expect(replay.decider?.policy.name).toBe('Deploy bot');
    expect(replay.decision).toBe('allowed');
  });

  it('denies by default when nothing matches', () => {
    const replay = evaluatePolicies(signedIn(), app([policy({ include: [r.geo('NO')] })]), directory());
    expect(replay).toMatchObject({ decision: 'denied', pending: [] });
    expect(replay.decider).toBeUndefined();
  });

  it('an undecided Block ahead of the deciding Allow makes the outcome conditional', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([
        policy({
          name: 'Block SRE',
          decision: 'deny',
          include: [{ kind: 'okta', name: 'SRE' }],
          precedence: 1,
        }),
        policy({ name: 'Sweden', include: [r.geo('SE')], precedence: 2 }),
      ]),
      directory(),
    );
    expect(replay.decision).toBe('unknown');
    expect(replay.decider?.policy.name).toBe('Sweden');
    expect(replay.pending.map((p) => p.policy.name)).toEqual(['Block SRE']);
    expect(replay.pending[0]?.needs).toEqual(['idp_groups']);
  });

  it('an undecided Allow ahead of a deciding Allow does not change the outcome', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([
        policy({ name: 'SRE', include: [{ kind: 'okta', name: 'SRE' }], precedence: 1 }),
        policy({ name: 'Sweden', include: [r.geo('SE')], precedence: 2 }),
      ]),
      directory(),
    );
    expect(replay).toMatchObject({ decision: 'allowed', pending: [] });
  });

  it('without a decider, an undecided Allow leaves the outcome open', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([policy({ name: 'SRE', include: [{ kind: 'okta', name: 'SRE' }] })]),
      directory(),
    );
    expect(replay.decision).toBe('unknown');
    expect(replay.pending.map((p) => p.policy.name)).toEqual(['SRE']);
  });

  it('strict service-token mode: an Allow policy cannot authorize a token request', () => {
    const policies = [policy({ name: 'Everyone', include: [r.everyone()] })];
    const lax = evaluatePolicies(tokenRequest(TOKEN.deployBot.id), app(policies), directory());
    const strict = evaluatePolicies(
      tokenRequest(TOKEN.deployBot.id),
      app(policies),
      directory({ strictServiceTokenAuth: true }),
    );
    expect(lax.decision).toBe('allowed');
    expect(strict.decision).toBe('denied');
    expect(strict.results[0]?.note).toMatch(/Strict service-token/);
  });

  it('reports post-match gates the row cannot show', () => {
    const replay = evaluatePolicies(
      beforeSignIn(),
      app([
        policy({
          include: [r.everyone()],
          approvalRequired: true,
          purposeJustificationRequired: true,
          isolationRequired: true,
          mfa: { required: true, allowedAuthenticators: ['totp'] },
        }),
      ]),
      directory(),
    );
    expect(replay.decider?.gates).toEqual([
      'approval',
      'purpose_justification',
      'isolation',
      'independent_mfa',
    ]);
  });

  it('numbers the policies in evaluation order', () => {
    const replay = evaluatePolicies(
      signedIn(),
      app([policy({ decision: 'allow', precedence: 1 }), policy({ decision: 'bypass', precedence: 2 })]),
      directory(),
    );
    expect(replay.results.map((x) => [x.policy.decision, x.order])).toEqual([
      ['bypass', 1],
      ['allow', 2],
    ]);
  });
});
