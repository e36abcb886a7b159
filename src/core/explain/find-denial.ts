import { type AccessLoginEvent, isNonIdentityEvent } from '../access-event.js';
import type { CauseCode, Evidence, SecondaryCause } from '../explanation.js';
import { effectOf, type PolicyReplay, type PolicyResult } from '../policy/evaluate-policies.js';
import { evaluateRule } from '../policy/evaluate-rule.js';
import type {
  ClauseName,
  DecisiveRule,
  RequireConflict,
  RuleResult,
  Verdict,
} from '../policy/rule-result.js';
import type { RuleScope } from '../policy/rule-scope.js';
import type { AccessApp, NeedCode, PolicyContext, PolicyDecision, Rule } from '../policy/types.js';
import { type Blame, blameOf, conflictOf } from './blame.js';

/** What the explanation is built from: the replay and the facts of the request. */
export interface View {
  event: AccessLoginEvent;
  app: AccessApp;
  context: PolicyContext;
  replay: PolicyReplay;
  facts: RuleScope;
  appLabel: string;
  who: string;
}

/** The decided cause of a denial, with the policy and rule it rests on. */
export interface Finding {
  cause: CauseCode;
  policy?: PolicyResult;
  decisive?: DecisiveRule;
  /** Where the deciding rule lives (through rule groups). */
  blame?: Blame;
  /** Two rules that can never both hold, for `require_unsatisfiable`. */
  conflict?: RequireConflict;
  /** The conflict's rules sit inside this rule group (the fix goes there), when they do. */
  conflictGroup?: string;
  determinable: boolean;
  needs: NeedCode[];
  extraNeeds?: string[];
  secondary: SecondaryCause[];
  evidence: Evidence[];
  replayDisagrees: boolean;
  /** The verdict hinges on an undecided Block that runs before anything that could admit the request. */
  undecidedBlock?: boolean;
  /** Denied before sign-in while a policy could still admit after sign-in: nothing the data shows refused it. */
  preLoginGap?: boolean;
}

/** What the row cannot show when the replay admits a request Access refused. */
export const ROW_BLIND_SPOTS = [
  'policy changes since the request (the replay uses the current policies)',
  'independent MFA, purpose justification or approval screens',
  'session or identity errors ("Invalid session")',
  'a wrong or rotated service-token secret',
];

function unknownRules(result: PolicyResult): RuleResult[] {
  return (['include', 'require', 'exclude'] as const)
    .filter((c) => result.clauses[c].verdict === 'unknown')
    .flatMap((c) => result.clauses[c].results.filter((r) => r.verdict === 'unknown'));
}

function failingCount(result: PolicyResult): number {
  const c = result.clauses;
  return (
    (c.include.verdict === 'no_match' ? 1 : 0) +
    c.require.results.filter((r) => r.verdict !== 'match').length +
    c.exclude.results.filter((r) => r.verdict !== 'no_match').length
  );
}

/**
 * Closest policy first: Include met beats Include undecided beats Include missed (notes a8 ranking);
 * then the action that fits the request (Service Auth for a token request, Allow otherwise); then a
 * definite miss before an undecided one; then fewer failing rules; then Access's order.
 */
function rankCandidates(results: PolicyResult[], facts: RuleScope): PolicyResult[] {
  const includeRank: Record<Verdict, number> = { match: 0, unknown: 1, no_match: 2 };
  const actionRank: Record<PolicyDecision, number> = facts.tokenRequest
    ? { non_identity: 0, bypass: 1, allow: 2, deny: 3 }
    : { allow: 0, non_identity: 1, bypass: 2, deny: 3 };
  const key = (r: PolicyResult) => [
    includeRank[r.clauses.include.verdict],
    actionRank[r.policy.decision],
    r.verdict === 'no_match' ? 0 : 1,
    failingCount(r),
    r.order,
  ];
  return [...results].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const diff = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

function causeOf(result: PolicyResult): CauseCode {
  if (result.note) return 'service_token_wrong_action';
  if (conflictOf(result)) return 'require_unsatisfiable';
  const d = result.decisive;
  if (!d) return 'undetermined';
  if (result.verdict === 'unknown') return d.result.cause ?? 'undetermined';
  if (d.clause === 'exclude') return 'excluded_by_rule';
  return d.result.cause ?? (d.clause === 'include' ? 'not_in_include' : 'undetermined');
}

function secondaryOf(view: View, result: PolicyResult, primary: CauseCode): SecondaryCause[] {
  const out = new Set<SecondaryCause>();
  if (primary === 'mtls_missing' && view.event.hasGatewayEnabled)
    out.add('gateway_http_inspection_breaks_mtls');
  const decisive = result.decisive?.result;
  for (const r of result.clauses.require.results) {
    if (r !== decisive && r.verdict === 'no_match' && r.cause) out.add(r.cause);
  }
  for (const r of result.clauses.exclude.results) {
    if (r !== decisive && r.verdict === 'match') out.add('excluded_by_rule');
  }
  out.delete(primary);
  return [...out];
}

function union<T>(...lists: T[][]): T[] {
  return [...new Set(lists.flat())];
}

export function idpNames(view: View, ids: readonly string[]): string {
  return ids
    .map((id) => view.context.identityProviders.find((i) => i.id === id)?.name ?? id)
    .map((name) => `'${name}'`)
    .join(' or ');
}

/** The login went through an IdP outside the app's `allowed_idps`; undefined when fine or unknowable. */
function disallowedIdp(view: View): string | undefined {
  const { app, facts } = view;
  if (app.allowedIdps.length === 0 || facts.login.kind !== 'resolved') return undefined;
  const idps = facts.login.idps;
  if (idps.some((idp) => app.allowedIdps.includes(idp.id))) return undefined;
  const first = idps[0];
  return first ? `'${first.name}' (${first.type})` : undefined;
}

/** The conflict's rule to name as failed: one that does fail for this request, when one does. */
function failingConflictRule(view: View, result: PolicyResult, conflict: RequireConflict) {
  const fails = (rule: Rule) =>
    evaluateRule(rule, view.event, view.context, result.policy.decision).verdict === 'no_match';
  return fails(conflict.second.rule) || !fails(conflict.first.rule) ? conflict.second : conflict.first;
}

/** A finding for one policy, with where its deciding rule lives. */
function findingFor(
  view: View,
  result: PolicyResult,
  base: Omit<Finding, 'cause' | 'determinable' | 'needs'>,
) {
  const cause = causeOf(result);
  const unsat = cause === 'require_unsatisfiable' ? conflictOf(result) : undefined;
  let decisive = result.decisive;
  let blame = decisive ? blameOf(decisive) : undefined;
  if (unsat && result.conflict) {
    // Name the conflicting rule itself (through its groups), not whichever rule the replay met first.
    const named = failingConflictRule(view, result, unsat.conflict);
    const results = result.clauses[named.at.clause].results;
    const top = named.at.path[0]
      ? results.find((r) => r.rule.kind === 'group' && r.rule.groupId === named.at.path[0]?.groupId)
      : results.find((r) => r.rule === named.rule);
    if (top) {
      decisive = { clause: named.at.clause, result: top };
      const leafClause = named.at.path[named.at.path.length - 1]?.clause ?? named.at.clause;
      const leaf = evaluateRule(named.rule, view.event, view.context, result.policy.decision);
      blame = { top: decisive, leaf: { clause: leafClause, result: leaf }, at: named.at };
    }
  }
  return {
    ...base,
    cause,
    policy: result,
    ...(decisive ? { decisive } : {}),
    ...(blame ? { blame } : {}),
    ...(unsat ? { conflict: unsat.conflict, ...(unsat.group ? { conflictGroup: unsat.group } : {}) } : {}),
  };
}

/** An undecided Block whose open questions are about the request's context, which Access checks before login. */
function actsBeforeLogin(result: PolicyResult): boolean {
  return (
    result.policy.decision === 'deny' &&
    result.verdict === 'unknown' &&
    unknownRules(result).every((u) => u.category !== 'identity')
  );
}

function contextBlocks(view: View): PolicyResult[] {
  return view.replay.results.filter(actsBeforeLogin);
}

/** The policy, rule and cause that explain a denial (see the README's decision order). */
export function findDenial(view: View): Finding {
  const { replay, facts, event } = view;
  const base = { secondary: [], evidence: [], replayDisagrees: false };

  const idp = disallowedIdp(view);
  if (idp) {
    return {
      ...base,
      cause: 'idp_not_allowed',
      determinable: true,
      needs: [],
      evidence: [
        {
          label: 'Identity provider not allowed',
          detail: `The login used ${idp}; the app accepts only ${idpNames(view, view.app.allowedIdps)}.`,
          field: 'identityProvider',
        },
      ],
    };
  }

  const decider = replay.decider;
  if (decider && decider.policy.decision === 'deny') {
    // Anything undecided ahead of it did not admit the request (the row says denied), so the Block decided.
    return {
      ...base,
      cause: 'block_policy_matched',
      policy: decider,
      ...(decider.decisive ? { decisive: decider.decisive, blame: blameOf(decider.decisive) } : {}),
      determinable: true,
      needs: [],
    };
  }

  if (decider) {
    // The replay admits the request; the row says Access refused it.
    // Without a sign-in, a Block undecided only on identity rules cannot have acted.
    const blocker = replay.pending.find(
      (p) => p.policy.decision === 'deny' && (!isNonIdentityEvent(event) || actsBeforeLogin(p)),
    );
    if (blocker) {
      // The Block refused it only if its undecided rule holds: name that rule and the data it needs.
      return {
        ...findingFor(view, blocker, base),
        determinable: false,
        needs: blocker.needs,
        undecidedBlock: true,
      };
    }
    if (decider.gates.includes('independent_mfa')) {
      // The policy admits the request, then asks for Access's own MFA: the row cannot show the outcome.
      return {
        ...base,
        cause: 'independent_mfa_required',
        policy: decider,
        ...(decider.decisive ? { decisive: decider.decisive, blame: blameOf(decider.decisive) } : {}),
        determinable: false,
        needs: ['independent_mfa_result'],
      };
    }
    const gates = decider.gates.filter((g) => g === 'approval' || g === 'purpose_justification');
    if (gates.length > 0) {
      return {
        ...base,
        cause: 'approval_pending_or_denied',
        policy: decider,
        ...(decider.decisive ? { decisive: decider.decisive, blame: blameOf(decider.decisive) } : {}),
        determinable: false,
        needs: ['temporary_access_approval'],
      };
    }
    return {
      ...base,
      cause: 'undetermined',
      policy: decider,
      ...(decider.decisive ? { decisive: decider.decisive, blame: blameOf(decider.decisive) } : {}),
      determinable: false,
      needs: [],
      extraNeeds: ROW_BLIND_SPOTS,
      replayDisagrees: true,
    };
  }

  const couldAdmit = replay.results.filter((r) => effectOf(r.policy.decision) === 'allowed');
  if (couldAdmit.length === 0) {
    return { ...base, cause: 'no_allow_policy', determinable: true, needs: [] };
  }

  // Without a sign-in (before login, or a service-token request) Access only checked non-identity
  // attributes; a policy undecided only on identity rules would have led to a login prompt, not to
  // this row, so it does not cloud the answer.
  const signedOut = isNonIdentityEvent(event);
  const identityOnly = (r: PolicyResult) => unknownRules(r).every((u) => u.category === 'identity');
  const undecided = couldAdmit.filter((r) => r.verdict === 'unknown' && !(signedOut && identityOnly(r)));
  const missed = couldAdmit.filter((r) => r.verdict === 'no_match');

  if (facts.preLogin) {
    // Before login only policies that can act before login decide. An Allow that needs only the
    // identity would have led to a sign-in prompt, so if one exists, what refused the request must be
    // a Block on the request's context — or something the row cannot show.
    const wouldPrompt = couldAdmit.filter((r) => r.verdict === 'unknown' && identityOnly(r));
    const block = wouldPrompt.length > 0 ? contextBlocks(view)[0] : undefined;
    if (block) {
      return {
        ...findingFor(view, block, base),
        determinable: false,
        needs: block.needs,
        undecidedBlock: true,
      };
    }
    // No Block can have refused it and no policy failed on the request's context: the identity rules
    // left cannot explain a refusal before sign-in, so say that instead of asking for the user.
    if (wouldPrompt.length > 0 && missed.length + undecided.length === 0) {
      const first = rankCandidates(wouldPrompt, facts)[0];
      return {
        ...base,
        cause: 'undetermined',
        ...(first ? { policy: first } : {}),
        ...(first?.decisive ? { decisive: first.decisive, blame: blameOf(first.decisive) } : {}),
        determinable: false,
        needs: [],
        extraNeeds: ROW_BLIND_SPOTS,
        replayDisagrees: true,
        preLoginGap: true,
      };
    }
  }

  if (!facts.preLogin && !facts.tokenRequest && !facts.email) {
    const blockedOnEmail = undecided.filter((r) => r.needs.includes('user_email'));
    const first = rankCandidates(blockedOnEmail, facts)[0];
    if (first) {
      const rule = unknownRules(first).find((u) => u.needs.includes('user_email'));
      const clause = (['include', 'require', 'exclude'] as const).find((c: ClauseName) =>
        first.clauses[c].results.some((r) => r === rule),
      );
      const decisive = rule && clause ? { clause, result: rule } : undefined;
      return {
        ...base,
        cause: 'needs_user_identity',
        policy: first,
        ...(decisive ? { decisive, blame: blameOf(decisive) } : {}),
        determinable: false,
        needs: union(['user_email'], ...undecided.map((r) => r.needs)),
      };
    }
  }

  // Without a sign-in, the identity gaps of a policy are not what stopped the request.
  const gapsOf = (r: PolicyResult): NeedCode[] => {
    if (!signedOut) return r.needs;
    const own = unknownRules(r).filter((u) => u.category !== 'identity');
    return own.length > 0 ? union(...own.map((u) => u.needs)) : r.needs;
  };
  const pool = missed.length + undecided.length > 0 ? [...missed, ...undecided] : couldAdmit;
  const primary = rankCandidates(pool, facts)[0];
  if (!primary) return { ...base, cause: 'undetermined', determinable: false, needs: [] };
  const found = findingFor(view, primary, base);
  const determinable = undecided.length === 0 && primary.verdict === 'no_match';
  return {
    ...found,
    determinable,
    needs: determinable ? [] : union(gapsOf(primary), ...undecided.map(gapsOf)),
    secondary: secondaryOf(view, primary, found.cause),
    replayDisagrees: primary.verdict === 'unknown' && undecided.length === 0 && !event.isSuccessfulLogin,
  };
}
