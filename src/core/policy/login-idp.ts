import type { CauseCode } from '../explanation.js';
import type { RuleOutcome } from './rule-result.js';
import type { RuleScope } from './rule-scope.js';
import { quoted, shortId } from './rule-text.js';
import type { NeedCode, PolicyContext } from './types.js';

// How a login relates to the identity provider a rule is bound to; shared by the identity rules.

export function idpName(context: PolicyContext, id: string | undefined): string {
  if (id === undefined) return 'its identity provider';
  const idp = context.identityProviders.find((i) => i.id === id);
  return idp ? quoted(idp.name) : `identity provider ${shortId(id)}`;
}

/** The IdP the login went through, in words. */
export function loginLabel(scope: RuleScope): string {
  const login = scope.login;
  if (login.kind === 'resolved') {
    const first = login.idps[0];
    return login.idps.length === 1 && first
      ? `'${first.name}' (${first.type})`
      : scope.event.identityProvider;
  }
  return scope.event.identityProvider || 'an unknown identity provider';
}

export type Binding = 'same' | 'other' | 'unknown' | 'ambiguous';

/** Whether the login went through the IdP a rule is bound to (by id, else by the IdP type the rule needs). */
export function idpBinding(scope: RuleScope, idpId: string | undefined, types: readonly string[]): Binding {
  const login = scope.login;
  if (login.kind === 'none') return 'unknown';
  if (login.kind === 'unresolved') return idpId !== undefined && idpId === login.raw ? 'same' : 'unknown';
  if (idpId !== undefined) {
    if (!login.idps.some((idp) => idp.id === idpId)) return 'other';
    return login.idps.length === 1 ? 'same' : 'ambiguous';
  }
  return login.idps.some((idp) => types.includes(idp.type.toLowerCase())) ? 'same' : 'other';
}

export function loginType(scope: RuleScope): string | undefined {
  const login = scope.login;
  if (login.kind === 'resolved') return login.idps[0]?.type.toLowerCase();
  if (login.kind === 'unresolved') return login.raw.toLowerCase();
  return undefined;
}

/** An identity rule read for a request that never signed in. */
export function noSignIn(what: string, needs: NeedCode[], cause?: CauseCode): RuleOutcome {
  return {
    verdict: 'unknown',
    reason: `Checks ${what}, which only exists after sign-in; this request never signed in.`,
    field: 'identityProvider',
    needs,
    ...(cause ? { cause } : {}),
  };
}
