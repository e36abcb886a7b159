import { type AccessLoginEvent, isNonIdentityEvent } from '../access-event.js';
import type { Region } from './constraint.js';
import type { RuleOutcome } from './rule-result.js';
import type { IdentityProvider, PolicyContext, PolicyDecision } from './types.js';

export type LoginIdp =
  | { kind: 'none' }
  | { kind: 'resolved'; idps: IdentityProvider[] }
  | { kind: 'unresolved'; raw: string };

/**
 * Caps on rule-group work for one lookup. Groups that include each other as a fan-out double the
 * work per level when walked as a tree; with each group evaluated once (memoised) the work is linear
 * in the number of groups, and the caps bound what is left (a very deep or very large account).
 */
export const GROUP_LIMITS = {
  /** Rule groups nested inside each other on one path. */
  maxDepth: 32,
  /** Rule evaluations (every selector, groups included) for one lookup. */
  maxEvaluations: 20_000,
} as const;

/** Shared, mutable work record for one lookup: memoised group results and the evaluation count. */
export interface ReplayBudget {
  /** Group results keyed by `${policy action}|${group id}` (token rules read the action). */
  groups: Map<string, RuleOutcome>;
  /** Satisfiability regions of rule groups keyed by group id (they do not depend on the request). */
  regions: Map<string, Region>;
  evaluations: number;
  maxDepth: number;
  maxEvaluations: number;
}

/** A fresh budget for one lookup; tests may lower the caps. */
export function createReplayBudget(
  limits: Partial<Record<keyof typeof GROUP_LIMITS, number>> = {},
): ReplayBudget {
  return {
    groups: new Map(),
    regions: new Map(),
    evaluations: 0,
    maxDepth: limits.maxDepth ?? GROUP_LIMITS.maxDepth,
    maxEvaluations: limits.maxEvaluations ?? GROUP_LIMITS.maxEvaluations,
  };
}

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
  /** Rule groups on the current path, to stop cycles and to cap the depth. */
  visiting: readonly string[];
  budget: ReplayBudget;
}

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

/** Builds the per-replay facts the rule evaluators share; pass one `budget` for a whole lookup. */
export function createRuleScope(
  event: AccessLoginEvent,
  context: PolicyContext,
  decision: PolicyDecision,
  budget: ReplayBudget = createReplayBudget(),
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
    budget,
  };
}
