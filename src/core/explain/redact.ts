import type { CauseCode } from '../explanation.js';
import type { RayIdResult } from '../report.js';

export type CauseCategory =
  | 'allowed'
  | 'identity'
  | 'device'
  | 'network'
  | 'service_token'
  | 'blocked'
  | 'unknown';

const CATEGORY: Record<CauseCode, CauseCategory> = {
  allowed: 'allowed',
  undetermined: 'unknown',
  block_policy_matched: 'blocked',
  excluded_by_rule: 'blocked',
  excluded_by_group: 'blocked',
  country_not_allowed: 'network',
  ip_not_allowed: 'network',
  not_in_include: 'identity',
  require_unsatisfiable: 'unknown',
  no_allow_policy: 'identity',
  mtls_missing: 'device',
  mtls_common_name_mismatch: 'device',
  warp_required: 'device',
  gateway_required: 'device',
  device_posture_unknown: 'device',
  device_posture_failed: 'device',
  needs_idp_group_data: 'identity',
  idp_group_wrong_idp: 'identity',
  login_method_mismatch: 'identity',
  idp_not_allowed: 'identity',
  mfa_requirement_not_met: 'identity',
  auth_method_unknown: 'identity',
  service_token_missing: 'service_token',
  service_token_not_authorized: 'service_token',
  service_token_expired: 'service_token',
  service_token_wrong_action: 'service_token',
  external_evaluation_unknown: 'unknown',
  needs_user_identity: 'identity',
  approval_pending_or_denied: 'identity',
  independent_mfa_required: 'identity',
};

/** What anyone may be told about a denial of this kind, without any person's details. */
const GUIDANCE: Record<CauseCategory, { summary: string; action: string }> = {
  allowed: {
    summary: 'Access let this request through; the error came from behind Access.',
    action: 'Nothing to change in Access; the helpdesk can check the application itself.',
  },
  identity: {
    summary:
      'Access denied this sign-in: the account, its groups or its sign-in method is not allowed into the app.',
    action:
      'Sign in with the account and method your team uses for this app, or ask the helpdesk for access.',
  },
  device: {
    summary:
      'Access denied this request because of the device: WARP, Gateway, a client certificate or a posture check.',
    action: 'Use a managed device with the Cloudflare One (WARP) client connected, then try again.',
  },
  network: {
    summary: 'Access denied this request because of where it came from (country or network).',
    action: 'Connect from an approved network (the office or through WARP), then try again.',
  },
  service_token: {
    summary:
      'Access denied this machine request because of its service token (missing, not accepted, or expired).',
    action: 'The owner of the client must send a valid, accepted service token.',
  },
  blocked: {
    summary: 'A Block rule or an Exclude rule of the app matched this request.',
    action: 'Ask the helpdesk; only an admin can change who is excluded.',
  },
  unknown: {
    summary: 'Access denied this request; the reason needs a helpdesk admin to look at it.',
    action: 'Share the Ray ID with the helpdesk.',
  },
};

/** The category a cause belongs to (for redacted cards). */
export function causeCategory(cause: CauseCode): CauseCategory {
  return CATEGORY[cause];
}

/**
 * A result with another person's details removed: the decision, the cause category and what to do
 * stay; IP, location, emails, user, device and token ids, evidence, policies and failed logins go.
 */
export function redactResult(result: RayIdResult): RayIdResult {
  switch (result.outcome) {
    case 'error':
      return result;
    case 'not_found': {
      if (!result.notFound.identityLog) return result;
      const { identityLog: _hidden, ...notFound } = result.notFound;
      return {
        ...result,
        notFound: {
          ...notFound,
          summary:
            "Access's own log has this Ray ID, but its details belong to someone else; the helpdesk can see them.",
          likelySources: [],
          adminFix: 'Ask the helpdesk to look the Ray ID up.',
          userMessage: GUIDANCE.unknown.action,
        },
        redacted: true,
      };
    }
    case 'allowed':
    case 'denied': {
      const category = causeCategory(result.explanation.cause);
      const { event, names, explanation } = result;
      return {
        rayId: result.rayId,
        outcome: result.outcome,
        redacted: true,
        ...(result.searched ? { searched: result.searched } : {}),
        event: {
          ...event,
          userUuid: '',
          identityProvider: event.identityProvider === 'nonidentity' ? 'nonidentity' : 'hidden',
          country: '',
          ipAddress: '',
          deviceId: '',
          mtlsCommonName: '',
          mtlsCertSerialId: '',
          serviceTokenId: '',
          approvingPolicyId: '',
        },
        names: {
          ...(names.appName ? { appName: names.appName } : {}),
          ...(names.appDomain ? { appDomain: names.appDomain } : {}),
        },
        explanation: {
          decision: explanation.decision,
          cause: explanation.cause,
          summary: GUIDANCE[category].summary,
          evidence: [],
          adminFix: 'Helpdesk staff see the full explanation for this Ray ID.',
          userMessage: GUIDANCE[category].action,
          determinable: explanation.determinable,
          needs: [],
        },
      };
    }
  }
}
