/**
 * One row of Cloudflare's `accessLoginRequestsAdaptiveGroups` dataset, mapped out of the wire format:
 * 0/1 flags become booleans, empty strings stay empty strings (Cloudflare's "absent").
 */
export interface AccessLoginEvent {
  rayId: string;
  /** ISO 8601 time the login event was emitted. */
  datetime: string;
  appId: string;
  /** Empty for non-identity events. */
  userUuid: string;
  /** IdP id, or `nonidentity` for events decided before any login. */
  identityProvider: string;
  country: string;
  ipAddress: string;
  deviceId: string;
  isSuccessfulLogin: boolean;
  hasExistingJwt: boolean;
  hasWarpEnabled: boolean;
  hasGatewayEnabled: boolean;
  /** Free text; `NONE` when no client certificate was presented. */
  mtlsStatus: string;
  mtlsCommonName: string;
  mtlsCertSerialId: string;
  serviceTokenId: string;
  approvingPolicyId: string;
}

/** Names the directory could resolve for an event's ids; each is absent when unknown. */
export interface ResolvedNames {
  appName?: string;
  appDomain?: string;
  userEmail?: string;
  identityProviderName?: string;
  serviceTokenName?: string;
  /** What could not be resolved and which token permission would resolve it. */
  gaps?: string[];
}

/** True when Access decided the request on context alone (IP, device, certificate, service token). */
export function isNonIdentityEvent(event: AccessLoginEvent): boolean {
  return event.identityProvider === 'nonidentity' || event.userUuid === '';
}

/** True when the row says no client certificate was presented. */
export function hasNoClientCertificate(event: AccessLoginEvent): boolean {
  const status = event.mtlsStatus.trim().toUpperCase();
  return (status === '' || status === 'NONE') && event.mtlsCertSerialId === '' && event.mtlsCommonName === '';
}
