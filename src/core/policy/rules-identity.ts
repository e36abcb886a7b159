import { z } from 'zod';
import { idpBinding, idpName, loginLabel, loginType, noSignIn } from './login-idp.js';
import type { RuleOutcome } from './rule-result.js';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { joinWords, namedOrId, sameText, whoFor } from './rule-text.js';

// Identity family, part 1: who signed in (emails, lists, login method, authentication method) and
// the identity checks the row can never show (External Evaluation, risk score).

function missingEmail(what: string): RuleOutcome {
  return {
    verdict: 'unknown',
    reason: `Checks ${what}, and the login row carries no email (only a user UUID, or no sign-in at all).`,
    needs: ['user_email'],
    cause: 'needs_user_identity',
    field: 'userUuid',
  };
}

const bareDomain = (domain: string) => domain.trim().replace(/^@/, '').toLowerCase();

// Only Okta, Entra ID, OIDC and SAML pass the authentication methods (amr) on to Access (D-MFA);
// these types are known not to. Any other type stays unknown rather than guessed.
const NO_AMR = new Set(['github', 'google', 'google-apps', 'facebook', 'linkedin', 'yandex', 'onetimepin']);

export const identityRules = {
  email: {
    family: 'identity',
    category: 'identity',
    evaluate(rule, scope) {
      if (!scope.email) return missingEmail(`email ${rule.email}`);
      const ok = sameText(scope.email.value, rule.email);
      return {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `The user is ${whoFor(scope, scope.email.value)}.`
          : `The user is ${whoFor(scope, scope.email.value)}, not ${rule.email}.`,
        source: scope.email.source,
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      };
    },
    describe: (rule) => rule.email,
    value: (rule) => rule.email,
    constraint: (rule) => ({ dimension: 'email', patterns: [{ exact: rule.email.trim().toLowerCase() }] }),
    joinMisses(misses, scope) {
      if (!scope.email) return undefined;
      const emails = misses.flatMap((m) => (m.rule.kind === 'email' ? [m.rule.email] : []));
      return `The user is ${whoFor(scope, scope.email.value)}, not ${joinWords(emails, 'or')}.`;
    },
    wire: wireShape(z.looseObject({ email: z.string() }), (b) => ({ kind: 'email', email: b.email })),
  },
  email_domain: {
    family: 'identity',
    category: 'identity',
    evaluate(rule, scope) {
      const domain = bareDomain(rule.domain);
      if (!scope.email) return missingEmail(`emails ending in @${domain}`);
      const ok = scope.email.value.toLowerCase().endsWith(`@${domain}`);
      return {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `${whoFor(scope, scope.email.value)} ends in @${domain}.`
          : `The user is ${whoFor(scope, scope.email.value)}, outside @${domain}.`,
        source: scope.email.source,
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      };
    },
    describe: (rule) => `emails ending in @${bareDomain(rule.domain)}`,
    value: (rule) => rule.domain,
    constraint: (rule) => ({ dimension: 'email', patterns: [{ domain: bareDomain(rule.domain) }] }),
    joinMisses(misses, scope) {
      if (!scope.email) return undefined;
      const domains = misses.flatMap((m) =>
        m.rule.kind === 'email_domain' ? [`@${bareDomain(m.rule.domain)}`] : [],
      );
      return `The user is ${whoFor(scope, scope.email.value)}, outside ${joinWords(domains, 'and')}.`;
    },
    wire: wireShape(z.looseObject({ domain: z.string() }), (b) => ({
      kind: 'email_domain',
      domain: b.domain,
    })),
  },
  email_list: {
    family: 'identity',
    category: 'identity',
    evaluate(rule, scope) {
      const list = scope.context.lists.find((l) => l.id === rule.listId);
      const label = `email list ${namedOrId(scope.context.lists, rule.listId, '')}`;
      if (!scope.email) {
        const missing = missingEmail(label);
        return list?.items ? missing : { ...missing, needs: ['user_email', 'gateway_list'] };
      }
      if (!list?.items) {
        return {
          verdict: 'unknown',
          reason: `Checks ${label}, whose entries were not fetched.`,
          needs: ['gateway_list'],
        };
      }
      const email = scope.email.value;
      const ok = list.items.some((item) => sameText(item, email));
      return {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `${whoFor(scope, email)} is in ${label}.`
          : `${whoFor(scope, email)} is not in ${label}.`,
        source: 'lists',
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      };
    },
    describe: (rule, context) => `the addresses in ${namedOrId(context.lists, rule.listId, 'email list')}`,
    value: (rule) => rule.listId,
    valueName: (rule, context) => context.lists.find((l) => l.id === rule.listId)?.name,
    constraint(rule, context) {
      const items = context.lists.find((l) => l.id === rule.listId)?.items;
      return items
        ? { dimension: 'email', patterns: items.map((item) => ({ exact: item.trim().toLowerCase() })) }
        : undefined;
    },
    wire: wireShape(z.looseObject({ id: z.string() }), (b) => ({ kind: 'email_list', listId: b.id })),
  },
  login_method: {
    family: 'identity',
    category: 'identity',
    evaluate(rule, scope) {
      const wanted = idpName(scope.context, rule.idpId);
      switch (idpBinding(scope, rule.idpId, [])) {
        case 'same':
          return { verdict: 'match', reason: `Signed in with ${wanted}.`, field: 'identityProvider' };
        case 'other':
          return {
            verdict: 'no_match',
            reason: `Signed in with ${loginLabel(scope)}; the rule admits only logins through ${wanted}.`,
            field: 'identityProvider',
            source: 'identityProviders',
            cause: 'login_method_mismatch',
          };
        case 'ambiguous':
          return {
            verdict: 'unknown',
            reason: `The row names IdP type ${scope.event.identityProvider}, shared by several IdPs; cannot tell whether it was ${wanted}.`,
            field: 'identityProvider',
            needs: ['identity_provider'],
          };
        case 'unknown':
          return scope.login.kind === 'none'
            ? noSignIn(`the login method (${wanted})`, ['login_identity'])
            : {
                verdict: 'unknown',
                reason: `Cannot map identityProvider "${scope.event.identityProvider}" to a configured IdP.`,
                field: 'identityProvider',
                needs: ['identity_provider'],
              };
      }
    },
    describe: (rule, context) => `sign-in through ${idpName(context, rule.idpId)}`,
    value: (rule) => rule.idpId,
    valueName: (rule, context) => context.identityProviders.find((p) => p.id === rule.idpId)?.name,
    constraint: (rule) => ({ dimension: 'login_method', values: [rule.idpId] }),
    joinMisses(misses, scope) {
      const names = misses.flatMap((m) =>
        m.rule.kind === 'login_method' ? [idpName(scope.context, m.rule.idpId)] : [],
      );
      return `Signed in with ${loginLabel(scope)}; the rules admit only logins through ${joinWords(names, 'or')}.`;
    },
    wire: wireShape(z.looseObject({ id: z.string() }), (b) => ({ kind: 'login_method', idpId: b.id })),
  },
  auth_method: {
    family: 'identity',
    category: 'identity',
    evaluate(rule, scope) {
      const method = rule.authMethod;
      const seen = scope.context.lastSeenIdentity;
      if (scope.login.kind === 'none') {
        return noSignIn(`the authentication method (${method})`, ['amr'], 'auth_method_unknown');
      }
      if (seen?.amr && (seen.userUuid === undefined || seen.userUuid === scope.event.userUuid)) {
        const ok = seen.amr.some((m) => sameText(m, method));
        return {
          verdict: ok ? 'match' : 'no_match',
          reason: ok
            ? `The IdP reported authentication method ${method}.`
            : `Needs authentication method ${method}; the IdP reported ${seen.amr.join(', ') || 'none'}.`,
          source: 'lastSeenIdentity.amr',
          ...(ok ? {} : { cause: 'mfa_requirement_not_met' as const }),
        };
      }
      const type = loginType(scope);
      if (type !== undefined && NO_AMR.has(type)) {
        return {
          verdict: 'no_match',
          reason: `Needs authentication method ${method} reported by the IdP, and ${loginLabel(scope)} does not pass authentication methods to Access (only Okta, Entra ID, OIDC and SAML do).`,
          field: 'identityProvider',
          cause: 'mfa_requirement_not_met',
        };
      }
      return {
        verdict: 'unknown',
        reason: `Needs authentication method ${method}; the login row does not record which methods ${loginLabel(scope)} reported.`,
        field: 'identityProvider',
        needs: ['amr'],
        cause: 'auth_method_unknown',
      };
    },
    describe: (rule) => `authentication method ${rule.authMethod} reported by the identity provider`,
    value: (rule) => rule.authMethod,
    wire: wireShape(z.looseObject({ auth_method: z.string() }), (b) => ({
      kind: 'auth_method',
      authMethod: b.auth_method,
    })),
  },
  external_evaluation: {
    family: 'identity',
    category: 'identity',
    evaluate(rule) {
      let host = rule.evaluateUrl;
      try {
        host = new URL(rule.evaluateUrl).host;
      } catch {
        // keep the raw text
      }
      return {
        verdict: 'unknown',
        reason: `Asks the External Evaluation API at ${host}, whose answer is not in the login row.`,
        needs: ['external_evaluation_result'],
        cause: 'external_evaluation_unknown',
      };
    },
    describe: () => 'an External Evaluation API allow',
    wire: wireShape(z.looseObject({ evaluate_url: z.string(), keys_url: z.string().nullish() }), (b) => ({
      kind: 'external_evaluation',
      evaluateUrl: b.evaluate_url,
      ...(b.keys_url ? { keysUrl: b.keys_url } : {}),
    })),
  },
  user_risk_score: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule) => ({
      verdict: 'unknown',
      reason: `Checks the user's risk score (${rule.levels.join(', ')}), which the login row does not carry.`,
      needs: ['user_risk_score'],
    }),
    describe: (rule) => `user risk score ${rule.levels.join(' or ')}`,
    wire: wireShape(z.looseObject({ user_risk_score: z.array(z.string()) }), (b) => ({
      kind: 'user_risk_score',
      levels: b.user_risk_score,
    })),
  },
} satisfies Pick<
  RuleCatalogue,
  | 'email'
  | 'email_domain'
  | 'email_list'
  | 'login_method'
  | 'auth_method'
  | 'external_evaluation'
  | 'user_risk_score'
>;
