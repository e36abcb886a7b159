import { isNonIdentityEvent } from '../access-event.js';
import type { PolicyResult } from '../policy/evaluate-policies.js';
import { describeRule, ruleValueName } from '../policy/rule-catalogue.js';
import type { PolicyDecision } from '../policy/types.js';
import { type Finding, idpNames, ROW_BLIND_SPOTS, type View } from './find-denial.js';
import {
  CLAUSE,
  conflictWords,
  DIMENSION,
  fixTarget,
  groupLocation,
  includeSummary,
  inline,
  innerGroup,
  leafReason,
  leafRule,
  mustHold,
  pathAppNote,
  phase,
  q,
  throughGroups,
} from './finding-words.js';

// The words of a denial: summary, admin fix and user message per cause. Each is an exhaustive switch
// with no default, so a new cause code fails to compile until it has its own text in all three.

export const ACTION: Record<PolicyDecision, 'Allow' | 'Block' | 'Service Auth' | 'Bypass'> = {
  allow: 'Allow',
  deny: 'Block',
  non_identity: 'Service Auth',
  bypass: 'Bypass',
};

/** One line per policy: why this status. */
export function verdictLine(result: PolicyResult): string {
  const d = result.decisive?.result.reason;
  let line: string;
  if (result.note) line = result.note;
  else if (result.conflict) line = 'Can never match: two of its rules cannot both hold.';
  else if (result.verdict === 'match') line = `Matched: ${d ?? 'its rules hold.'}`;
  else if (result.verdict === 'unknown') line = `Undecided: ${d ?? 'some rules need more data.'}`;
  else if (result.decisive?.clause === 'exclude') line = `Excluded: ${d ?? 'an Exclude rule hit.'}`;
  else if (result.decisive?.clause === 'include') line = `Include not met: ${d ?? 'no Include rule holds.'}`;
  else line = `Require not met: ${d ?? 'a Require rule fails.'}`;
  return result.reached ? line : `Not reached (an earlier policy decided). ${line}`;
}

/** "…, and the only policy that can have refused it is Block 'X', which matches only if …". */
function undecidedBlockSummary(view: View, f: Finding, lead: string): string {
  const p = f.policy ? q(f.policy.policy.name) : 'a Block policy';
  const rule = leafRule(f);
  const words = rule ? describeRule(rule, view.context) : 'one of its rules';
  const condition = mustHold(f) ? `only if ${words} holds` : `unless ${words} holds`;
  return `Undetermined: ${lead}, and the only policy that can have refused it is Block policy ${p}, which matches ${condition} — the data at hand cannot tell: ${inline(leafReason(f))}.`;
}

/** The authenticators the deciding policy's (or the app's) independent MFA accepts, in words. */
function mfaMethods(view: View, f: Finding): string {
  const methods = (f.policy?.policy.mfa ?? view.app.mfa)?.allowedAuthenticators ?? [];
  const words: Record<string, string> = {
    totp: 'an authenticator app',
    biometrics: 'biometrics',
    security_key: 'a security key',
  };
  return methods.length > 0 ? methods.map((m) => words[m] ?? m).join(', ') : 'any allowed authenticator';
}

export function summaryFor(view: View, f: Finding): string {
  const p = f.policy ? q(f.policy.policy.name) : '';
  // The reason follows a full stop in the summary: start it as a sentence.
  const reason = leafReason(f).replace(/^[a-z]/, (c) => c.toUpperCase());
  const rule = leafRule(f);
  const words = rule ? describeRule(rule, view.context) : '';
  const lead = `Access denied ${view.who} at ${view.appLabel}${phase(view)}`;
  if (f.undecidedBlock) return undecidedBlockSummary(view, f, lead);
  const verb = f.decisive?.clause === 'include' ? 'admits' : 'requires';
  const generic = (): string => {
    const nested = throughGroups(f, f.determinable ? 'does not hold' : 'is undecided');
    if (!f.determinable) {
      return nested
        ? `Undetermined: ${view.who} was denied at ${view.appLabel}${phase(view)}; the closest policy ${p} ${verb} ${nested}.`
        : `Undetermined: ${view.who} was denied at ${view.appLabel}${phase(view)}; the closest policy ${p} ${verb} ${words}. ${reason}`;
    }
    if (nested) return `${lead}: policy ${p} ${verb} ${nested}.`;
    if (f.decisive?.clause === 'include' && f.policy) {
      const note = f.cause === 'not_in_include' ? pathAppNote(view) : undefined;
      return `${lead}: policy ${p} admits only ${includeSummary(f.policy, view)}. ${reason}${note ? ` ${note}` : ''}`;
    }
    return `${lead}: policy ${p} ${verb} ${words}. ${reason}`;
  };
  switch (f.cause) {
    case 'allowed':
      return `Access allowed ${view.who} into ${view.appLabel}.`;
    case 'idp_not_allowed':
      return `${lead}: ${f.evidence[0]?.detail ?? 'the identity provider is not allowed for this app.'}`;
    case 'no_allow_policy':
      return `${lead}: the app has no Allow, Service Auth or Bypass policy (only Block policies, none of which decided), and Access denies anything not explicitly allowed.`;
    case 'block_policy_matched':
      return `${lead}: Block policy ${p} (number ${f.policy?.order ?? '?'} in evaluation order) matched because ${inline(f.decisive?.result.reason ?? reason)}. Access stops at the first Allow or Block policy that matches, so nothing after it ran.`;
    case 'independent_mfa_required':
      return `${lead}, likely at the MFA step: policy ${p} matches (${inline(reason)}) but then asks for Access's own MFA (${mfaMethods(view, f)}), and the login row cannot show whether it was completed.`;
    case 'approval_pending_or_denied':
      return `${lead}, likely without approval: policy ${p} matches (${inline(reason)}) but requires ${
        f.policy?.policy.approvalRequired ? 'an approver to grant each session' : 'a purpose justification'
      }, and the login row cannot show whether that happened.`;
    case 'undetermined':
      if (f.preLoginGap) {
        return `${lead}, yet no policy that acts before sign-in refuses it: ${p ? `policy ${p} would only have asked for a sign-in` : 'the Allow policies would only have asked for a sign-in'}, and the row cannot show what else stopped it.`;
      }
      if (f.replayDisagrees && f.policy) {
        return `${lead}, yet replaying the current policies admits it through ${ACTION[f.policy.policy.decision]} policy ${p} (${inline(reason)}). The login row cannot show what else refused it.`;
      }
      return `${lead}; the closest policy is ${p || 'unknown'}, and the data at hand cannot decide it: ${reason}`;
    case 'excluded_by_rule':
      return throughGroups(f, 'matches')
        ? `${lead}: policy ${p} excludes ${throughGroups(f, 'matches')}.`
        : `${lead}: policy ${p} excludes ${words}, and ${inline(reason)}.`;
    case 'excluded_by_group': {
      const group = innerGroup(f);
      const where = (f.blame?.at.path.length ?? 0) > 1 ? ` (in ${groupLocation(f)})` : '';
      return `${lead}: policy ${p} ${verb} rule group ${q(group ?? '?')}${where}, and that group's own Exclude (${words}) applies: ${inline(reason)}.`;
    }
    case 'require_unsatisfiable':
      return `${lead} by configuration: ${conflictWords(view, f)} can never both hold — a request has ${
        f.conflict ? DIMENSION[f.conflict.dimension] : 'one value of each'
      }, and Require rules are ANDed — so policy ${p} can never match any request. ${reason}`;
    case 'service_token_wrong_action':
      return `${lead}: ${f.policy?.note ?? `policy ${p} accepts service tokens but its action is ${ACTION[f.policy?.policy.decision ?? 'allow']}, so Access asks for an identity-provider login instead (strict service-token mode ignores Allow policies).`}`;
    case 'country_not_allowed':
    case 'ip_not_allowed':
    case 'not_in_include':
    case 'mtls_missing':
    case 'mtls_common_name_mismatch':
    case 'warp_required':
    case 'gateway_required':
    case 'device_posture_unknown':
    case 'device_posture_failed':
    case 'needs_idp_group_data':
    case 'idp_group_wrong_idp':
    case 'login_method_mismatch':
    case 'mfa_requirement_not_met':
    case 'auth_method_unknown':
    case 'service_token_missing':
    case 'service_token_not_authorized':
    case 'service_token_expired':
    case 'external_evaluation_unknown':
    case 'needs_user_identity':
      return generic();
  }
}

/** "add X to Y" for a user missing from an Include, by the kind of rule that missed. */
function addTo(view: View, f: Finding): string {
  const rule = leafRule(f);
  if (rule?.kind === 'email_list') {
    return `add them to ${describeRule(rule, view.context).replace(/^the addresses in /, '')}`;
  }
  if (rule?.kind === 'group') return `add them to ${describeRule(rule, view.context)}`;
  if (innerGroup(f)) return `add them to the ${CLAUSE[f.blame?.leaf.clause ?? 'include']} of ${fixTarget(f)}`;
  const today = f.policy ? ` (today it admits ${includeSummary(f.policy, view)})` : '';
  return `add them to the Include of ${f.policy ? q(f.policy.policy.name) : 'the policy'}${today}`;
}

/** For a verdict that hinges on an undecided Block: what to check, then what to change. */
function blockCheck(f: Finding): string {
  const p = f.policy ? q(f.policy.policy.name) : 'the Block policy';
  return ` If it ${mustHold(f) ? 'holds' : 'does not hold'}, Block policy ${p} refused the request: narrow it or add an Exclude for this case.`;
}

export function adminFixFor(view: View, f: Finding): string {
  const p = f.policy ? q(f.policy.policy.name) : 'the policy';
  const leaf = leafRule(f);
  const rule = leaf ? describeRule(leaf, view.context) : 'the rule';
  const target = fixTarget(f);
  const { event, app } = view;
  const then = f.undecidedBlock ? blockCheck(f) : '';
  switch (f.cause) {
    case 'allowed':
      return "Nothing to change in Access: it let this request through. A 403 after that comes from behind Access — cloudflared's audTag check, a WAF rule, or the origin itself.";
    case 'idp_not_allowed':
      return `If this identity provider should be accepted, add it to the allowed identity providers of ${q(app.name)}; otherwise users must sign in with ${idpNames(view, app.allowedIdps)}.`;
    case 'no_allow_policy':
      return 'Add an Allow (or Service Auth) policy for the people or machines that should get in: Access is deny-by-default and Block policies never admit anyone.';
    case 'block_policy_matched':
      return `If this request should get in, narrow Block policy ${p} or add an Exclude for it, or move the admitting Allow policy above it: Allow and Block policies run top to bottom and the first match wins.`;
    case 'country_not_allowed':
      return `If ${event.country || 'this country'} should be allowed, add it to ${target}. To allow several countries, put them in a rule group's Include and require that group (values inside a Require are ANDed).`;
    case 'ip_not_allowed':
      return `If ${event.ipAddress || 'this network'} should be trusted, add it to ${
        leaf?.kind === 'ip_list' ? rule.replace(/^an IP in /, '') : `the IP rule of ${target}`
      }; or key the rule on WARP/device posture instead of the source IP.${
        event.hasExistingJwt
          ? ' IP rules are re-checked on every request, so changing networks ends a live session.'
          : ''
      }`;
    case 'excluded_by_rule':
      return innerGroup(f)
        ? `Policy ${p} excludes everyone rule group ${q(innerGroup(f) ?? '')} matches; remove or narrow the rule (${rule}) in that group, or drop the group from the policy's Exclude, if this request should get in.`
        : `Remove or narrow the Exclude rule (${rule}) in ${p} if this request should get in; otherwise it works as configured.`;
    case 'excluded_by_group':
      return `The Exclude rule (${rule}) sits in ${target}, not in the policy: remove or narrow it there if this request should get in (other policies using that group change too), or require a different group in ${p}.`;
    case 'not_in_include':
      return `If ${view.who} should have access, ${addTo(view, f)}, or to a policy that admits them.${
        pathAppNote(view)
          ? ' Path-specific apps do not inherit the parent app’s policies: repeat the rule there.'
          : ''
      }`;
    case 'require_unsatisfiable':
      return f.conflictGroup
        ? `Fix rule group ${q(f.conflictGroup)}: ${conflictWords(view, f)} are ANDed and can never both hold. Put the alternatives in one Include (of the group, or of a new group that the policy requires) instead.`
        : `In policy ${p}, merge the alternatives into one Include — put them in a rule group's Include and require that group: ${conflictWords(view, f)} are ANDed and can never both hold.`;
    case 'mtls_missing':
      return `Install a client certificate issued by the account's mTLS CA on the device, and check that ${app.domain || 'the hostname'} is among that CA's associated hostnames.${
        event.hasGatewayEnabled
          ? ` The device was behind Gateway (hasGatewayEnabled 1): Gateway HTTP inspection cannot pass client certificates to mTLS-protected hosts, so add a Do Not Inspect rule for ${app.domain || 'the host'}.`
          : ''
      }`;
    case 'mtls_common_name_mismatch':
      return `Issue the client a certificate with an approved common name, or add ${event.mtlsCommonName || 'its common name'} to ${target}.`;
    case 'warp_required':
      return 'Have the user install and connect the Cloudflare One (WARP) client enrolled in your organization.';
    case 'gateway_required':
      return 'Enrol the device in your Zero Trust organization (WARP logged in to your team, not consumer 1.1.1.1 mode) so its traffic passes through your Gateway.';
    case 'device_posture_failed':
      return `Get the device to pass ${rule} (see Logs › Posture for the expected and received values), or relax the check in ${target}.`;
    case 'device_posture_unknown':
      return `Check the posture result of ${rule} for device ${event.deviceId || '(unknown)'} in Logs › Posture or the user's last-seen identity.${then}`;
    case 'needs_idp_group_data':
      return `Check ${view.who}'s identity-provider groups (Access policy tester, or the user's last-seen identity) against ${rule} in ${target}.${then}`;
    case 'idp_group_wrong_idp':
    case 'login_method_mismatch':
      return `Tell the user to sign in with the identity provider ${target} checks (${rule}); if other sign-ins should count, add a rule for them.`;
    case 'mfa_requirement_not_met':
      return `The user must sign in through an identity provider that reports MFA (Okta, Entra ID, OIDC or SAML) and use MFA there, or drop the authentication-method rule from ${target}.`;
    case 'auth_method_unknown':
      return `Check the identity provider's sign-in log for this login to see whether MFA (${rule}) was used.${then}`;
    case 'service_token_missing':
      return `This app takes machine clients: they must send CF-Access-Client-Id and CF-Access-Client-Secret for ${rule}. Browsers and people cannot use it.`;
    case 'service_token_not_authorized':
      return `Add the presented token to ${target} if this client should get in, or configure the client with ${rule}.`;
    case 'service_token_expired':
      return 'Refresh or rotate the service token (or re-enable it) in Access › Service credentials and update the client with the new credentials.';
    case 'service_token_wrong_action':
      return `Change the action of policy ${p} to Service Auth: service-token selectors only authenticate in Service Auth policies.`;
    case 'external_evaluation_unknown':
      return f.undecidedBlock
        ? `Check the External Evaluation service's logs for this request.${then}`
        : `Check the External Evaluation service's logs for this request: ${p} only admits it when that API returns a signed allow.`;
    case 'needs_user_identity':
      return `Look up user ${event.userUuid || '(unknown)'} in Access › Users (or grant the bot Access: Audit Logs Read) so the email rules can be checked.${then}`;
    case 'independent_mfa_required':
      return `Check that ${view.who} has an allowed authenticator (${mfaMethods(view, f)}) enrolled and completed the MFA prompt after sign-in; if MFA should not apply here, turn it off in ${p}'s (or the app's) MFA settings — the policy's setting wins over the app's.`;
    case 'approval_pending_or_denied': {
      const approvers = (f.policy?.policy.approvalGroups ?? []).flatMap((g) => g.emailAddresses);
      return `Check whether ${approvers.length > 0 ? approvers.join(', ') : 'an approver'} granted this session's temporary access request.`;
    }
    case 'undetermined':
      if (f.undecidedBlock || f.needs.includes('group_nesting')) {
        return `Check what is missing below for ${target}.${then}`;
      }
      return f.replayDisagrees
        ? `The current policies would admit this request, so check what the row cannot show: ${ROW_BLIND_SPOTS.join('; ')}.`
        : `Read the policies of ${q(app.name)} in Zero Trust › Access › Applications against the evidence, and fetch what is missing.`;
  }
}

export function userMessageFor(view: View, f: Finding): string {
  const app = view.appLabel;
  const { event } = view;
  const leaf = leafRule(f);
  const fallback = isNonIdentityEvent(event)
    ? `Your request to ${app} was blocked before sign-in. IT has the Ray ID and is checking which rule applied.`
    : `You signed in, but ${app} did not let you in. IT has the Ray ID and is checking which rule applied.`;
  if (f.undecidedBlock) return fallback;
  switch (f.cause) {
    case 'allowed':
      return `Access let you into ${app}; any error came from the application behind it. IT will follow up with its owners.`;
    case 'idp_not_allowed':
      return `${app} only accepts sign-in through ${idpNames(view, view.app.allowedIdps)}. Sign out and choose that option.`;
    case 'block_policy_matched':
      return `Access to ${app} is blocked for your ${f.decisive?.result.field === 'country' ? `location (${event.country})` : 'account or network'} by policy ${q(f.policy?.policy.name ?? '')}.`;
    case 'country_not_allowed':
      return `${app} is not available from ${event.country || 'your location'}. Connect through the corporate VPN or WARP, or ask IT.`;
    case 'ip_not_allowed':
      return `Your network (${event.ipAddress || 'unknown IP'}) is not an approved network for ${app}. Connect from the office or through WARP.`;
    case 'excluded_by_rule':
    case 'excluded_by_group':
      return `Your account or location is explicitly excluded from ${app}. Ask IT if you think you need access.`;
    case 'not_in_include':
      return `Your account is not on the access list for ${app}. Ask the app's owner or IT to add you.`;
    case 'require_unsatisfiable':
      return `This is a configuration problem with ${app}: nobody can get in right now. IT has been told.`;
    case 'no_allow_policy':
      return `${app} is not open to anyone yet (no policy admits users). IT has been told.`;
    case 'mtls_missing':
      return `${app} needs a device certificate, and your browser or device did not present one. Use a managed device with the certificate installed.`;
    case 'mtls_common_name_mismatch':
      return `Your certificate (${event.mtlsCommonName}) is not one of the certificates approved for ${app}.`;
    case 'warp_required':
      return `Turn on the Cloudflare One (WARP) client, then try ${app} again.`;
    case 'gateway_required':
      return 'Log the WARP client in to your company’s Zero Trust team (not personal 1.1.1.1 mode), then try again.';
    case 'device_posture_failed':
      return `Your device failed a security check required by ${app} (${leaf ? describeRule(leaf, view.context) : 'device posture'}). Fix it or ask IT, then try again.`;
    case 'idp_group_wrong_idp':
    case 'login_method_mismatch':
      return `Sign out and sign in to ${app} with the identity provider your team uses for it (${loginChoices(view, f)}).`;
    case 'mfa_requirement_not_met':
      return `${app} requires multi-factor sign-in. Sign in again through your company identity provider using MFA or a security key.`;
    case 'service_token_missing':
      return `${app} is for machines and needs a service token; it cannot be opened in a browser.`;
    case 'service_token_not_authorized':
      return `This client's service token is not authorized for ${app}.`;
    case 'service_token_expired':
      return `The service credential used for ${app} has expired or been disabled; it needs to be renewed.`;
    case 'service_token_wrong_action':
      return `${app} is misconfigured for service tokens; IT has been told.`;
    case 'independent_mfa_required':
      return `${app} asks for a second verification step after you sign in (${mfaMethods(view, f)}). Complete it — enroll an authenticator when asked — then try again.`;
    case 'approval_pending_or_denied':
      return `${app} needs an approver to grant each session. Submit (or wait for) the access request, then try again.`;
    case 'undetermined':
    case 'device_posture_unknown':
    case 'needs_idp_group_data':
    case 'auth_method_unknown':
    case 'external_evaluation_unknown':
    case 'needs_user_identity':
      return fallback;
  }
}

/** Every sign-in option the failing clause offered ("'Okta' or 'GitHub'"), not just the first. */
function loginChoices(view: View, f: Finding): string {
  const leaf = f.blame?.leaf ?? f.decisive;
  if (!leaf) return 'see IT';
  const clause = f.blame && f.blame.at.path.length > 0 ? undefined : f.policy?.clauses[leaf.clause];
  const same = (clause?.results ?? [leaf.result])
    .filter((r) => r.rule.kind === leaf.result.rule.kind && r.verdict === 'no_match')
    .map((r) => {
      const name = r.rule.kind === 'login_method' ? ruleValueName(r.rule, view.context) : undefined;
      return name ? q(name) : describeRule(r.rule, view.context);
    });
  return same.length > 0 ? [...new Set(same)].join(' or ') : describeRule(leaf.result.rule, view.context);
}
