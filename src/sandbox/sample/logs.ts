import { DAY, HOUR, ID, isoSeconds, MINUTE, SAMPLE_ACCOUNT_ID, SAMPLE_RAY } from './ids.js';
import type {
  AccessApp,
  AccessRequestLog,
  AccessUser,
  DevicePostureResult,
  FailedLogin,
  IdentityProvider,
  LastSeenIdentity,
  PostureRule,
  SampleLoginEvent,
} from './wire-types.js';

export interface SampleLogInputs {
  apps: readonly AccessApp[];
  users: readonly AccessUser[];
  events: readonly SampleLoginEvent[];
  identityProviders: readonly IdentityProvider[];
  postureRules: readonly PostureRule[];
}

/** What Access logs about those logins: failed logins per user, the identity log, last seen identities. */
export function createSampleLogs(
  now: Date,
  { apps, users, events, identityProviders, postureRules }: SampleLogInputs,
) {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

  const appById = new Map(apps.map((a) => [a.id, a]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const identityEvents = events.filter((e) => e.userUuid !== '');

  const failedLogins: Record<string, FailedLogin[]> = {};
  for (const u of users) failedLogins[u.id] = [];
  for (const d of identityEvents) {
    const a = appById.get(d.appId);
    const u = userById.get(d.userUuid);
    if (d.isSuccessfulLogin === 1 || !a || !u) continue;
    failedLogins[u.id]?.push({
      expiration: Math.floor(Date.parse(d.datetime) / 1000) + 7 * 86_400,
      metadata: {
        app_name: a.name,
        aud: a.aud,
        datetime: new Date(Date.parse(d.datetime)).toISOString(),
        ray_id: d.cfRayId,
        user_email: u.email,
        user_uuid: u.id,
      },
    });
  }

  const accessRequests: AccessRequestLog[] = identityEvents
    .map((d): AccessRequestLog => {
      return {
        action: 'login',
        allowed: d.isSuccessfulLogin === 1,
        app_domain: appById.get(d.appId)?.domain ?? '',
        app_uid: d.appId,
        // The dashboard's "connection" is the IdP type, the same string the GraphQL row carries.
        connection: d.identityProvider,
        created_at: new Date(Date.parse(d.datetime)).toISOString(),
        ip_address: d.ipAddress,
        ray_id: d.cfRayId,
        user_email: userById.get(d.userUuid)?.email ?? '',
      };
    })
    .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));

  // Rows as the identity log may send them, every field being optional in the spec: a logout with
  // no Ray ID, a login without `allowed`, and a denied login analytics never recorded (its app is
  // named by `app_uid`, so the bot can replay that app's policies).
  const alice = users.find((u) => u.id === ID.userAlice);
  const wiki = apps.find((a) => a.id === ID.appWiki);
  if (!alice || !wiki) throw new Error('sample dataset: the identity-log samples need Alice and the Wiki');
  accessRequests.push(
    { action: 'logout', created_at: new Date(ago(33 * MINUTE)).toISOString(), user_email: alice.email },
    {
      action: 'login',
      app_uid: ID.appWiki,
      connection: 'okta',
      created_at: new Date(ago(95 * MINUTE)).toISOString(),
      ray_id: '0ddc0ffee0ddba11',
    },
    {
      action: 'login',
      allowed: false,
      app_domain: wiki.domain,
      app_uid: wiki.id,
      connection: 'okta',
      created_at: new Date(ago(55 * MINUTE)).toISOString(),
      ip_address: '192.0.2.45',
      ray_id: SAMPLE_RAY.identityLogOnly,
      user_email: alice.email,
    },
  );
  accessRequests.sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''));

  const find = <T extends { id: string }>(items: readonly T[], id: string): T => {
    const found = items.find((item) => item.id === id);
    if (!found) throw new Error(`sample dataset: unknown id ${id}`);
    return found;
  };
  const posture = (ruleId: string, success: boolean, seen: Date, data: Record<string, unknown> = {}) => {
    const rule = find(postureRules, ruleId);
    return {
      id: rule.id,
      rule_name: rule.name,
      type: rule.type,
      success,
      timestamp: isoSeconds(seen),
      description: rule.description,
      error: '',
      data,
    };
  };
  const identity = (
    userId: string,
    init: {
      idpId: string;
      ip: string;
      country: string;
      seen: Date;
      deviceId?: string;
      posture?: DevicePostureResult[];
    },
  ): LastSeenIdentity => {
    const u = find(users, userId);
    const idp = find(identityProviders, init.idpId);
    const seenSeconds = Math.floor(init.seen.getTime() / 1000);
    return {
      account_id: SAMPLE_ACCOUNT_ID,
      auth_status: 'NONE',
      common_name: '',
      devicePosture: Object.fromEntries((init.posture ?? []).map((p) => [p.id, p])),
      device_id: init.deviceId ?? '',
      device_sessions: init.deviceId ? { [init.deviceId]: { last_authenticated: seenSeconds } } : {},
      email: u.email,
      geo: { country: init.country },
      iat: seenSeconds,
      idp: { id: idp.id, type: idp.type },
      ip: init.ip,
      // Every enrolled device in this account runs WARP with the team's Gateway.
      is_gateway: init.deviceId !== undefined,
      is_warp: init.deviceId !== undefined,
      mtls_auth: {
        auth_status: 'NONE',
        cert_issuer_dn: '',
        cert_issuer_ski: '',
        cert_presented: false,
        cert_serial: '',
      },
      service_token_id: '',
      service_token_status: false,
      user_uuid: u.id,
      version: 2,
    };
  };
  const lastSeenIdentities: Record<string, LastSeenIdentity> = Object.fromEntries(
    [
      identity(ID.userAlice, { idpId: ID.idpOkta, ip: '198.51.100.12', country: 'US', seen: ago(2 * HOUR) }),
      identity(ID.userBen, {
        idpId: ID.idpOkta,
        ip: '2001:db8:4f2a:1e6::88',
        country: 'US',
        seen: ago(30 * MINUTE),
        deviceId: ID.deviceBen,
        posture: [
          posture(ID.postureWarp, true, ago(31 * MINUTE)),
          posture(ID.postureGateway, true, ago(31 * MINUTE)),
        ],
      }),
      identity(ID.userPriya, {
        idpId: ID.idpOtp,
        ip: '198.51.100.23',
        country: 'US',
        seen: ago(26 * MINUTE),
      }),
      identity(ID.userHenry, {
        idpId: ID.idpOkta,
        ip: '198.51.100.140',
        country: 'US',
        seen: ago(2 * DAY + 90 * MINUTE),
      }),
      identity(ID.userEmma, {
        idpId: ID.idpGoogle,
        ip: '198.51.100.45',
        country: 'DE',
        seen: ago(20 * HOUR),
      }),
      // The evidence for frank's denial: the disk-encryption check failed (FileVault off).
      identity(ID.userFrank, {
        idpId: ID.idpOkta,
        ip: '2001:db8:4f2a:22::7',
        country: 'US',
        seen: ago(50 * MINUTE),
        deviceId: ID.deviceFrank,
        posture: [
          posture(ID.postureWarp, true, ago(52 * MINUTE)),
          posture(ID.postureDisk, false, ago(52 * MINUTE), {
            FileVault: 'off',
            volumes: { '/': { encrypted: false } },
          }),
        ],
      }),
      identity(ID.userGrace, {
        idpId: ID.idpOkta,
        ip: '198.51.100.150',
        country: 'US',
        seen: ago(4 * HOUR),
        deviceId: ID.deviceGrace,
      }),
      identity(ID.userOlivia, {
        idpId: ID.idpOkta,
        ip: '198.51.100.87',
        country: 'US',
        seen: ago(3 * HOUR + 10 * MINUTE),
      }),
      identity(ID.userMaya, {
        idpId: ID.idpOkta,
        ip: '203.0.113.58',
        country: 'US',
        seen: ago(DAY + 4 * HOUR),
      }),
    ].map((i) => [i.user_uuid, i]),
  );

  return { failedLogins, accessRequests, lastSeenIdentities };
}
