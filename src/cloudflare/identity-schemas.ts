import { z } from 'zod';
import type { LastSeenDetails } from '../core/access-event.js';
import type { LastSeenIdentity, PolicyUser, PostureResult } from '../core/policy/types.js';

// Wire shapes of the identity side of Cloudflare Access: a user's last seen identity (with device
// posture results and client certificate) and the Access users list. Loose objects, optional fields.

const str = z.string();
const optStr = z.string().nullish();
const optBool = z.boolean().nullish();

const postureResultSchema = z.looseObject({
  success: optBool,
  rule_name: optStr,
  type: optStr,
  error: optStr,
  timestamp: optStr,
});

const identityGroupSchema = z.looseObject({ id: optStr, name: optStr, email: optStr });

export const lastSeenIdentityWireSchema = z.looseObject({
  user_uuid: optStr,
  email: optStr,
  device_id: optStr,
  is_warp: optBool,
  is_gateway: optBool,
  idp: z.looseObject({ id: optStr, type: optStr }).nullish(),
  geo: z.looseObject({ country: optStr }).nullish(),
  devicePosture: z.record(str, postureResultSchema).nullish(),
  ip: optStr.catch(undefined),
  mtls_auth: z
    .looseObject({
      auth_status: optStr,
      cert_presented: optBool,
      cert_serial: optStr,
      cert_issuer_dn: optStr,
    })
    .nullish()
    .catch(undefined),
  // get-identity carries these; last_seen_identity may not.
  groups: z.array(identityGroupSchema).nullish().catch(undefined),
  amr: z.array(str).nullish().catch(undefined),
});

/** The card's view of a last seen identity: IP, IdP and client certificate. */
export function toLastSeenDetails(wire: z.infer<typeof lastSeenIdentityWireSchema>): LastSeenDetails {
  const m = wire.mtls_auth;
  const mtls = m
    ? {
        ...(m.auth_status ? { authStatus: m.auth_status } : {}),
        ...(m.cert_presented != null ? { certPresented: m.cert_presented } : {}),
        ...(m.cert_serial ? { certSerial: m.cert_serial } : {}),
        ...(m.cert_issuer_dn ? { certIssuerDn: m.cert_issuer_dn } : {}),
      }
    : undefined;
  return {
    ...(wire.ip ? { ip: wire.ip } : {}),
    ...(wire.idp?.id ? { idpId: wire.idp.id } : {}),
    ...(wire.idp?.type ? { idpType: wire.idp.type } : {}),
    ...(mtls && Object.keys(mtls).length > 0 ? { mtls } : {}),
  };
}

function toPostureResult(wire: z.infer<typeof postureResultSchema>): PostureResult {
  return {
    ...(wire.success != null ? { success: wire.success } : {}),
    ...(wire.rule_name ? { ruleName: wire.rule_name } : {}),
    ...(wire.type ? { type: wire.type } : {}),
    ...(wire.error ? { error: wire.error } : {}),
    ...(wire.timestamp ? { timestamp: wire.timestamp } : {}),
  };
}

export function toLastSeenIdentity(wire: z.infer<typeof lastSeenIdentityWireSchema>): LastSeenIdentity {
  const idpId = wire.idp?.id;
  const idpType = wire.idp?.type;
  return {
    ...(wire.user_uuid ? { userUuid: wire.user_uuid } : {}),
    ...(wire.email ? { email: wire.email } : {}),
    ...(wire.device_id ? { deviceId: wire.device_id } : {}),
    ...(wire.is_warp != null ? { isWarp: wire.is_warp } : {}),
    ...(wire.is_gateway != null ? { isGateway: wire.is_gateway } : {}),
    ...(idpId || idpType
      ? { idp: { ...(idpId ? { id: idpId } : {}), ...(idpType ? { type: idpType } : {}) } }
      : {}),
    ...(wire.geo?.country ? { country: wire.geo.country } : {}),
    devicePosture: Object.fromEntries(
      Object.entries(wire.devicePosture ?? {}).map(([id, r]) => [id, toPostureResult(r)]),
    ),
    ...(wire.groups
      ? {
          groups: wire.groups.map((g) => ({
            ...(g.id ? { id: g.id } : {}),
            ...(g.name ? { name: g.name } : {}),
            ...(g.email ? { email: g.email } : {}),
          })),
        }
      : {}),
    ...(wire.amr ? { amr: wire.amr } : {}),
  };
}

export const userWireSchema = z.looseObject({ id: optStr, email: optStr, name: optStr });

export function toPolicyUser(wire: z.infer<typeof userWireSchema>): PolicyUser {
  return {
    ...(wire.id ? { id: wire.id } : {}),
    ...(wire.email ? { email: wire.email } : {}),
    ...(wire.name ? { name: wire.name } : {}),
  };
}
