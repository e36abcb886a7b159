import { z } from 'zod';
import type { AccessLoginEvent } from '../core/access-event.js';
import { wireReaderFor } from '../core/policy/rule-catalogue.js';
import type {
  AccessApp,
  AccessGroup,
  AppPolicy,
  ApprovalGroup,
  GatewayList,
  IdentityProvider,
  MfaSetting,
  PolicyContext,
  PostureRule,
  RelatedApp,
  Rule,
  ServiceToken,
} from '../core/policy/types.js';
import { loginDimensionsSchema, toAccessLoginEvent } from './graphql-schemas.js';
import {
  lastSeenIdentityWireSchema,
  toLastSeenIdentity,
  toPolicyUser,
  userWireSchema,
} from './identity-schemas.js';

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

/** Independent MFA, on apps and policies alike. */
const mfaConfigSchema = z.looseObject({
  mfa_disabled: optBool,
  allowed_authenticators: z.array(str).nullish().catch(undefined),
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
  mfa_config: mfaConfigSchema.nullish().catch(undefined),
  session_duration: optStr,
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
  mfa_config: mfaConfigSchema.nullish().catch(undefined),
  // Each destination is `{type: 'public', uri}` or a private `{type: 'private', hostname | cidr, …}`.
  destinations: z
    .array(z.looseObject({ type: optStr, uri: optStr, hostname: optStr, cidr: optStr }).catch({}))
    .nullish()
    .catch(undefined),
  // Read entry by entry (`readAppPolicyEntries`): a reference or an odd entry must not lose the others.
  policies: z.array(z.unknown()).nullish(),
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
/** `mfa_config` by its content: on only when not disabled and, if it lists methods, it lists some. */
function toMfaSetting(wire: z.infer<typeof mfaConfigSchema> | null | undefined): MfaSetting | undefined {
  if (wire == null) return undefined;
  const methods = wire.allowed_authenticators ?? [];
  return {
    required: wire.mfa_disabled !== true && (wire.allowed_authenticators?.length ?? 1) > 0,
    allowedAuthenticators: methods,
  };
}

export function toAppPolicy(wire: PolicyWire, position: number): AppPolicy {
  const mfa = toMfaSetting(wire.mfa_config);
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
    ...(mfa ? { mfa } : {}),
    ...(wire.session_duration ? { sessionDuration: wire.session_duration } : {}),
  };
}

/**
 * Wire app (GET /access/apps/{id} result, policies embedded) → core app. `policies`, when given,
 * replaces the app's own entries (the adapter resolves references first); otherwise the whole
 * policies among them are used.
 */
export function toAccessApp(wire: AppWire, policies?: AppPolicy[]): AccessApp {
  const own = () => readAppPolicyEntries(wire.policies).policies.map((p) => toAppPolicy(p.wire, p.position));
  const appMfa = toMfaSetting(wire.mfa_config);
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
    ...(appMfa ? { mfa: appMfa } : {}),
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
const loginRowSchema = loginDimensionsSchema;

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
