import { z } from 'zod';
import type { AccessLoginEvent, LastSeenDetails } from '../core/access-event.js';
import { wireReaderFor } from '../core/policy/rule-catalogue.js';
import type {
  AccessApp,
  AccessGroup,
  AppPolicy,
  ApprovalGroup,
  GatewayList,
  IdentityProvider,
  LastSeenIdentity,
  PolicyContext,
  PolicyUser,
  PostureResult,
  PostureRule,
  RelatedApp,
  Rule,
  ServiceToken,
} from '../core/policy/types.js';
import { loginsResponseSchema, toAccessLoginEvent } from './graphql-schemas.js';

// Wire shapes of Cloudflare's Access REST API (cloudflare-typescript zero-trust resources). Every
// object is loose (Cloudflare adds fields) and every field Cloudflare may omit or null is optional.

const str = z.string();
const optStr = z.string().nullish();
const optBool = z.boolean().nullish();
const optNum = z.number().nullish();

// ---------------------------------------------------------------------------------------------
// Rules: `{ "<selector>": { …fields } }`. Each selector's wire shape lives with its kind in the core
// rule catalogue; anything unreadable becomes `unknown`.

function toKnownRule(key: string, body: unknown): Rule | undefined {
  return wireReaderFor(key)?.read(body);
}

/** Wire rule → core rule. Never throws and never drops a rule: what it cannot read stays `unknown`. */
export function toRule(wire: unknown): Rule {
  if (wire !== null && typeof wire === 'object' && !Array.isArray(wire)) {
    const entries = Object.entries(wire);
    // Only one selector per rule object; extra keys would mean a shape this code does not know.
    if (entries.length === 1) {
      const [key, body] = entries[0] ?? ['', undefined];
      const known = toKnownRule(key, body);
      if (known) return known;
      return { kind: 'unknown', key, raw: wire };
    }
  }
  return { kind: 'unknown', key: '(unreadable)', raw: wire };
}

const rulesSchema = z
  .array(z.unknown())
  .nullish()
  .transform((rules) => rules ?? []);

// ---------------------------------------------------------------------------------------------
// Policies and apps

const approvalGroupSchema = z.looseObject({
  approvals_needed: optNum,
  email_addresses: z.array(str).nullish(),
  email_list_uuid: optStr,
});

const decisionSchema = z.enum(['allow', 'deny', 'non_identity', 'bypass']);

/** A policy with everything a replay needs; the spec marks every field optional, the replay cannot. */
export const policyWireSchema = z.looseObject({
  id: str,
  name: optStr,
  decision: decisionSchema,
  precedence: optNum,
  include: rulesSchema,
  exclude: rulesSchema,
  require: rulesSchema,
  reusable: optBool,
  approval_required: optBool,
  approval_groups: z.array(approvalGroupSchema).nullish(),
  purpose_justification_required: optBool,
  purpose_justification_prompt: optStr,
  isolation_required: optBool,
  mfa_config: z
    .looseObject({ mfa_disabled: optBool, allowed_authenticators: z.array(str).nullish().catch(undefined) })
    .nullish()
    .catch(undefined),
  session_duration: optStr,
  updated_at: optStr.catch(undefined),
});
export type PolicyWire = z.infer<typeof policyWireSchema>;

/**
 * An app's `policies` entry that is not a whole policy: a reference to a reusable policy
 * (`{id, precedence}`), or one missing its `decision`. It is read from `/access/policies/{id}`.
 */
const policyRefSchema = z.looseObject({ id: str, precedence: optNum.catch(undefined) });

/** What an app's `policies` array held, entry by entry. */
export interface AppPolicyEntries {
  /** Whole policies, in the app's order, with the precedence stand-in their position gives. */
  policies: Array<{ wire: PolicyWire; position: number }>;
  /** Entries to fetch by id (`/access/policies/{id}`), with their position and any precedence. */
  refs: Array<{ id: string; precedence?: number; position: number }>;
  /** Entries that are neither (no id): skipped and counted. */
  unreadable: number;
}

/** Sorts an app's `policies` array into whole policies, references and unreadable entries. */
export function readAppPolicyEntries(entries: readonly unknown[] | null | undefined): AppPolicyEntries {
  const out: AppPolicyEntries = { policies: [], refs: [], unreadable: 0 };
  (entries ?? []).forEach((entry, index) => {
    const position = index + 1;
    const whole = policyWireSchema.safeParse(entry);
    if (whole.success) {
      out.policies.push({ wire: whole.data, position });
      return;
    }
    const ref = policyRefSchema.safeParse(entry);
    if (ref.success) {
      out.refs.push({
        id: ref.data.id,
        position,
        ...(ref.data.precedence != null ? { precedence: ref.data.precedence } : {}),
      });
      return;
    }
    out.unreadable += 1;
  });
  return out;
}

export const appWireSchema = z.looseObject({
  id: str,
  name: optStr,
  domain: optStr,
  type: optStr,
  aud: optStr,
  allowed_idps: z.array(str).nullish().catch(undefined),
  auto_redirect_to_identity: optBool.catch(undefined),
  allow_authenticate_via_warp: optBool.catch(undefined),
  self_hosted_domains: z.array(str).nullish().catch(undefined),
  // Each destination is `{type: 'public', uri}` or a private `{type: 'private', hostname | cidr, …}`.
  destinations: z
    .array(z.looseObject({ type: optStr, uri: optStr, hostname: optStr, cidr: optStr }).catch({}))
    .nullish()
    .catch(undefined),
  // Read entry by entry (`readAppPolicyEntries`): a reference or an odd entry must not lose the others.
  policies: z.array(z.unknown()).nullish(),
  updated_at: optStr.catch(undefined),
});
export type AppWire = z.infer<typeof appWireSchema>;

/** Every hostname an app covers: its `destinations` (or `self_hosted_domains`), else its `domain`. */
export function appHostnames(wire: AppWire): string[] {
  const fromDestinations = (wire.destinations ?? []).flatMap((d) => {
    const name = d.uri ?? d.hostname ?? d.cidr;
    return name ? [name] : [];
  });
  const names = fromDestinations.length > 0 ? fromDestinations : (wire.self_hosted_domains ?? []);
  const all = wire.domain ? [wire.domain, ...names] : names;
  return [...new Set(all)];
}

function toApprovalGroup(wire: z.infer<typeof approvalGroupSchema>): ApprovalGroup {
  return {
    approvalsNeeded: wire.approvals_needed ?? 1,
    emailAddresses: wire.email_addresses ?? [],
    ...(wire.email_list_uuid ? { emailListId: wire.email_list_uuid } : {}),
  };
}

/** Wire policy → core policy; `position` (1-based) stands in for a missing precedence. */
export function toAppPolicy(wire: PolicyWire, position: number): AppPolicy {
  const mfa = wire.mfa_config;
  // `mfa_config` says MFA is on only when not disabled and, if it lists methods, it lists some.
  const mfaRequired =
    mfa != null && mfa.mfa_disabled !== true && (mfa.allowed_authenticators?.length ?? 1) > 0;
  return {
    id: wire.id,
    name: wire.name ?? wire.id,
    decision: wire.decision,
    precedence: wire.precedence ?? position,
    include: wire.include.map(toRule),
    exclude: wire.exclude.map(toRule),
    require: wire.require.map(toRule),
    ...(wire.reusable != null ? { reusable: wire.reusable } : {}),
    ...(wire.approval_required != null ? { approvalRequired: wire.approval_required } : {}),
    ...(wire.approval_groups ? { approvalGroups: wire.approval_groups.map(toApprovalGroup) } : {}),
    ...(wire.purpose_justification_required != null
      ? { purposeJustificationRequired: wire.purpose_justification_required }
      : {}),
    ...(wire.purpose_justification_prompt
      ? { purposeJustificationPrompt: wire.purpose_justification_prompt }
      : {}),
    ...(wire.isolation_required != null ? { isolationRequired: wire.isolation_required } : {}),
    ...(mfa ? { mfaRequired } : {}),
    ...(wire.session_duration ? { sessionDuration: wire.session_duration } : {}),
    ...(wire.updated_at ? { updatedAt: wire.updated_at } : {}),
  };
}

/**
 * Wire app (GET /access/apps/{id} result, policies embedded) → core app. `policies`, when given,
 * replaces the app's own entries (the adapter resolves references first); otherwise the whole
 * policies among them are used.
 */
export function toAccessApp(wire: AppWire, policies?: AppPolicy[]): AccessApp {
  const own = () => readAppPolicyEntries(wire.policies).policies.map((p) => toAppPolicy(p.wire, p.position));
  return {
    id: wire.id,
    name: wire.name ?? wire.id,
    domain: wire.domain ?? '',
    type: wire.type ?? 'self_hosted',
    ...(wire.aud ? { aud: wire.aud } : {}),
    allowedIdps: wire.allowed_idps ?? [],
    policies: policies ?? own(),
    ...(wire.auto_redirect_to_identity != null
      ? { autoRedirectToIdentity: wire.auto_redirect_to_identity }
      : {}),
    ...(wire.updated_at ? { updatedAt: wire.updated_at } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Lookup data

export const groupWireSchema = z.looseObject({
  id: str,
  name: optStr,
  include: rulesSchema,
  exclude: rulesSchema,
  require: rulesSchema,
});

export function toAccessGroup(wire: z.infer<typeof groupWireSchema>): AccessGroup {
  return {
    id: wire.id,
    name: wire.name ?? wire.id,
    include: wire.include.map(toRule),
    exclude: wire.exclude.map(toRule),
    require: wire.require.map(toRule),
  };
}

export const identityProviderWireSchema = z.looseObject({ id: str, name: optStr, type: optStr });

export function toIdentityProvider(wire: z.infer<typeof identityProviderWireSchema>): IdentityProvider {
  return { id: wire.id, name: wire.name ?? wire.type ?? wire.id, type: wire.type ?? '' };
}

export const serviceTokenWireSchema = z.looseObject({
  id: str,
  client_id: optStr,
  name: optStr,
  expires_at: optStr,
  enabled: optBool,
});

export function toServiceToken(wire: z.infer<typeof serviceTokenWireSchema>): ServiceToken {
  return {
    id: wire.id,
    clientId: wire.client_id ?? '',
    name: wire.name ?? wire.id,
    ...(wire.expires_at ? { expiresAt: wire.expires_at } : {}),
    ...(wire.enabled != null ? { enabled: wire.enabled } : {}),
  };
}

export const postureRuleWireSchema = z.looseObject({ id: str, name: optStr, type: optStr });

export function toPostureRule(wire: z.infer<typeof postureRuleWireSchema>): PostureRule {
  return { id: wire.id, name: wire.name ?? wire.type ?? wire.id, type: wire.type ?? '' };
}

const listItemSchema = z.union([str, z.looseObject({ value: str })]);

export const gatewayListWireSchema = z.looseObject({
  id: str,
  name: optStr,
  type: optStr,
  items: z.array(listItemSchema).nullish(),
});

/** Wire list (+ items, fetched from `/gateway/lists/{id}/items` when the list omits them) → core list. */
export function toGatewayList(wire: z.infer<typeof gatewayListWireSchema>): GatewayList {
  return {
    id: wire.id,
    name: wire.name ?? wire.id,
    type: wire.type ?? '',
    ...(wire.items ? { items: wire.items.map((i) => (typeof i === 'string' ? i : i.value)) } : {}),
  };
}

const postureResultSchema = z.looseObject({
  success: optBool,
  rule_name: optStr,
  type: optStr,
  error: optStr,
  timestamp: optStr,
});

const identityGroupSchema = z.looseObject({ id: optStr, name: optStr, email: optStr });

export const lastSeenIdentityWireSchema = z.looseObject({
  user_uuid: optStr,
  email: optStr,
  device_id: optStr,
  is_warp: optBool,
  is_gateway: optBool,
  idp: z.looseObject({ id: optStr, type: optStr }).nullish(),
  geo: z.looseObject({ country: optStr }).nullish(),
  devicePosture: z.record(str, postureResultSchema).nullish(),
  ip: optStr.catch(undefined),
  mtls_auth: z
    .looseObject({
      auth_status: optStr,
      cert_presented: optBool,
      cert_serial: optStr,
      cert_issuer_dn: optStr,
    })
    .nullish()
    .catch(undefined),
  // get-identity carries these; last_seen_identity may not.
  groups: z.array(identityGroupSchema).nullish().catch(undefined),
  amr: z.array(str).nullish().catch(undefined),
});

/** The card's view of a last seen identity: IP, IdP and client certificate. */
export function toLastSeenDetails(wire: z.infer<typeof lastSeenIdentityWireSchema>): LastSeenDetails {
  const m = wire.mtls_auth;
  const mtls = m
    ? {
        ...(m.auth_status ? { authStatus: m.auth_status } : {}),
        ...(m.cert_presented != null ? { certPresented: m.cert_presented } : {}),
        ...(m.cert_serial ? { certSerial: m.cert_serial } : {}),
        ...(m.cert_issuer_dn ? { certIssuerDn: m.cert_issuer_dn } : {}),
      }
    : undefined;
  return {
    ...(wire.ip ? { ip: wire.ip } : {}),
    ...(wire.idp?.id ? { idpId: wire.idp.id } : {}),
    ...(wire.idp?.type ? { idpType: wire.idp.type } : {}),
    ...(mtls && Object.keys(mtls).length > 0 ? { mtls } : {}),
  };
}

function toPostureResult(wire: z.infer<typeof postureResultSchema>): PostureResult {
  return {
    ...(wire.success != null ? { success: wire.success } : {}),
    ...(wire.rule_name ? { ruleName: wire.rule_name } : {}),
    ...(wire.type ? { type: wire.type } : {}),
    ...(wire.error ? { error: wire.error } : {}),
    ...(wire.timestamp ? { timestamp: wire.timestamp } : {}),
  };
}

export function toLastSeenIdentity(wire: z.infer<typeof lastSeenIdentityWireSchema>): LastSeenIdentity {
  const idpId = wire.idp?.id;
  const idpType = wire.idp?.type;
  return {
    ...(wire.user_uuid ? { userUuid: wire.user_uuid } : {}),
    ...(wire.email ? { email: wire.email } : {}),
    ...(wire.device_id ? { deviceId: wire.device_id } : {}),
    ...(wire.is_warp != null ? { isWarp: wire.is_warp } : {}),
    ...(wire.is_gateway != null ? { isGateway: wire.is_gateway } : {}),
    ...(idpId || idpType
      ? { idp: { ...(idpId ? { id: idpId } : {}), ...(idpType ? { type: idpType } : {}) } }
      : {}),
    ...(wire.geo?.country ? { country: wire.geo.country } : {}),
    devicePosture: Object.fromEntries(
      Object.entries(wire.devicePosture ?? {}).map(([id, r]) => [id, toPostureResult(r)]),
    ),
    ...(wire.groups
      ? {
          groups: wire.groups.map((g) => ({
            ...(g.id ? { id: g.id } : {}),
            ...(g.name ? { name: g.name } : {}),
            ...(g.email ? { email: g.email } : {}),
          })),
        }
      : {}),
    ...(wire.amr ? { amr: wire.amr } : {}),
  };
}

export const userWireSchema = z.looseObject({ id: optStr, email: optStr, name: optStr });

export function toPolicyUser(wire: z.infer<typeof userWireSchema>): PolicyUser {
  return {
    ...(wire.id ? { id: wire.id } : {}),
    ...(wire.email ? { email: wire.email } : {}),
    ...(wire.name ? { name: wire.name } : {}),
  };
}

export const relatedAppWireSchema = z.looseObject({ id: str, name: optStr, domain: optStr });

function toRelatedApp(wire: z.infer<typeof relatedAppWireSchema>): RelatedApp {
  return { id: wire.id, name: wire.name ?? wire.id, domain: wire.domain ?? '' };
}

/** The lookup data of one explanation, as the REST adapter (or a case file) gathers it. */
export const policyContextWireSchema = z.looseObject({
  identity_providers: z.array(identityProviderWireSchema).nullish(),
  groups: z.array(groupWireSchema).nullish(),
  lists: z.array(gatewayListWireSchema).nullish(),
  service_tokens: z.array(serviceTokenWireSchema).nullish(),
  posture_rules: z.array(postureRuleWireSchema).nullish(),
  last_seen_identity: lastSeenIdentityWireSchema.nullish(),
  user: userWireSchema.nullish(),
  related_apps: z.array(relatedAppWireSchema).nullish(),
  strict_service_token_auth: optBool,
});
export type PolicyContextWire = z.infer<typeof policyContextWireSchema>;

/** Wire lookup data → core context; `now` is the clock the caller read. */
export function toPolicyContext(wire: PolicyContextWire, now: Date): PolicyContext {
  return {
    identityProviders: (wire.identity_providers ?? []).map(toIdentityProvider),
    groups: (wire.groups ?? []).map(toAccessGroup),
    lists: (wire.lists ?? []).map(toGatewayList),
    serviceTokens: (wire.service_tokens ?? []).map(toServiceToken),
    postureRules: (wire.posture_rules ?? []).map(toPostureRule),
    ...(wire.last_seen_identity ? { lastSeenIdentity: toLastSeenIdentity(wire.last_seen_identity) } : {}),
    ...(wire.user ? { user: toPolicyUser(wire.user) } : {}),
    ...(wire.related_apps ? { relatedApps: wire.related_apps.map(toRelatedApp) } : {}),
    ...(wire.strict_service_token_auth != null
      ? { strictServiceTokenAuth: wire.strict_service_token_auth }
      : {}),
    now,
  };
}

// ---------------------------------------------------------------------------------------------
// A whole case: { event, app, context } (the CLI's `--case FILE`, and the shared policy cases)

// The same row schema the GraphQL adapter validates with, so both entry points agree on the row.
const loginRowSchema =
  loginsResponseSchema.shape.viewer.shape.accounts.element.shape.accessLoginRequestsAdaptiveGroups.element.shape.dimensions.unwrap();

export const policyCaseSchema = z.looseObject({
  event: loginRowSchema,
  app: appWireSchema,
  context: policyContextWireSchema.nullish(),
  // The shared cases keep the user next to the context rather than inside it.
  user: userWireSchema.nullish(),
});

/**
 * Parses one `{ event, app, context }` entry (event in GraphQL row form, app and lookups in REST form;
 * extra keys ignored). Throws a ZodError on a malformed entry. `now` defaults to the event's time.
 */
export function parsePolicyCase(
  json: unknown,
  now?: Date,
): { event: AccessLoginEvent; app: AccessApp; context: PolicyContext } {
  const parsed = policyCaseSchema.parse(json);
  const event = toAccessLoginEvent(parsed.event);
  const eventTime = new Date(event.datetime);
  const clock = now ?? (Number.isNaN(eventTime.getTime()) ? new Date(0) : eventTime);
  const wireContext: PolicyContextWire = { ...(parsed.context ?? {}) };
  if (!wireContext.user && parsed.user) wireContext.user = parsed.user;
  return { event, app: toAccessApp(parsed.app), context: toPolicyContext(wireContext, clock) };
}
