import { z } from 'zod';
import type { AccessLoginEvent } from '../core/access-event.js';
import type { DatasetSettings } from '../core/search-window.js';

// Cloudflare's int64/uint64/uint8 scalars arrive as JSON numbers; accept numeric strings too.
const int = z.coerce.number().int().nonnegative();
const flag = z.coerce.number().int().min(0).max(1);

export const settingsResponseSchema = z.object({
  viewer: z.object({
    accounts: z.array(
      z.object({
        settings: z
          .object({
            accessLoginRequestsAdaptiveGroups: z.object({
              enabled: z.boolean(),
              maxDuration: int,
              maxPageSize: int,
              notOlderThan: int,
              // Absent from older answers and hand-written mocks: then every field is asked for.
              availableFields: z.array(z.string()).nullish().catch(undefined),
            }),
          })
          .nullable(),
      }),
    ),
  }),
});

/** A whole login row, every dimension present (a case file's `event`, a full query's answer). */
export const loginDimensionsSchema = z.object({
  appId: z.string(),
  approvingPolicyId: z.string(),
  cfRayId: z.string(),
  country: z.string(),
  datetime: z.string(),
  deviceId: z.string(),
  hasExistingJWT: flag,
  hasGatewayEnabled: flag,
  hasWarpEnabled: flag,
  identityProvider: z.string(),
  ipAddress: z.string(),
  isSuccessfulLogin: flag,
  mtlsCertSerialId: z.string(),
  mtlsCommonName: z.string(),
  mtlsStatus: z.string(),
  serviceTokenId: z.string(),
  userUuid: z.string(),
});
export type LoginDimensions = z.infer<typeof loginDimensionsSchema>;

/**
 * A login query's answer. The query selects only the fields the account's plan has, so every
 * dimension (and `count`) may be missing; the mapper fills and names the missing ones.
 */
export const loginsResponseSchema = z.object({
  viewer: z.object({
    accounts: z.array(
      z.object({
        accessLoginRequestsAdaptiveGroups: z.array(
          z.object({ count: int.optional(), dimensions: loginDimensionsSchema.partial().nullable() }),
        ),
      }),
    ),
  }),
});

const PLACEHOLDER: LoginDimensions = {
  appId: '',
  approvingPolicyId: '',
  cfRayId: '',
  country: '',
  datetime: '',
  deviceId: '',
  hasExistingJWT: 0,
  hasGatewayEnabled: 0,
  hasWarpEnabled: 0,
  identityProvider: '',
  ipAddress: '',
  isSuccessfulLogin: 0,
  mtlsCertSerialId: '',
  mtlsCommonName: '',
  mtlsStatus: '',
  serviceTokenId: '',
  userUuid: '',
};

/**
 * Wire row with possibly missing dimensions → core event. Missing ones get Cloudflare's "absent"
 * value and are listed in `unavailableFields` (sorted), so nothing downstream takes them for evidence.
 */
export function toPartialAccessLoginEvent(
  d: {
    [K in keyof LoginDimensions]?: LoginDimensions[K] | undefined;
  },
): AccessLoginEvent {
  const missing = (Object.keys(PLACEHOLDER) as Array<keyof LoginDimensions>).filter(
    (k) => d[k] === undefined,
  );
  const event = toAccessLoginEvent({ ...PLACEHOLDER, ...stripUndefined<LoginDimensions>(d) });
  return missing.length > 0 ? { ...event, unavailableFields: missing.sort() } : event;
}

function stripUndefined<T extends object>(value: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Wire row → core event. */
export function toAccessLoginEvent(d: LoginDimensions): AccessLoginEvent {
  return {
    rayId: d.cfRayId.toLowerCase(),
    datetime: d.datetime,
    appId: d.appId,
    userUuid: d.userUuid,
    identityProvider: d.identityProvider,
    country: d.country,
    ipAddress: d.ipAddress,
    deviceId: d.deviceId,
    isSuccessfulLogin: d.isSuccessfulLogin === 1,
    hasExistingJwt: d.hasExistingJWT === 1,
    hasWarpEnabled: d.hasWarpEnabled === 1,
    hasGatewayEnabled: d.hasGatewayEnabled === 1,
    mtlsStatus: d.mtlsStatus,
    mtlsCommonName: d.mtlsCommonName,
    mtlsCertSerialId: d.mtlsCertSerialId,
    serviceTokenId: d.serviceTokenId,
    approvingPolicyId: d.approvingPolicyId,
  };
}

/** Wire settings → core settings. */
export function toDatasetSettings(s: {
  enabled: boolean;
  maxDuration: number;
  maxPageSize: number;
  notOlderThan: number;
}): DatasetSettings {
  return {
    enabled: s.enabled,
    maxDurationSeconds: s.maxDuration,
    maxPageSize: s.maxPageSize,
    notOlderThanSeconds: s.notOlderThan,
  };
}
