import {
  type AccessLoginEvent,
  hasNoClientCertificate,
  isNonIdentityEvent,
  type ResolvedNames,
} from '../access-event.js';
import type { Evidence, Explanation } from '../explanation.js';

const POLICIES_NEEDED = "the app's Access policies (token permission Access: Apps and Policies Read)";

function appLabel(event: AccessLoginEvent, names: ResolvedNames): string {
  return names.appName ?? (event.appId ? `app ${event.appId.slice(0, 8)}…` : 'an unnamed app');
}

function whoLabel(event: AccessLoginEvent, names: ResolvedNames): string {
  if (names.userEmail) return names.userEmail;
  return isNonIdentityEvent(event)
    ? 'a request without a signed-in user'
    : `user ${event.userUuid.slice(0, 8)}…`;
}

function where(event: AccessLoginEvent): string {
  const country = event.country || 'an unknown country';
  return event.ipAddress ? `${country} (${event.ipAddress})` : country;
}

/** Collects what the login row itself proves about a denial. */
export function collectDenialEvidence(event: AccessLoginEvent): Evidence[] {
  const evidence: Evidence[] = [];
  if (isNonIdentityEvent(event)) {
    evidence.push({
      label: 'Decided before login',
      detail:
        'Access refused the request on context alone (IP, country, device, certificate or service token); ' +
        'no identity provider was involved.',
      field: 'identityProvider',
    });
  } else {
    evidence.push({
      label: 'Signed in',
      detail: `The user authenticated with identity provider ${event.identityProvider}, then no policy let them in.`,
      field: 'identityProvider',
    });
  }
  if (hasNoClientCertificate(event)) {
    evidence.push({
      label: 'No client certificate',
      detail:
        'mTLS status NONE, no certificate serial or common name: a policy that requires one cannot match.',
      field: 'mtlsStatus',
    });
  } else {
    const parts = [`status ${event.mtlsStatus || 'unknown'}`];
    if (event.mtlsCommonName) parts.push(`common name ${event.mtlsCommonName}`);
    if (event.mtlsCertSerialId) parts.push(`serial ${event.mtlsCertSerialId}`);
    evidence.push({
      label: 'Client certificate',
      detail: `Presented: ${parts.join(', ')}.`,
      field: 'mtlsStatus',
    });
  }
  if (!event.hasWarpEnabled) {
    evidence.push({
      label: 'WARP off',
      detail:
        'The device was not connected through the WARP client: WARP or device-posture rules cannot match.',
      field: 'hasWarpEnabled',
    });
  }
  if (!event.hasGatewayEnabled) {
    evidence.push({
      label: 'Gateway off',
      detail: 'Traffic did not pass through Cloudflare Gateway: Gateway rules cannot match.',
      field: 'hasGatewayEnabled',
    });
  }
  if (event.serviceTokenId) {
    evidence.push({
      label: 'Service token presented',
      detail: `Token ${event.serviceTokenId} was presented, yet no policy accepted it (not included, expired or revoked).`,
      field: 'serviceTokenId',
    });
  } else if (isNonIdentityEvent(event)) {
    evidence.push({
      label: 'No service token',
      detail:
        'No service token was presented (CF-Access-Client-Id / CF-Access-Client-Secret headers absent or unknown).',
      field: 'serviceTokenId',
    });
  }
  if (event.hasExistingJwt) {
    evidence.push({
      label: 'Existing session',
      detail: 'The browser already held an Access session; the policies refused it on this request.',
      field: 'hasExistingJwt',
    });
  }
  evidence.push({ label: 'Origin', detail: `From ${where(event)}.`, field: 'country' });
  return evidence;
}

function adminFixFor(event: AccessLoginEvent, app: string): string {
  const hints: string[] = [];
  if (hasNoClientCertificate(event)) {
    hints.push('if a policy requires a client certificate, install one on the device or change that rule');
  }
  if (!event.hasWarpEnabled)
    hints.push('if a policy requires WARP or device posture, the user must connect WARP');
  if (event.serviceTokenId) {
    hints.push(
      `check that service token ${event.serviceTokenId} is in a Service Auth policy and not expired`,
    );
  }
  if (!isNonIdentityEvent(event))
    hints.push("compare the user's identity and groups with the Allow policies");
  const steps = hints.length > 0 ? ` Likely: ${hints.join('; ')}.` : '';
  return `Open ${app} in Zero Trust › Access › Applications and read its policies against the evidence.${steps}`;
}

function userMessageFor(event: AccessLoginEvent, app: string): string {
  if (isNonIdentityEvent(event)) {
    const device = !event.hasWarpEnabled
      ? ' Make sure the Cloudflare WARP client is connected, then try again.'
      : ' Try again from your managed device.';
    return `Your device was blocked before you could sign in to ${app}.${device} If it persists, IT has the Ray ID and is looking into it.`;
  }
  return `You signed in, but your account is not allowed into ${app} yet. IT is checking which rule blocked you; no need to retry meanwhile.`;
}

/**
 * First explanation from the login row alone: the decision and the evidence the row carries.
 * Which policy decided is left open (`determinable: false`) until the policies are replayed.
 */
export function explainEvent(event: AccessLoginEvent, names: ResolvedNames): Explanation {
  const app = appLabel(event, names);
  const who = whoLabel(event, names);
  if (event.isSuccessfulLogin) {
    return {
      decision: 'allowed',
      cause: 'allowed',
      summary: `Access allowed ${who} into ${app}${event.approvingPolicyId ? ` (policy ${event.approvingPolicyId})` : ''}.`,
      evidence: [
        {
          label: 'Allowed',
          detail: event.approvingPolicyId
            ? `Policy ${event.approvingPolicyId} approved the request.`
            : 'The login row records a successful login.',
          field: 'approvingPolicyId',
        },
        { label: 'Origin', detail: `From ${where(event)}.`, field: 'country' },
      ],
      adminFix:
        "Nothing to change in Access: it let this request through. A 403 after that comes from behind Access — cloudflared's audTag check, a WAF rule, or the origin itself.",
      userMessage: `Access let you into ${app}; the error came from the application behind it. IT will follow up with its owners.`,
      determinable: true,
      needs: [],
    };
  }
  const needs = [POLICIES_NEEDED];
  if (!isNonIdentityEvent(event)) needs.push("the user's identity at login (IdP groups, device posture)");
  return {
    decision: 'denied',
    cause: 'undetermined',
    summary: `Access denied ${who} at ${app}${isNonIdentityEvent(event) ? ' before any sign-in' : ' after sign-in'}, from ${where(event)}. The row shows the evidence below; the app's policies decide the rest.`,
    evidence: collectDenialEvidence(event),
    adminFix: adminFixFor(event, app),
    userMessage: userMessageFor(event, app),
    determinable: false,
    needs,
  };
}
