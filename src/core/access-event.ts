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
  /**
   * Fields the source could not give (not on the account's plan, or not in the identity log): their
   * values above are placeholders, never evidence.
   */
  unavailableFields?: string[];
  /** Where the row came from when not from analytics. */
  source?: 'identity_log';
}

/** Names the directory could resolve for an event's ids; each is absent when unknown. */
export interface ResolvedNames {
  appName?: string;
  appDomain?: string;
  userEmail?: string;
  identityProviderName?: string;
  serviceTokenName?: string;
  /** Every hostname the app covers (its `destinations`), when it has more than its primary domain. */
  appHostnames?: string[];
  /** The app's `allow_authenticate_via_warp`: a WARP session may stand in for the IdP login. */
  allowAuthenticateViaWarp?: boolean;
  /** What the user's last seen identity adds for the card (a snapshot, not the failed request). */
  lastSeen?: LastSeenDetails;
  /** What could not be resolved and which token permission would resolve it. */
  gaps?: string[];
}

/** The parts of the user's last seen identity a card shows: the IdP, the IP, the client certificate. */
export interface LastSeenDetails {
  ip?: string;
  idpId?: string;
  idpType?: string;
  mtls?: { authStatus?: string; certPresented?: boolean; certSerial?: string; certIssuerDn?: string };
}

/** Row fields the identity log does not carry: a replay from a log row cannot know them. */
export const FIELDS_NOT_IN_IDENTITY_LOG = [
  'country',
  'deviceId',
  'hasWarpEnabled',
  'hasGatewayEnabled',
  'hasExistingJWT',
  'mtlsStatus',
  'mtlsCommonName',
  'mtlsCertSerialId',
  'serviceTokenId',
  'approvingPolicyId',
  'userUuid',
] as const;

/**
 * A login event built from an identity-log row that names its app (`app_uid`), so the app's
 * policies can be replayed for a Ray ID analytics lacks. Only identity logins are logged there.
 */
export function loginEventFromLog(entry: {
  rayId: string;
  datetime: string;
  appUid: string;
  userUuid?: string;
  allowed?: boolean;
  ipAddress?: string;
  connection?: string;
}): AccessLoginEvent {
  const unavailable: string[] = FIELDS_NOT_IN_IDENTITY_LOG.filter((f) => f !== 'userUuid' || !entry.userUuid);
  return {
    rayId: entry.rayId,
    datetime: entry.datetime,
    appId: entry.appUid,
    userUuid: entry.userUuid ?? '',
    identityProvider: entry.connection ?? '',
    country: '',
    ipAddress: entry.ipAddress ?? '',
    deviceId: '',
    isSuccessfulLogin: entry.allowed === true,
    hasExistingJwt: false,
    hasWarpEnabled: false,
    hasGatewayEnabled: false,
    mtlsStatus: '',
    mtlsCommonName: '',
    mtlsCertSerialId: '',
    serviceTokenId: '',
    approvingPolicyId: '',
    unavailableFields: unavailable,
    source: 'identity_log',
  };
}

/** True when Access decided the request on context alone (IP, device, certificate, service token). */
export function isNonIdentityEvent(event: AccessLoginEvent): boolean {
  // The identity log holds identity logins only, whether or not the user's id is known.
  if (event.source === 'identity_log') return false;
  return event.identityProvider === 'nonidentity' || event.userUuid === '';
}

/** True when the row says no client certificate was presented. */
export function hasNoClientCertificate(event: AccessLoginEvent): boolean {
  const status = event.mtlsStatus.trim().toUpperCase();
  return (status === '' || status === 'NONE') && event.mtlsCertSerialId === '' && event.mtlsCommonName === '';
}
