import { type AccessLoginEvent, isNonIdentityEvent } from '../access-event.js';
import { hasNoClientCertificate } from '../explain/explain-event.js';
import type { CauseCode } from '../explanation.js';
import type {
  AccessGroup,
  IdentityGroup,
  IdentityProvider,
  NeedCode,
  PolicyContext,
  PolicyDecision,
  Rule,
  RuleKind,
  ServiceToken,
} from './types.js';

export type Verdict = 'match' | 'no_match' | 'unknown';

/** What kind of fact a selector checks; decides which failing rule is worth naming for a request. */
export type RuleCategory = 'identity' | 'token' | 'context' | 'unreadable';

export interface RuleResult {
  rule: Rule;
  verdict: Verdict;
  /** Plain words: why this verdict, with the values compared. */
  reason: string;
  /** The login-row field that proves the verdict. */
  field?: keyof AccessLoginEvent;
  /** The lookup data that backs the verdict, e.g. `serviceTokens` or `lastSeenIdentity.devicePosture`. */
  source?: string;
  /** What this rule failing (or being unknown) means for a denial, in the cause vocabulary. */
  cause?: CauseCode;
  /** Missing data; non-empty only for `unknown`. */
  needs: NeedCode[];
  category: RuleCategory;
  /** Set for a token selector inside a policy whose action cannot use it (not Service Auth / Bypass). */
  wrongAction?: true;
  /** The posture rule type behind a `device_posture` selector, when known. */
  postureType?: string;
  /** Set for `group` selectors: the group and how its own rules came out. */
  group?: { id: string; name?: string; clauses?: ClauseSet; decisive?: DecisiveRule };
}

export type ClauseName = 'include' | 'require' | 'exclude';

export interface ClauseResult {
  /** For `exclude`, `match` means the request is excluded. */
  verdict: Verdict;
  results: RuleResult[];
}

export interface ClauseSet {
  include: ClauseResult;
  require: ClauseResult;
  exclude: ClauseResult;
  /** any(include) AND all(require) AND NOT any(exclude), in three-valued logic. */
  verdict: Verdict;
}

/** The rule that settled a clause set, and where it sits. */
export interface DecisiveRule {
  clause: ClauseName;
  result: RuleResult;
}

type LoginIdp =
  | { kind: 'none' }
  | { kind: 'resolved'; idps: IdentityProvider[] }
  | { kind: 'unresolved'; raw: string };

/** Facts derived once per replay, plus the policy action the rules sit under. */
export interface RuleScope {
  event: AccessLoginEvent;
  context: PolicyContext;
  decision: PolicyDecision;
  /** No sign-in happened: Access decided on non-identity attributes (and no service token was sent). */
  preLogin: boolean;
  tokenRequest: boolean;
  email?: { value: string; source: string };
  login: LoginIdp;
  eventTime: Date;
  /** Rule groups on the current path, to stop cycles. */
  visiting: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Scope

function resolveLogin(event: AccessLoginEvent, context: PolicyContext): LoginIdp {
  if (isNonIdentityEvent(event)) return { kind: 'none' };
  const raw = event.identityProvider.trim();
  const lower = raw.toLowerCase();
  // The dataset does not document whether it logs the IdP id, its type or its name: try all three.
  const byId = context.identityProviders.filter((idp) => idp.id === raw);
  if (byId.length > 0) return { kind: 'resolved', idps: byId };
  const byType = context.identityProviders.filter((idp) => idp.type.toLowerCase() === lower);
  if (byType.length > 0) return { kind: 'resolved', idps: byType };
  const byName = context.identityProviders.filter((idp) => idp.name.toLowerCase() === lower);
  if (byName.length > 0) return { kind: 'resolved', idps: byName };
  return { kind: 'unresolved', raw };
}

function resolveEmail(event: AccessLoginEvent, context: PolicyContext): RuleScope['email'] {
  const sameUser = (id: string | undefined) =>
    id === undefined || event.userUuid === '' || id === event.userUuid;
  const user = context.user;
  if (user?.email && sameUser(user.id)) return { value: user.email.trim(), source: 'user' };
  const seen = context.lastSeenIdentity;
  if (seen?.email && sameUser(seen.userUuid)) return { value: seen.email.trim(), source: 'lastSeenIdentity' };
  return undefined;
}

/** Builds the per-replay facts the rule evaluators share. */
export function createRuleScope(
  event: AccessLoginEvent,
  context: PolicyContext,
  decision: PolicyDecision,
): RuleScope {
  const parsed = Date.parse(event.datetime);
  const tokenRequest = event.serviceTokenId.trim() !== '';
  const email = resolveEmail(event, context);
  return {
    event,
    context,
    decision,
    preLogin: isNonIdentityEvent(event) && !tokenRequest,
    tokenRequest,
    ...(email ? { email } : {}),
    login: resolveLogin(event, context),
    eventTime: Number.isNaN(parsed) ? context.now : new Date(parsed),
    visiting: [],
  };
}

// ---------------------------------------------------------------------------------------------
// IP addresses (core may not import node:net)

interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}
function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(input: string): bigint | undefined {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
    const cut = text.lastIndexOf(':');
    const v4 = parseV4(text.slice(cut + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, cut + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses come back as IPv4. */
export function parseIp(text: string): ParsedIp | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseV6(trimmed);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { version: 4, value: value ^ V4_MAPPED_PREFIX };
    return { version: 6, value };
  }
  const value = parseV4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

interface ParsedCidr extends ParsedIp {
  bits: number;
}

/** Parses `addr/prefix` (a bare address is a single-host range). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [address = '', prefix, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = ip.version === 4 ? 32 : 128;
  if (prefix === undefined) return { ...ip, bits: width };
  if (!/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  if (bits > width) return undefined;
  return { ...ip, bits };
}

/** True/false when both parse; undefined when either is not an address or range. */
export function ipInCidr(ipText: string, cidrText: string): boolean | undefined {
  const ip = parseIp(ipText);
  const cidr = parseCidr(cidrText);
  if (!ip || !cidr) return undefined;
  if (ip.version !== cidr.version) return false;
  const shift = BigInt((ip.version === 4 ? 32 : 128) - cidr.bits);
  return ip.value >> shift === cidr.value >> shift;
}

// ---------------------------------------------------------------------------------------------
// Rule evaluation

const CATEGORY: Record<Exclude<RuleKind, 'group'>, RuleCategory> = {
  everyone: 'context',
  ip: 'context',
  ip_list: 'context',
  geo: 'context',
  certificate: 'context',
  common_name: 'context',
  device_posture: 'context',
  service_token: 'token',
  any_valid_service_token: 'token',
  linked_app_token: 'token',
  email: 'identity',
  email_domain: 'identity',
  email_list: 'identity',
  login_method: 'identity',
  auth_method: 'identity',
  azureAD: 'identity',
  okta: 'identity',
  gsuite: 'identity',
  'github-organization': 'identity',
  saml: 'identity',
  oidc: 'identity',
  auth_context: 'identity',
  external_evaluation: 'identity',
  user_risk_score: 'identity',
  cloudflare_account_member: 'identity',
  unknown: 'unreadable',
};

type ResultFields = Omit<RuleResult, 'rule' | 'needs' | 'category'> & {
  needs?: NeedCode[];
  category?: RuleCategory;
};

function result(rule: Rule, partial: ResultFields): RuleResult {
  return {
    rule,
    needs: [],
    category: rule.kind === 'group' ? 'context' : CATEGORY[rule.kind],
    ...partial,
  };
}

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function listLabel(name: string | undefined, id: string): string {
  return name ? `'${name}'` : `${id.slice(0, 8)}…`;
}

/** Who the replay assumes the person is, for identity rules; says so when no sign-in happened. */
function whoFor(scope: RuleScope, email: string): string {
  return scope.preLogin || isNonIdentityEvent(scope.event)
    ? `${email} (from the user lookup; this request had not signed in)`
    : email;
}

function missingEmail(rule: Rule, what: string): RuleResult {
  return result(rule, {
    verdict: 'unknown',
    reason: `Checks ${what}, and the login row carries no email (only a user UUID, or no sign-in at all).`,
    needs: ['user_email'],
    cause: 'needs_user_identity',
    field: 'userUuid',
  });
}

// Client certificate -----------------------------------------------------------------------------

// Only `NONE` is documented; the schema says other text may be an error message (notes c), and the
// success string is unknown, so a presented serial/common name counts unless the text reads as an error.
const CERT_ERROR = /fail|error|invalid|expired|revoked|untrusted|reject|denied|mismatch|unknown ca|bad/i;

type CertState = { kind: 'none' } | { kind: 'valid' } | { kind: 'error'; status: string };

function certState(event: AccessLoginEvent): CertState {
  if (hasNoClientCertificate(event)) return { kind: 'none' };
  const status = event.mtlsStatus.trim();
  return CERT_ERROR.test(status) ? { kind: 'error', status } : { kind: 'valid' };
}

function noCertificate(rule: Rule, state: CertState): RuleResult {
  return result(rule, {
    verdict: 'no_match',
    reason:
      state.kind === 'error'
        ? `A client certificate was presented but not accepted (mtlsStatus "${state.status}").`
        : 'No client certificate was presented (mtlsStatus NONE, no serial, no common name).',
    field: 'mtlsStatus',
    cause: 'mtls_missing',
  });
}

// Service tokens ---------------------------------------------------------------------------------

function tokenLabel(token: ServiceToken | undefined, fallback: string): string {
  return token ? `'${token.name}'` : fallback;
}

function findToken(context: PolicyContext, idOrClientId: string): ServiceToken | undefined {
  return context.serviceTokens.find((t) => t.id === idOrClientId || t.clientId === idOrClientId);
}

/** no_match when the token record says disabled or expired at the event time; undefined when valid. */
function invalidToken(rule: Rule, token: ServiceToken, scope: RuleScope): RuleResult | undefined {
  if (token.enabled === false) {
    return result(rule, {
      verdict: 'no_match',
      reason: `Service token '${token.name}' is disabled.`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
      // The vocabulary has no separate code for a revoked token; "expired" carries the same fix.
      cause: 'service_token_expired',
    });
  }
  const expires = token.expiresAt === undefined ? Number.NaN : Date.parse(token.expiresAt);
  if (!Number.isNaN(expires) && expires <= scope.eventTime.getTime()) {
    return result(rule, {
      verdict: 'no_match',
      reason: `Service token '${token.name}' expired on ${token.expiresAt}, before this request (${scope.event.datetime}).`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
      cause: 'service_token_expired',
    });
  }
  return undefined;
}

function wrongAction(rule: Rule, scope: RuleScope, label: string): RuleResult {
  const action = scope.decision === 'allow' ? 'an Allow' : 'a Block';
  const sent = scope.tokenRequest
    ? ` The request did send token ${scope.event.serviceTokenId}.`
    : ' The request sent no token either.';
  return result(rule, {
    verdict: 'no_match',
    reason: `${label} only works in a Service Auth policy; in ${action} policy Access asks for an identity-provider login instead.${sent}`,
    field: 'serviceTokenId',
    cause: 'service_token_wrong_action',
    wrongAction: true,
  });
}

function evaluateServiceToken(rule: Extract<Rule, { kind: 'service_token' }>, scope: RuleScope): RuleResult {
  const { event, context } = scope;
  const wanted = context.serviceTokens.find((t) => t.id === rule.tokenId);
  const wantedLabel = tokenLabel(wanted, rule.tokenId);
  if (scope.decision === 'allow' || scope.decision === 'deny') {
    return wrongAction(rule, scope, `Service token ${wantedLabel}`);
  }
  const sent = event.serviceTokenId.trim();
  if (sent === '') {
    return result(rule, {
      verdict: 'no_match',
      reason: `The request carried no service token (serviceTokenId empty); the rule wants ${wantedLabel}.`,
      field: 'serviceTokenId',
      cause: 'service_token_missing',
    });
  }
  const presented = findToken(context, sent);
  // The row's id may be the token UUID or its Client ID (undocumented): accept both.
  const same = sent === rule.tokenId || wanted?.clientId === sent || presented?.id === rule.tokenId;
  if (!same) {
    return result(rule, {
      verdict: 'no_match',
      reason: `The request used service token ${tokenLabel(presented, sent)}; the rule accepts only ${wantedLabel}.`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
      cause: 'service_token_not_authorized',
    });
  }
  const token = presented ?? wanted;
  if (!token) {
    return result(rule, {
      verdict: 'unknown',
      reason: `The request used the token this rule names (${sent}), but it is not in the token list, so whether it was expired or disabled is unknown.`,
      field: 'serviceTokenId',
      needs: ['service_token'],
    });
  }
  return (
    invalidToken(rule, token, scope) ??
    result(rule, {
      verdict: 'match',
      reason: `The request used service token '${token.name}', which this rule accepts.`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
    })
  );
}

function evaluateAnyToken(rule: Rule, scope: RuleScope): RuleResult {
  if (scope.decision === 'allow' || scope.decision === 'deny') {
    return wrongAction(rule, scope, 'Any valid service token');
  }
  const sent = scope.event.serviceTokenId.trim();
  if (sent === '') {
    return result(rule, {
      verdict: 'no_match',
      reason: 'The request carried no service token (serviceTokenId empty).',
      field: 'serviceTokenId',
      cause: 'service_token_missing',
    });
  }
  const token = findToken(scope.context, sent);
  if (!token) {
    return result(rule, {
      verdict: 'unknown',
      reason: `Token ${sent} was presented but is not in the token list; its validity is unknown.`,
      field: 'serviceTokenId',
      needs: ['service_token'],
    });
  }
  return (
    invalidToken(rule, token, scope) ??
    result(rule, {
      verdict: 'match',
      reason: `The request used valid service token '${token.name}'.`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
    })
  );
}

// Identity providers -----------------------------------------------------------------------------

function idpName(context: PolicyContext, id: string | undefined): string {
  if (id === undefined) return 'its identity provider';
  const idp = context.identityProviders.find((i) => i.id === id);
  return idp ? `'${idp.name}'` : `identity provider ${id.slice(0, 8)}…`;
}

function loginLabel(scope: RuleScope): string {
  const login = scope.login;
  if (login.kind === 'resolved') {
    const first = login.idps[0];
    return login.idps.length === 1 && first
      ? `'${first.name}' (${first.type})`
      : scope.event.identityProvider;
  }
  return scope.event.identityProvider || 'an unknown identity provider';
}

type Binding = 'same' | 'other' | 'unknown' | 'ambiguous';

/** Whether the login went through the IdP a rule is bound to (by id, else by the IdP type the rule needs). */
function idpBinding(scope: RuleScope, idpId: string | undefined, types: readonly string[]): Binding {
  const login = scope.login;
  if (login.kind === 'none') return 'unknown';
  if (login.kind === 'unresolved') return idpId !== undefined && idpId === login.raw ? 'same' : 'unknown';
  if (idpId !== undefined) {
    if (!login.idps.some((idp) => idp.id === idpId)) return 'other';
    return login.idps.length === 1 ? 'same' : 'ambiguous';
  }
  return login.idps.some((idp) => types.includes(idp.type.toLowerCase())) ? 'same' : 'other';
}

function loginType(scope: RuleScope): string | undefined {
  const login = scope.login;
  if (login.kind === 'resolved') return login.idps[0]?.type.toLowerCase();
  if (login.kind === 'unresolved') return login.raw.toLowerCase();
  return undefined;
}

function noSignIn(rule: Rule, what: string, needs: NeedCode[], cause?: CauseCode): RuleResult {
  return result(rule, {
    verdict: 'unknown',
    reason: `Checks ${what}, which only exists after sign-in; this request never signed in.`,
    field: 'identityProvider',
    needs,
    ...(cause ? { cause } : {}),
  });
}

function evaluateLoginMethod(rule: Extract<Rule, { kind: 'login_method' }>, scope: RuleScope): RuleResult {
  const wanted = idpName(scope.context, rule.idpId);
  const binding = idpBinding(scope, rule.idpId, []);
  switch (binding) {
    case 'same':
      return result(rule, {
        verdict: 'match',
        reason: `Signed in with ${wanted}.`,
        field: 'identityProvider',
      });
    case 'other':
      return result(rule, {
        verdict: 'no_match',
        reason: `Signed in with ${loginLabel(scope)}; the rule admits only logins through ${wanted}.`,
        field: 'identityProvider',
        source: 'identityProviders',
        cause: 'login_method_mismatch',
      });
    case 'ambiguous':
      return result(rule, {
        verdict: 'unknown',
        reason: `The row names IdP type ${scope.event.identityProvider}, shared by several IdPs; cannot tell whether it was ${wanted}.`,
        field: 'identityProvider',
        needs: ['identity_provider'],
      });
    case 'unknown':
      return scope.login.kind === 'none'
        ? noSignIn(rule, `the login method (${wanted})`, ['login_identity'])
        : result(rule, {
            verdict: 'unknown',
            reason: `Cannot map identityProvider "${scope.event.identityProvider}" to a configured IdP.`,
            field: 'identityProvider',
            needs: ['identity_provider'],
          });
  }
}

// Only Okta, Entra ID, OIDC and SAML pass the authentication methods (amr) on to Access (D-MFA);
// these types are known not to. Any other type stays unknown rather than guessed.
const NO_AMR = new Set(['github', 'google', 'google-apps', 'facebook', 'linkedin', 'yandex', 'onetimepin']);

function evaluateAuthMethod(rule: Extract<Rule, { kind: 'auth_method' }>, scope: RuleScope): RuleResult {
  const method = rule.authMethod;
  const seen = scope.context.lastSeenIdentity;
  if (scope.login.kind === 'none') {
    return noSignIn(rule, `the authentication method (${method})`, ['amr'], 'auth_method_unknown');
  }
  if (seen?.amr && (seen.userUuid === undefined || seen.userUuid === scope.event.userUuid)) {
    const ok = seen.amr.some((m) => sameText(m, method));
    return result(rule, {
      verdict: ok ? 'match' : 'no_match',
      reason: ok
        ? `The IdP reported authentication method ${method}.`
        : `Needs authentication method ${method}; the IdP reported ${seen.amr.join(', ') || 'none'}.`,
      source: 'lastSeenIdentity.amr',
      ...(ok ? {} : { cause: 'mfa_requirement_not_met' as const }),
    });
  }
  const type = loginType(scope);
  if (type !== undefined && NO_AMR.has(type)) {
    return result(rule, {
      verdict: 'no_match',
      reason: `Needs authentication method ${method} reported by the IdP, and ${loginLabel(scope)} does not pass authentication methods to Access (only Okta, Entra ID, OIDC and SAML do).`,
      field: 'identityProvider',
      cause: 'mfa_requirement_not_met',
    });
  }
  return result(rule, {
    verdict: 'unknown',
    reason: `Needs authentication method ${method}; the login row does not record which methods ${loginLabel(scope)} reported.`,
    field: 'identityProvider',
    needs: ['amr'],
    cause: 'auth_method_unknown',
  });
}

type IdpGroupRule = Extract<
  Rule,
  { kind: 'azureAD' | 'okta' | 'gsuite' | 'github-organization' | 'saml' | 'oidc' | 'auth_context' }
>;

const GROUP_RULE: Record<
  IdpGroupRule['kind'] | 'cloudflare_account_member',
  { idpLabel: string; types: readonly string[]; need: NeedCode }
> = {
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

function describeIdpRule(rule: IdpGroupRule | Extract<Rule, { kind: 'cloudflare_account_member' }>): string {
  switch (rule.kind) {
    case 'azureAD':
      return `Entra ID group ${rule.groupId}`;
    case 'okta':
      return `Okta group '${rule.name}'`;
    case 'gsuite':
      return `Google Workspace group ${rule.email}`;
    case 'github-organization':
      return rule.team ? `GitHub team '${rule.name}/${rule.team}'` : `GitHub organization '${rule.name}'`;
    case 'saml':
      return `SAML attribute ${rule.attributeName}=${rule.attributeValue}`;
    case 'oidc':
      return `OIDC claim ${rule.claimName}=${rule.claimValue}`;
    case 'auth_context':
      return `Entra authentication context ${rule.acId || rule.id}`;
    case 'cloudflare_account_member':
      return `membership of Cloudflare account ${rule.accountId ?? '(this account)'}`;
  }
}

function memberOf(rule: IdpGroupRule, groups: readonly IdentityGroup[]): boolean | undefined {
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
      // SAML attributes, OIDC claims and auth contexts are not group lists.
      return undefined;
  }
}

function evaluateIdpRule(
  rule: IdpGroupRule | Extract<Rule, { kind: 'cloudflare_account_member' }>,
  scope: RuleScope,
): RuleResult {
  const spec = GROUP_RULE[rule.kind];
  const idpId = rule.kind === 'cloudflare_account_member' ? undefined : rule.idpId;
  const what = describeIdpRule(rule);
  const binding = idpBinding(scope, idpId, spec.types);
  const through = idpId ? idpName(scope.context, idpId) : `a ${spec.idpLabel} login`;
  if (binding === 'other') {
    return result(rule, {
      verdict: 'no_match',
      reason: `Checks ${what} through ${through}, but the login used ${loginLabel(scope)}, which carries no such data.`,
      field: 'identityProvider',
      source: 'identityProviders',
      cause: 'idp_group_wrong_idp',
    });
  }
  if (scope.login.kind === 'none') {
    return noSignIn(rule, what, [spec.need], 'needs_idp_group_data');
  }
  const seen = scope.context.lastSeenIdentity;
  const groups =
    seen?.groups && (seen.userUuid === undefined || seen.userUuid === scope.event.userUuid)
      ? seen.groups
      : undefined;
  const member =
    binding === 'same' && groups && rule.kind !== 'cloudflare_account_member'
      ? memberOf(rule, groups)
      : undefined;
  if (member !== undefined) {
    return result(rule, {
      verdict: member ? 'match' : 'no_match',
      reason: member
        ? `The user's identity lists ${what}.`
        : `Needs ${what}; the user's last-seen identity does not list it.`,
      source: 'lastSeenIdentity.groups',
      ...(member ? {} : { cause: 'not_in_include' as const }),
    });
  }
  return result(rule, {
    verdict: 'unknown',
    reason: `Checks ${what}, and the login row carries no ${spec.idpLabel} group or claim data.`,
    field: 'identityProvider',
    needs: binding === 'ambiguous' ? [spec.need, 'identity_provider'] : [spec.need],
    ...(rule.kind === 'auth_context' ? {} : { cause: 'needs_idp_group_data' as const }),
  });
}

// Device posture ---------------------------------------------------------------------------------

function evaluatePosture(rule: Extract<Rule, { kind: 'device_posture' }>, scope: RuleScope): RuleResult {
  const { event, context } = scope;
  const postureRule = context.postureRules.find((p) => p.id === rule.integrationUid);
  const seen = context.lastSeenIdentity;
  const seenResult = seen?.devicePosture[rule.integrationUid];
  const type = (postureRule?.type ?? seenResult?.type)?.toLowerCase();
  const name = postureRule?.name ?? seenResult?.ruleName;
  const label = name ? `posture check '${name}'` : `posture check ${rule.integrationUid.slice(0, 8)}…`;
  const withType = type ? { postureType: type } : {};
  if (type === 'warp') {
    return result(rule, {
      verdict: event.hasWarpEnabled ? 'match' : 'no_match',
      reason: event.hasWarpEnabled
        ? 'The device was connected through WARP.'
        : `${label} requires the WARP client, and the request arrived without it (hasWarpEnabled 0).`,
      field: 'hasWarpEnabled',
      ...withType,
      ...(event.hasWarpEnabled ? {} : { cause: 'warp_required' as const }),
    });
  }
  if (type === 'gateway') {
    const why = event.hasWarpEnabled
      ? 'WARP was on (hasWarpEnabled 1) but its traffic was not filtered by this organization’s Gateway (hasGatewayEnabled 0)'
      : 'the request did not pass through Gateway (hasGatewayEnabled 0, WARP off)';
    return result(rule, {
      verdict: event.hasGatewayEnabled ? 'match' : 'no_match',
      reason: event.hasGatewayEnabled
        ? 'The request passed through the organization’s Gateway.'
        : `${label} requires traffic filtered by the organization’s Gateway, and ${why}.`,
      field: 'hasGatewayEnabled',
      ...withType,
      ...(event.hasGatewayEnabled ? {} : { cause: 'gateway_required' as const }),
    });
  }
  if (!event.hasWarpEnabled && event.deviceId === '') {
    // [inferred] posture results are reported by (or matched through) the WARP client; without it
    // there is no device to check.
    return result(rule, {
      verdict: 'no_match',
      reason: `${label} is reported through the WARP client, and the request arrived without WARP (hasWarpEnabled 0, no device id).`,
      field: 'hasWarpEnabled',
      ...withType,
      cause: 'warp_required',
    });
  }
  const sameDevice = !seen?.deviceId || event.deviceId === '' || seen.deviceId === event.deviceId;
  if (seenResult?.success !== undefined && sameDevice) {
    const ok = seenResult.success;
    const when = seenResult.timestamp ? ` at ${seenResult.timestamp}` : '';
    const error = seenResult.error ? ` (${seenResult.error})` : '';
    return result(rule, {
      verdict: ok ? 'match' : 'no_match',
      reason: ok
        ? `The device's latest result for ${label} is a pass${when}.`
        : `The device's latest result for ${label} is a fail${when}${error}; a snapshot, not necessarily the state at the event.`,
      field: 'deviceId',
      source: 'lastSeenIdentity.devicePosture',
      ...withType,
      ...(ok ? {} : { cause: 'device_posture_failed' as const }),
    });
  }
  const needs: NeedCode[] = postureRule
    ? ['device_posture_results']
    : ['device_posture_results', 'posture_rule'];
  return result(rule, {
    verdict: 'unknown',
    reason: `Requires ${label}; the login row has no posture results${event.deviceId ? ` for device ${event.deviceId}` : ''}.`,
    field: 'deviceId',
    needs,
    ...withType,
    cause: 'device_posture_unknown',
  });
}

// Rule groups ------------------------------------------------------------------------------------

function evaluateGroup(rule: Extract<Rule, { kind: 'group' }>, scope: RuleScope): RuleResult {
  const group: AccessGroup | undefined = scope.context.groups.find((g) => g.id === rule.groupId);
  if (!group) {
    return result(rule, {
      verdict: 'unknown',
      reason: `Rule group ${rule.groupId.slice(0, 8)}… was not fetched.`,
      needs: ['access_group'],
      category: 'unreadable',
      group: { id: rule.groupId },
    });
  }
  if (scope.visiting.includes(group.id)) {
    return result(rule, {
      verdict: 'unknown',
      reason: `Rule group '${group.name}' refers back to itself; the cycle cannot be evaluated.`,
      needs: ['rule_support'],
      category: 'unreadable',
      group: { id: group.id, name: group.name },
    });
  }
  const inner: RuleScope = { ...scope, visiting: [...scope.visiting, group.id] };
  const clauses = evaluateClauses(group, inner);
  const decisive = decisiveRule(clauses, inner);
  const leaf = decisive?.result;
  const verdict = clauses.verdict;
  const cause: CauseCode | undefined =
    verdict === 'match' ? undefined : decisive?.clause === 'exclude' ? 'excluded_by_rule' : leaf?.cause;
  const needs = verdict === 'unknown' ? unknownNeeds(clauses) : [];
  const reason =
    verdict === 'match'
      ? `Rule group '${group.name}' matches: ${leaf?.reason ?? 'its rules hold.'}`
      : verdict === 'no_match'
        ? `Rule group '${group.name}' does not match: ${leaf?.reason ?? 'none of its rules hold.'}`
        : `Rule group '${group.name}' is undecided: ${leaf?.reason ?? 'some of its rules need more data.'}`;
  return result(rule, {
    verdict,
    reason,
    ...(leaf?.field ? { field: leaf.field } : {}),
    ...(leaf?.source ? { source: leaf.source } : {}),
    ...(cause ? { cause } : {}),
    ...(leaf?.postureType ? { postureType: leaf.postureType } : {}),
    needs,
    category: leaf?.category ?? 'context',
    group: { id: group.id, name: group.name, clauses, ...(decisive ? { decisive } : {}) },
  });
}

// Dispatcher -------------------------------------------------------------------------------------

function evaluateIn(rule: Rule, scope: RuleScope): RuleResult {
  const { event, context } = scope;
  switch (rule.kind) {
    case 'everyone':
      return result(rule, { verdict: 'match', reason: 'Everyone matches.' });
    case 'ip': {
      const inside = ipInCidr(event.ipAddress, rule.ip);
      if (inside === undefined) {
        return result(rule, {
          verdict: 'unknown',
          reason: `Cannot compare IP "${event.ipAddress}" with range "${rule.ip}".`,
          field: 'ipAddress',
          needs: parseCidr(rule.ip) ? [] : ['rule_support'],
        });
      }
      return result(rule, {
        verdict: inside ? 'match' : 'no_match',
        reason: inside
          ? `IP ${event.ipAddress} is in ${rule.ip}.`
          : `The request came from ${event.ipAddress}, outside ${rule.ip}.`,
        field: 'ipAddress',
        ...(inside ? {} : { cause: 'ip_not_allowed' as const }),
      });
    }
    case 'ip_list': {
      const list = context.lists.find((l) => l.id === rule.listId);
      const label = `IP list ${listLabel(list?.name, rule.listId)}`;
      if (!list?.items) {
        return result(rule, {
          verdict: 'unknown',
          reason: `Checks ${label}, whose entries were not fetched.`,
          field: 'ipAddress',
          needs: ['gateway_list'],
        });
      }
      const hit = list.items.find((item) => ipInCidr(event.ipAddress, item) === true);
      const shown = list.items.slice(0, 5).join(', ') + (list.items.length > 5 ? ', …' : '');
      return result(rule, {
        verdict: hit ? 'match' : 'no_match',
        reason: hit
          ? `IP ${event.ipAddress} is in ${label} (${hit}).`
          : `The request came from ${event.ipAddress}, which is not in ${label} (${shown || 'empty'}).`,
        field: 'ipAddress',
        source: 'lists',
        ...(hit ? {} : { cause: 'ip_not_allowed' as const }),
      });
    }
    case 'geo': {
      const country = event.country.trim().toUpperCase();
      const wanted = rule.countryCode.trim().toUpperCase();
      if (country === '') {
        return result(rule, {
          verdict: 'unknown',
          reason: `Checks country ${wanted}; the row has no country.`,
          field: 'country',
        });
      }
      const ok = country === wanted;
      return result(rule, {
        verdict: ok ? 'match' : 'no_match',
        reason: ok ? `The request came from ${country}.` : `The request came from ${country}, not ${wanted}.`,
        field: 'country',
        ...(ok ? {} : { cause: 'country_not_allowed' as const }),
      });
    }
    case 'certificate': {
      const state = certState(event);
      if (state.kind !== 'valid') return noCertificate(rule, state);
      return result(rule, {
        verdict: 'match',
        reason: `A valid client certificate was presented (serial ${event.mtlsCertSerialId || 'n/a'}).`,
        field: 'mtlsCertSerialId',
      });
    }
    case 'common_name': {
      const state = certState(event);
      if (state.kind !== 'valid') return noCertificate(rule, state);
      const ok = event.mtlsCommonName !== '' && sameText(event.mtlsCommonName, rule.commonName);
      return result(rule, {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `The certificate's common name is ${rule.commonName}.`
          : `The presented certificate's common name is ${event.mtlsCommonName || '(none)'}, not ${rule.commonName}.`,
        field: 'mtlsCommonName',
        ...(ok ? {} : { cause: 'mtls_common_name_mismatch' as const }),
      });
    }
    case 'service_token':
      return evaluateServiceToken(rule, scope);
    case 'any_valid_service_token':
      return evaluateAnyToken(rule, scope);
    case 'linked_app_token':
      if (scope.decision === 'allow' || scope.decision === 'deny') {
        return wrongAction(rule, scope, 'A linked app token');
      }
      return result(rule, {
        verdict: 'unknown',
        reason: `Checks for an OAuth token from app ${rule.appUid.slice(0, 8)}…; the login row does not record one.`,
        needs: ['linked_app_token'],
      });
    case 'email': {
      if (!scope.email) return missingEmail(rule, `email ${rule.email}`);
      const ok = sameText(scope.email.value, rule.email);
      return result(rule, {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `The user is ${whoFor(scope, scope.email.value)}.`
          : `The user is ${whoFor(scope, scope.email.value)}, not ${rule.email}.`,
        source: scope.email.source,
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      });
    }
    case 'email_domain': {
      const domain = rule.domain.trim().replace(/^@/, '').toLowerCase();
      if (!scope.email) return missingEmail(rule, `emails ending in @${domain}`);
      const ok = scope.email.value.toLowerCase().endsWith(`@${domain}`);
      return result(rule, {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `${whoFor(scope, scope.email.value)} ends in @${domain}.`
          : `The user is ${whoFor(scope, scope.email.value)}, outside @${domain}.`,
        source: scope.email.source,
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      });
    }
    case 'email_list': {
      const list = context.lists.find((l) => l.id === rule.listId);
      const label = `email list ${listLabel(list?.name, rule.listId)}`;
      if (!scope.email) {
        const missing = missingEmail(rule, label);
        return list?.items ? missing : { ...missing, needs: ['user_email', 'gateway_list'] };
      }
      if (!list?.items) {
        return result(rule, {
          verdict: 'unknown',
          reason: `Checks ${label}, whose entries were not fetched.`,
          needs: ['gateway_list'],
        });
      }
      const email = scope.email.value;
      const ok = list.items.some((item) => sameText(item, email));
      return result(rule, {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `${whoFor(scope, email)} is in ${label}.`
          : `${whoFor(scope, email)} is not in ${label}.`,
        source: 'lists',
        field: 'userUuid',
        ...(ok ? {} : { cause: 'not_in_include' as const }),
      });
    }
    case 'group':
      return evaluateGroup(rule, scope);
    case 'login_method':
      return evaluateLoginMethod(rule, scope);
    case 'auth_method':
      return evaluateAuthMethod(rule, scope);
    case 'azureAD':
    case 'okta':
    case 'gsuite':
    case 'github-organization':
    case 'saml':
    case 'oidc':
    case 'auth_context':
    case 'cloudflare_account_member':
      return evaluateIdpRule(rule, scope);
    case 'device_posture':
      return evaluatePosture(rule, scope);
    case 'external_evaluation': {
      let host = rule.evaluateUrl;
      try {
        host = new URL(rule.evaluateUrl).host;
      } catch {
        // keep the raw text
      }
      return result(rule, {
        verdict: 'unknown',
        reason: `Asks the External Evaluation API at ${host}, whose answer is not in the login row.`,
        needs: ['external_evaluation_result'],
        cause: 'external_evaluation_unknown',
      });
    }
    case 'user_risk_score':
      return result(rule, {
        verdict: 'unknown',
        reason: `Checks the user's risk score (${rule.levels.join(', ')}), which the login row does not carry.`,
        needs: ['user_risk_score'],
      });
    case 'unknown':
      return result(rule, {
        verdict: 'unknown',
        reason: `Selector "${rule.key}" is not one this bot can evaluate.`,
        needs: ['rule_support'],
      });
  }
}

/** Evaluates one rule against the login row and lookup data, under a policy with action `decision`. */
export function evaluateRule(
  rule: Rule,
  event: AccessLoginEvent,
  context: PolicyContext,
  decision: PolicyDecision = 'allow',
): RuleResult {
  return evaluateIn(rule, createRuleScope(event, context, decision));
}

// ---------------------------------------------------------------------------------------------
// Clauses

function anyOf(results: RuleResult[]): Verdict {
  if (results.some((r) => r.verdict === 'match')) return 'match';
  if (results.every((r) => r.verdict === 'no_match')) return 'no_match';
  return 'unknown';
}

function allOf(results: RuleResult[]): Verdict {
  if (results.some((r) => r.verdict === 'no_match')) return 'no_match';
  if (results.every((r) => r.verdict === 'match')) return 'match';
  return 'unknown';
}

function not(verdict: Verdict): Verdict {
  return verdict === 'match' ? 'no_match' : verdict === 'no_match' ? 'match' : 'unknown';
}

/** Three-valued AND. */
function andVerdicts(...verdicts: Verdict[]): Verdict {
  if (verdicts.includes('no_match')) return 'no_match';
  return verdicts.every((v) => v === 'match') ? 'match' : 'unknown';
}

/** Include = any, Require = all, Exclude = none (an empty Include matches nobody). */
export function evaluateClauses(
  rules: { include: readonly Rule[]; require: readonly Rule[]; exclude: readonly Rule[] },
  scope: RuleScope,
): ClauseSet {
  const include = rules.include.map((r) => evaluateIn(r, scope));
  const require = rules.require.map((r) => evaluateIn(r, scope));
  const exclude = rules.exclude.map((r) => evaluateIn(r, scope));
  const includeVerdict = anyOf(include);
  const requireVerdict = allOf(require);
  const excludeVerdict = anyOf(exclude);
  return {
    include: { verdict: includeVerdict, results: include },
    require: { verdict: requireVerdict, results: require },
    exclude: { verdict: excludeVerdict, results: exclude },
    verdict: andVerdicts(includeVerdict, requireVerdict, not(excludeVerdict)),
  };
}

/**
 * Order in which failing rules are worth naming for this request: a token request is about tokens,
 * a request stopped before sign-in about network/device facts, a signed-in one about identity.
 */
function relevance(scope: RuleScope, result: RuleResult): number {
  const order: readonly RuleCategory[] = scope.tokenRequest
    ? ['token', 'context', 'identity', 'unreadable']
    : scope.preLogin
      ? ['context', 'token', 'identity', 'unreadable']
      : ['identity', 'context', 'token', 'unreadable'];
  return order.indexOf(result.category);
}

/**
 * Misses where the rule names this very request's subject (its token, its certificate) but a property
 * failed: "your token expired" explains more than "the other listed token is not yours".
 */
const NEAR_MISS_CAUSES: ReadonlySet<string> = new Set([
  'service_token_expired',
  'service_token_wrong_action',
  'mtls_common_name_mismatch',
]);
const nearMiss = (result: RuleResult) =>
  result.cause !== undefined && NEAR_MISS_CAUSES.has(result.cause) ? 0 : 1;

/** Orders results by relevance to the request, near misses first, keeping the policy's order among equals. */
function byRelevance(results: readonly RuleResult[], scope: RuleScope): RuleResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) => relevance(scope, a.r) - relevance(scope, b.r) || nearMiss(a.r) - nearMiss(b.r) || a.i - b.i,
    )
    .map(({ r }) => r);
}

/**
 * The rule that settled a clause set: the first matching Include for a match; for a miss the failing
 * Include (when the Include missed), else the Exclude that hit, else the failing Require; for an
 * unknown, the most relevant undecided rule.
 */
export function decisiveRule(clauses: ClauseSet, scope: RuleScope): DecisiveRule | undefined {
  const pick = (clause: ClauseName, verdict: Verdict): DecisiveRule | undefined => {
    const found = byRelevance(clauses[clause].results, scope).find((r) => r.verdict === verdict);
    return found ? { clause, result: found } : undefined;
  };
  if (clauses.verdict === 'match') return pick('include', 'match');
  if (clauses.verdict === 'no_match') {
    if (clauses.include.verdict === 'no_match') return pick('include', 'no_match');
    if (clauses.exclude.verdict === 'match') return pick('exclude', 'match');
    return pick('require', 'no_match');
  }
  const unknowns: DecisiveRule[] = (['include', 'require', 'exclude'] as const)
    .filter((clause) => clauses[clause].verdict === 'unknown')
    .flatMap((clause) =>
      clauses[clause].results.filter((r) => r.verdict === 'unknown').map((r) => ({ clause, result: r })),
    );
  const first = unknowns
    .map((u, i) => ({ u, i }))
    .sort((a, b) => relevance(scope, a.u.result) - relevance(scope, b.u.result) || a.i - b.i)[0];
  return first?.u;
}

/** Data missing for the undecided rules of a clause set (only clauses still undecided). */
export function unknownNeeds(clauses: ClauseSet): NeedCode[] {
  const needs = new Set<NeedCode>();
  for (const clause of ['include', 'require', 'exclude'] as const) {
    if (clauses[clause].verdict !== 'unknown') continue;
    for (const r of clauses[clause].results) {
      if (r.verdict === 'unknown') for (const n of r.needs) needs.add(n);
    }
  }
  return [...needs];
}
