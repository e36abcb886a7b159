import { z } from 'zod';
import { idpBinding, idpName, loginLabel, noSignIn } from './login-idp.js';
import type { RuleOf, RuleOutcome } from './rule-result.js';
import type { RuleScope } from './rule-scope.js';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { quoted, sameText } from './rule-text.js';
import type { IdentityGroup, NeedCode } from './types.js';

// Identity family, part 2: what the identity provider says about the user (groups, SAML attributes,
// OIDC claims, Entra authentication contexts, Cloudflare account membership).

type IdpRuleKind =
  | 'azureAD'
  | 'okta'
  | 'gsuite'
  | 'github-organization'
  | 'saml'
  | 'oidc'
  | 'auth_context'
  | 'cloudflare_account_member';
type IdpRule = RuleOf<IdpRuleKind>;

const IDP_RULE: Record<IdpRuleKind, { idpLabel: string; types: readonly string[]; need: NeedCode }> = {
  azureAD: { idpLabel: 'Entra ID', types: ['azuread'], need: 'idp_groups' },
  okta: { idpLabel: 'Okta', types: ['okta'], need: 'idp_groups' },
  gsuite: { idpLabel: 'Google Workspace', types: ['google-apps'], need: 'idp_groups' },
  'github-organization': { idpLabel: 'GitHub', types: ['github'], need: 'idp_groups' },
  saml: { idpLabel: 'SAML', types: ['saml'], need: 'saml_attributes' },
  oidc: { idpLabel: 'OIDC', types: ['oidc'], need: 'oidc_claims' },
  auth_context: { idpLabel: 'Entra ID', types: ['azuread'], need: 'auth_context' },
  cloudflare_account_member: {
    idpLabel: 'Cloudflare',
    types: ['cloudflare'],
    need: 'cloudflare_account_membership',
  },
};

function memberOf(rule: IdpRule, groups: readonly IdentityGroup[]): boolean | undefined {
  switch (rule.kind) {
    case 'azureAD':
      return groups.some((g) => g.id === rule.groupId);
    case 'okta':
      return groups.some((g) => (g.name !== undefined && sameText(g.name, rule.name)) || g.id === rule.name);
    case 'gsuite':
      return groups.some((g) => g.email !== undefined && sameText(g.email, rule.email));
    case 'github-organization': {
      const wanted = rule.team ? [`${rule.name}/${rule.team}`, `${rule.name}:${rule.team}`] : [rule.name];
      return groups.some((g) => g.name !== undefined && wanted.some((w) => sameText(w, g.name ?? '')));
    }
    default:
      // SAML attributes, OIDC claims, auth contexts and account memberships are not group lists.
      return undefined;
  }
}

function idpIdOf(rule: IdpRule): string | undefined {
  return rule.kind === 'cloudflare_account_member' ? undefined : rule.idpId;
}

function evaluateIdpRule(rule: IdpRule, scope: RuleScope, what: string): RuleOutcome {
  const spec = IDP_RULE[rule.kind];
  const idpId = idpIdOf(rule);
  const binding = idpBinding(scope, idpId, spec.types);
  const through = idpId ? idpName(scope.context, idpId) : `a ${spec.idpLabel} login`;
  if (binding === 'other') {
    return {
      verdict: 'no_match',
      reason: `Checks ${what} through ${through}, but the login used ${loginLabel(scope)}, which carries no such data.`,
      field: 'identityProvider',
      source: 'identityProviders',
      cause: 'idp_group_wrong_idp',
    };
  }
  if (scope.login.kind === 'none') return noSignIn(what, [spec.need], 'needs_idp_group_data');
  const seen = scope.context.lastSeenIdentity;
  const groups =
    seen?.groups && (seen.userUuid === undefined || seen.userUuid === scope.event.userUuid)
      ? seen.groups
      : undefined;
  const member = binding === 'same' && groups ? memberOf(rule, groups) : undefined;
  if (member !== undefined) {
    return {
      verdict: member ? 'match' : 'no_match',
      reason: member
        ? `The user's identity lists ${what}.`
        : `Needs ${what}; the user's last-seen identity does not list it.`,
      source: 'lastSeenIdentity.groups',
      ...(member ? {} : { cause: 'not_in_include' as const }),
    };
  }
  return {
    verdict: 'unknown',
    reason: `Checks ${what}, and the login row carries no ${spec.idpLabel} group or claim data.`,
    field: 'identityProvider',
    needs: binding === 'ambiguous' ? [spec.need, 'identity_provider'] : [spec.need],
    ...(rule.kind === 'auth_context' ? {} : { cause: 'needs_idp_group_data' as const }),
  };
}

/** A rule bound to one IdP only holds for logins through it. */
function boundLogin(rule: IdpRule) {
  const id = idpIdOf(rule);
  return id ? { dimension: 'login_method' as const, values: [id] } : undefined;
}

const optStr = z.string().nullish();
const idp = (id: string | null | undefined): { idpId?: string } => (id ? { idpId: id } : {});

const describeAzure = (rule: RuleOf<'azureAD'>) => `Entra ID group ${rule.groupId}`;
const describeOkta = (rule: RuleOf<'okta'>) => `Okta group ${quoted(rule.name)}`;
const describeGsuite = (rule: RuleOf<'gsuite'>) => `Google Workspace group ${rule.email}`;
const describeGithub = (rule: RuleOf<'github-organization'>) =>
  rule.team
    ? `GitHub team ${quoted(`${rule.name}/${rule.team}`)}`
    : `GitHub organization ${quoted(rule.name)}`;
const describeSaml = (rule: RuleOf<'saml'>) => `SAML attribute ${rule.attributeName}=${rule.attributeValue}`;
const describeOidc = (rule: RuleOf<'oidc'>) => `OIDC claim ${rule.claimName}=${rule.claimValue}`;
const describeAuthContext = (rule: RuleOf<'auth_context'>) =>
  `Entra authentication context ${rule.acId || rule.id}`;
const describeMember = (rule: RuleOf<'cloudflare_account_member'>) =>
  `membership of Cloudflare account ${rule.accountId ?? '(this account)'}`;

export const idpGroupRules = {
  azureAD: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeAzure(rule)),
    describe: describeAzure,
    value: (rule) => rule.groupId,
    constraint: boundLogin,
    wire: wireShape(z.looseObject({ id: z.string(), identity_provider_id: optStr }), (b) => ({
      kind: 'azureAD',
      groupId: b.id,
      ...idp(b.identity_provider_id),
    })),
  },
  okta: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeOkta(rule)),
    describe: describeOkta,
    value: (rule) => rule.name,
    constraint: boundLogin,
    // Older Okta rules carried `email` instead of `name`.
    wire: wireShape(z.looseObject({ name: optStr, email: optStr, identity_provider_id: optStr }), (b) => {
      const name = b.name ?? b.email;
      return name ? { kind: 'okta', name, ...idp(b.identity_provider_id) } : undefined;
    }),
  },
  gsuite: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeGsuite(rule)),
    describe: describeGsuite,
    value: (rule) => rule.email,
    constraint: boundLogin,
    wire: wireShape(z.looseObject({ email: z.string(), identity_provider_id: optStr }), (b) => ({
      kind: 'gsuite',
      email: b.email,
      ...idp(b.identity_provider_id),
    })),
  },
  'github-organization': {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeGithub(rule)),
    describe: describeGithub,
    value: (rule) => rule.name,
    constraint: boundLogin,
    wire: wireShape(z.looseObject({ name: z.string(), team: optStr, identity_provider_id: optStr }), (b) => ({
      kind: 'github-organization',
      name: b.name,
      ...(b.team ? { team: b.team } : {}),
      ...idp(b.identity_provider_id),
    })),
  },
  saml: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeSaml(rule)),
    describe: describeSaml,
    constraint: boundLogin,
    wire: wireShape(
      z.looseObject({
        attribute_name: z.string(),
        attribute_value: z.string(),
        identity_provider_id: optStr,
      }),
      (b) => ({
        kind: 'saml',
        attributeName: b.attribute_name,
        attributeValue: b.attribute_value,
        ...idp(b.identity_provider_id),
      }),
    ),
  },
  oidc: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeOidc(rule)),
    describe: describeOidc,
    constraint: boundLogin,
    wire: wireShape(
      z.looseObject({ claim_name: z.string(), claim_value: z.string(), identity_provider_id: optStr }),
      (b) => ({
        kind: 'oidc',
        claimName: b.claim_name,
        claimValue: b.claim_value,
        ...idp(b.identity_provider_id),
      }),
    ),
  },
  auth_context: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeAuthContext(rule)),
    describe: describeAuthContext,
    constraint: boundLogin,
    wire: wireShape(z.looseObject({ id: z.string(), ac_id: optStr, identity_provider_id: optStr }), (b) => ({
      kind: 'auth_context',
      id: b.id,
      acId: b.ac_id ?? '',
      ...idp(b.identity_provider_id),
    })),
  },
  cloudflare_account_member: {
    family: 'identity',
    category: 'identity',
    evaluate: (rule, scope) => evaluateIdpRule(rule, scope, describeMember(rule)),
    describe: describeMember,
    wire: wireShape(z.looseObject({ account_id: optStr }).nullish(), (b) => ({
      kind: 'cloudflare_account_member',
      ...(b?.account_id ? { accountId: b.account_id } : {}),
    })),
  },
} satisfies Pick<RuleCatalogue, IdpRuleKind>;
