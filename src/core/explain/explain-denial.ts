import { type AccessLoginEvent, isNonIdentityEvent, type ResolvedNames } from '../access-event.js';
import type { Evidence, PolicyExplanation, PolicyVerdict, RuleRef } from '../explanation.js';
import { effectOf, evaluatePolicies, type PolicyResult } from '../policy/evaluate-policies.js';
import { ruleValue, ruleValueName, specOf } from '../policy/rule-catalogue.js';
import type { DecisiveRule, Verdict } from '../policy/rule-result.js';
import { createReplayBudget, createRuleScope } from '../policy/rule-scope.js';
import type { AccessApp, PolicyContext } from '../policy/types.js';
import { type Blame, blameOf } from './blame.js';
import { ACTION, adminFixFor, summaryFor, userMessageFor, verdictLine } from './denial-wording.js';
import { collectDenialEvidence } from './explain-event.js';
import { type Finding, findDenial, type View } from './find-denial.js';
import { inline, locationWords, pathAppNote, q } from './finding-words.js';
import { NEED_TEXT } from './need-text.js';

// Assembly: replay the policies, decide the cause (find-denial), put it into words (denial-wording)
// and build the explanation the renderers show.

export type { PolicyExplanation, PolicyVerdict, RuleRef, SecondaryCause } from '../explanation.js';

const ICON: Record<Verdict, PolicyVerdict['icon']> = { match: '✅', no_match: '❌', unknown: '❔' };

function ruleRef(policy: PolicyResult, top: DecisiveRule, context: PolicyContext, blame?: Blame): RuleRef {
  const r = top.result;
  const value = ruleValue(r.rule);
  const valueName = ruleValueName(r.rule, context);
  const ref: RuleRef = {
    policy: policy.policy.name,
    ruleType: top.clause,
    selector: r.rule.kind,
    ...(value !== undefined ? { value } : {}),
    ...(r.group?.name ? { group: r.group.name } : {}),
    ...(r.postureType ? { postureType: r.postureType } : {}),
    ...(valueName ? { valueName } : {}),
  };
  if (!blame || blame.at.path.length === 0) return ref;
  const leaf = blame.leaf;
  const leafValue = ruleValue(leaf.result.rule);
  const leafName = ruleValueName(leaf.result.rule, context);
  return {
    ...ref,
    // A rule of a nested group: the top-level group is the policy's rule; the path leads to the leaf.
    ...(blame.at.path[0] ? { group: blame.at.path[0].groupName } : {}),
    path: blame.at.path.map((s) => ({ group: s.groupName, clause: s.clause })),
    inner: {
      ruleType: leaf.clause,
      selector: leaf.result.rule.kind,
      ...(leafValue !== undefined ? { value: leafValue } : {}),
      ...(leafName ? { valueName: leafName } : {}),
      ...(leaf.result.postureType ? { postureType: leaf.result.postureType } : {}),
    },
  };
}

function toPolicyVerdict(result: PolicyResult): PolicyVerdict {
  return {
    policyId: result.policy.id,
    policy: result.policy.name,
    action: ACTION[result.policy.decision],
    decision: result.policy.decision,
    precedence: result.policy.precedence,
    order: result.order,
    status: result.verdict,
    icon: ICON[result.verdict],
    reached: result.reached,
    reason: verdictLine(result),
  };
}

const CLAUSE_LABEL = { include: 'Include', require: 'Require', exclude: 'Exclude' } as const;

/** The deciding rule as evidence, labelled with where it lives (policy clause, then each group). */
function ruleEvidence(result: PolicyResult, decisive: DecisiveRule, blame?: Blame): Evidence {
  if (blame && blame.at.path.length > 0) {
    const leaf = blame.leaf.result;
    return {
      label: `${CLAUSE_LABEL[blame.leaf.clause]} rule, ${locationWords(blame.at, result.policy.name).replace(/^the [A-Z][a-z]+ of /, 'in ')}`,
      detail: leaf.reason,
      ...(leaf.field ? { field: leaf.field } : {}),
    };
  }
  const r = decisive.result;
  return {
    label: `${CLAUSE_LABEL[decisive.clause]} rule of ${q(result.policy.name)}`,
    detail: r.reason,
    ...(r.field ? { field: r.field } : {}),
  };
}

function baseEvidence(view: View, f: Finding): Evidence[] {
  const row = collectDenialEvidence(view.event);
  const pick = (label: string) => row.filter((e) => e.label === label);
  const out: Evidence[] = [...f.evidence];
  if (f.policy && f.decisive) out.push(ruleEvidence(f.policy, f.decisive, f.blame));
  if (f.conflict && f.policy) {
    const spec = (side: typeof f.conflict.first) =>
      `${specOf(side.rule).describe(side.rule, view.context)} (${locationWords(side.at, f.policy?.policy.name ?? '')})`;
    out.push({
      label: 'Rules that can never both hold',
      detail: `${spec(f.conflict.first)} and ${spec(f.conflict.second)}.`,
    });
  }
  if (f.policy) {
    for (const r of f.policy.clauses.require.results) {
      if (r !== f.decisive?.result && r.verdict === 'no_match') {
        out.push(ruleEvidence(f.policy, { clause: 'require', result: r }));
      }
    }
  }
  out.push(...row.slice(0, 1));
  if (view.event.hasExistingJwt) out.push(...pick('Existing session'));
  if (f.secondary.includes('gateway_http_inspection_breaks_mtls')) {
    out.push({
      label: 'Behind Gateway',
      detail: 'Gateway HTTP inspection cannot present client certificates to mTLS-protected hosts.',
      field: 'hasGatewayEnabled',
    });
  }
  const note = f.cause === 'not_in_include' ? pathAppNote(view) : undefined;
  if (note) out.push({ label: 'Separate path app', detail: note });
  if (f.replayDisagrees) {
    out.push({
      label: 'Replay disagrees',
      detail:
        f.policy?.verdict === 'match'
          ? `Access refused the request, yet the current policies admit it through ${q(f.policy.policy.name)}.`
          : 'Access refused the request before sign-in, yet a policy could still admit it after sign-in; the row cannot show why it stopped there.',
      field: 'isSuccessfulLogin',
    });
  }
  for (const pending of view.replay.pending) {
    if (pending !== f.policy) {
      out.push({ label: `Undecided: ${q(pending.policy.name)}`, detail: verdictLine(pending) });
    }
  }
  out.push(...pick('Origin'));
  return out;
}

function explainDenied(view: View): PolicyExplanation {
  const f = findDenial(view);
  // A policy that matched (a Block, or an Allow the row contradicts) names the rule that made it match.
  const refKey = f.policy?.verdict === 'match' ? 'matchedRule' : 'failedRule';
  const ref =
    f.policy && f.decisive ? { [refKey]: ruleRef(f.policy, f.decisive, view.context, f.blame) } : {};
  const needs = [...f.needs.map((n) => NEED_TEXT[n]), ...(f.extraNeeds ?? [])];
  return {
    decision: 'denied',
    cause: f.cause,
    summary: summaryFor(view, f),
    evidence: baseEvidence(view, f),
    adminFix: adminFixFor(view, f),
    userMessage: userMessageFor(view, f),
    determinable: f.determinable,
    needs: f.determinable ? [] : needs,
    ...(f.policy ? { policy: f.policy.policy.name } : {}),
    policies: view.replay.results.map(toPolicyVerdict),
    ...ref,
    ...(f.secondary.length > 0 ? { secondaryCauses: f.secondary } : {}),
    needCodes: f.determinable ? [] : f.needs,
    replayedDecision: view.replay.decision,
    replayDisagrees: f.replayDisagrees,
  };
}

function explainAllowed(view: View): PolicyExplanation {
  const { event, replay, app } = view;
  const approving = event.approvingPolicyId
    ? replay.results.find((r) => r.policy.id === event.approvingPolicyId)
    : undefined;
  const decider =
    replay.decider && effectOf(replay.decider.policy.decision) === 'allowed' ? replay.decider : undefined;
  const chosen = approving ?? decider;
  const evidence: Evidence[] = [];
  if (approving) {
    evidence.push({
      label: 'Approved by',
      detail: `${ACTION[approving.policy.decision]} policy ${q(approving.policy.name)} approved the request.`,
      field: 'approvingPolicyId',
    });
  } else if (event.approvingPolicyId) {
    evidence.push({
      label: 'Approved by',
      detail: `Policy ${event.approvingPolicyId} approved the request; it is not among ${q(app.name)}'s current policies (changed since, or a reusable policy not fetched).`,
      field: 'approvingPolicyId',
    });
  } else {
    evidence.push({
      label: 'Allowed',
      detail:
        'The row records a successful login without an approving policy id (usual for service-token requests).',
      field: 'isSuccessfulLogin',
    });
  }
  const matched = chosen?.verdict === 'match' && chosen.decisive ? chosen.decisive : undefined;
  const blame = matched ? blameOf(matched) : undefined;
  if (chosen && matched) evidence.push(ruleEvidence(chosen, matched, blame));
  const disagrees = replay.decision === 'denied';
  if (disagrees) {
    evidence.push({
      label: 'Replay disagrees',
      detail:
        'Replaying the current policies would deny this request: the policies may have changed since, or the row lacks data the replay needs.',
    });
  }
  const name = chosen ? ` by ${ACTION[chosen.policy.decision]} policy ${q(chosen.policy.name)}` : '';
  const because = matched ? ` (${inline(matched.result.reason)})` : '';
  return {
    decision: 'allowed',
    cause: 'allowed',
    summary: `Access allowed ${view.who} into ${view.appLabel}${name}${because}.`,
    evidence,
    adminFix:
      "Nothing to change in Access: it let this request through. A 403 after that comes from behind Access — cloudflared's audTag check, a WAF rule, or the origin itself.",
    userMessage: `Access let you into ${view.appLabel}; any error came from the application behind it. IT will follow up with its owners.`,
    determinable: true,
    needs: [],
    ...(chosen ? { policy: chosen.policy.name } : {}),
    policies: replay.results.map(toPolicyVerdict),
    ...(chosen && matched ? { matchedRule: ruleRef(chosen, matched, view.context, blame) } : {}),
    needCodes: [],
    replayedDecision: replay.decision,
    replayDisagrees: disagrees,
  };
}

/** Adds what the directory resolved (the user's email) when the context lacks it. */
function withNames(event: AccessLoginEvent, context: PolicyContext, names: ResolvedNames): PolicyContext {
  if (context.user?.email || !names.userEmail) return context;
  return {
    ...context,
    user: { ...(event.userUuid ? { id: event.userUuid } : {}), ...context.user, email: names.userEmail },
  };
}

/**
 * Explains one login row by replaying the app's policies: the deciding (or closest) policy, the rule
 * that kept the request out with the field that proves it, a fix, a user message, and what is missing
 * when the row and the lookups cannot decide.
 */
export function explainLogin(
  event: AccessLoginEvent,
  app: AccessApp,
  context: PolicyContext,
  names: ResolvedNames = {},
): PolicyExplanation {
  const ctx = withNames(event, context, names);
  const budget = createReplayBudget();
  const replay = evaluatePolicies(event, app, ctx, budget);
  const facts = createRuleScope(event, ctx, 'allow', budget);
  const appLabel = names.appName ?? app.name;
  const token = facts.tokenRequest
    ? ctx.serviceTokens.find((t) => t.id === event.serviceTokenId || t.clientId === event.serviceTokenId)
    : undefined;
  const who =
    facts.email?.value ??
    (facts.tokenRequest
      ? `a client using service token ${token ? q(token.name) : event.serviceTokenId}`
      : isNonIdentityEvent(event)
        ? 'a request without a signed-in user'
        : `user ${event.userUuid.slice(0, 8)}…`);
  const view: View = { event, app, context: ctx, replay, facts, appLabel, who };
  return event.isSuccessfulLogin ? explainAllowed(view) : explainDenied(view);
}
