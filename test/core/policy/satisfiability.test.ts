import { describe, expect, it } from 'vitest';
import { createReplayBudget } from '../../../src/core/policy/rule-scope.js';
import { findRequireConflict } from '../../../src/core/policy/satisfiability.js';
import type { AccessGroup, PolicyContext, Rule } from '../../../src/core/policy/types.js';
import { directory, IDP, LIST, r, TOKEN } from '../../fixtures/policy/directory.js';

const conflict = (
  rules: { include?: Rule[]; require?: Rule[]; exclude?: Rule[] },
  context: PolicyContext = directory(),
) =>
  findRequireConflict(
    { include: rules.include ?? [r.everyone()], require: rules.require ?? [], exclude: rules.exclude ?? [] },
    context,
    createReplayBudget(),
  );

const group = (id: string, rules: Partial<AccessGroup>): AccessGroup => ({
  id,
  name: id,
  include: [r.everyone()],
  require: [],
  exclude: [],
  ...rules,
});

describe('findRequireConflict', () => {
  it.each<[string, Rule[]]>([
    ['two countries', [r.geo('SE'), r.geo('no')]],
    ['disjoint IPv4 ranges', [r.ip('192.0.2.0/25'), r.ip('192.0.2.128/25')]],
    ['disjoint IPv6 ranges', [r.ip('2001:db8:1::/48'), r.ip('2001:db8:2::/48')]],
    ['an IPv4 and an IPv6 range', [r.ip('192.0.2.0/24'), r.ip('2001:db8::/32')]],
    [
      'an IP range and an IP list it misses',
      [r.ip('198.51.100.0/24'), { kind: 'ip_list', listId: LIST.labIps.id }],
    ],
    ['two email domains', [r.domain('corp.example'), r.domain('@partner.example')]],
    ['an email outside a required domain', [r.email('ana@partner.example'), r.domain('corp.example')]],
    [
      'an email list outside a required domain',
      [{ kind: 'email_list', listId: LIST.oncall.id }, r.domain('x.example')],
    ],
    [
      'two login methods',
      [
        { kind: 'login_method', idpId: IDP.okta.id },
        { kind: 'login_method', idpId: IDP.google.id },
      ],
    ],
    [
      'a login method and a group bound to another IdP',
      [
        { kind: 'login_method', idpId: IDP.okta.id },
        { kind: 'azureAD', groupId: 'g-1', idpId: IDP.entra.id },
      ],
    ],
    ['two service tokens', [r.token(TOKEN.deployBot.id), r.token(TOKEN.backupJob.id)]],
    [
      'two certificate common names',
      [
        { kind: 'common_name', commonName: 'build-01' },
        { kind: 'common_name', commonName: 'build-02' },
      ],
    ],
  ])('%s required together can never hold', (_name, require) => {
    const found = conflict({ require });
    expect(found).toBeDefined();
    expect([found?.first.rule, found?.second.rule]).toEqual(require);
    expect(found?.first.at).toEqual({ clause: 'require', path: [] });
  });

  it.each<[string, Rule[]]>([
    ['one country twice, in any case', [r.geo('SE'), r.geo('se')]],
    ['nested IP ranges', [r.ip('192.0.2.0/24'), r.ip('192.0.2.128/25')]],
    ['an IPv4-mapped IPv6 range and its IPv4 range', [r.ip('::ffff:192.0.2.0/120'), r.ip('192.0.2.0/24')]],
    ['an email inside a required domain', [r.email('ana@corp.example'), r.domain('corp.example')]],
    ['an IP list not fetched', [r.ip('198.51.100.0/24'), { kind: 'ip_list', listId: 'not-fetched' }]],
    [
      'a token by id and the same token by client id',
      [r.token(TOKEN.deployBot.id), r.token(TOKEN.deployBot.clientId)],
    ],
    ['rules on different dimensions', [r.geo('SE'), r.ip('192.0.2.0/24'), r.domain('corp.example')]],
  ])('%s can hold', (_name, require) => {
    expect(conflict({ require })).toBeUndefined();
  });

  it('an Include that the Require contradicts', () => {
    const found = conflict({ include: [r.geo('SE'), r.geo('NO')], require: [r.geo('DE')] });
    expect(found?.dimension).toBe('country');
    expect(found?.second.rule).toEqual(r.geo('DE'));
  });

  it('Include alternatives on different dimensions leave the Require free', () => {
    expect(
      conflict({ include: [r.geo('SE'), r.domain('corp.example')], require: [r.geo('DE')] }),
    ).toBeUndefined();
  });

  it('Excludes never make a policy look unsatisfiable (the check only over-approximates)', () => {
    expect(conflict({ include: [r.geo('SE')], exclude: [r.geo('SE')] })).toBeUndefined();
  });

  it('finds a conflict two groups down and gives each rule its path', () => {
    const inner = group('inner', { include: [r.geo('NO')] });
    const outer = group('outer', { require: [r.geo('SE'), r.group('inner')] });
    const found = conflict({ require: [r.group('outer')] }, directory({ groups: [outer, inner] }));
    expect(found?.first.at).toEqual({
      clause: 'require',
      path: [{ groupId: 'outer', groupName: 'outer', clause: 'require' }],
    });
    expect(found?.second.at).toEqual({
      clause: 'require',
      path: [
        { groupId: 'outer', groupName: 'outer', clause: 'require' },
        { groupId: 'inner', groupName: 'inner', clause: 'include' },
      ],
    });
  });

  it('an Include group that can never match makes the policy unsatisfiable when it is the only one', () => {
    const dead = group('dead', { require: [r.geo('SE'), r.geo('NO')] });
    expect(conflict({ include: [r.group('dead')] }, directory({ groups: [dead] }))).toBeDefined();
    expect(
      conflict({ include: [r.group('dead'), r.everyone()] }, directory({ groups: [dead] })),
    ).toBeUndefined();
  });

  it('cyclic, missing and over-deep groups are treated as able to hold', () => {
    const a = group('a', { require: [r.geo('SE'), r.group('b')] });
    const b = group('b', { include: [r.group('a')] });
    expect(
      conflict({ require: [r.group('a'), r.group('missing')] }, directory({ groups: [a, b] })),
    ).toBeUndefined();
  });
});
