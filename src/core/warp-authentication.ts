import type { AccessLoginEvent, ResolvedNames } from './access-event.js';
import type { CauseCode } from './explanation.js';

/** Causes about who the user is or how they logged in: where a WARP session could stand in for the IdP login. */
const LOGIN_CAUSES: ReadonlySet<CauseCode> = new Set<CauseCode>([
  'login_method_mismatch',
  'idp_not_allowed',
  'mfa_requirement_not_met',
  'auth_method_unknown',
  'needs_user_identity',
  'idp_group_wrong_idp',
  'needs_idp_group_data',
]);

/**
 * What the app's `allow_authenticate_via_warp` means for a login-related denial, or `undefined` when
 * it does not apply. Cloudflare's API schema: "When set to true, users can authenticate to this
 * application using their WARP session. When set to false this application will always require
 * direct IdP authentication. This setting always overrides the organization setting for WARP
 * authentication." (access_schemas-allow_authenticate_via_warp). Unset: the organization decides.
 */
export function warpAuthenticationNote(
  cause: CauseCode,
  decision: 'allowed' | 'denied',
  event: AccessLoginEvent,
  names: ResolvedNames,
): string | undefined {
  if (decision !== 'denied' || !LOGIN_CAUSES.has(cause)) return undefined;
  const warpKnown = !(event.unavailableFields ?? []).includes('hasWarpEnabled');
  if (names.allowAuthenticateViaWarp === true) {
    if (warpKnown && event.hasWarpEnabled) {
      return (
        'This app accepts a WARP session as the login (allow WARP authentication is on) and this request ' +
        'came through WARP: Access may have judged the identity the WARP client is logged in with rather ' +
        'than a fresh IdP login, so check which account and IdP the user’s WARP client uses.'
      );
    }
    const path = warpKnown ? ' This request did not come through WARP, so the IdP login applied.' : '';
    return (
      'This app accepts a WARP session as the login (allow WARP authentication is on): with the Cloudflare ' +
      `One (WARP) client connected and logged in to your team, the user can sign in without the IdP page.${path}`
    );
  }
  if (names.allowAuthenticateViaWarp === false && warpKnown && event.hasWarpEnabled) {
    return (
      'This app always requires a direct IdP login (allow WARP authentication is off, which overrides the ' +
      'organization setting): the user’s WARP session does not sign them in here, even though this request ' +
      'came through WARP.'
    );
  }
  return undefined;
}
