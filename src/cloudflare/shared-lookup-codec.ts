import { z } from 'zod';
import type { EventLookup } from '../core/ports.js';

const searchedSchema = z.object({
  oldest: z.coerce.date(),
  newest: z.coerce.date(),
  windows: z.number(),
  limitedBy: z.enum(['retention', 'configured_cap']),
  oldestReachable: z.coerce.date(),
});

const eventSchema = z.object({
  rayId: z.string(),
  datetime: z.string(),
  appId: z.string(),
  userUuid: z.string(),
  identityProvider: z.string(),
  country: z.string(),
  ipAddress: z.string(),
  deviceId: z.string(),
  isSuccessfulLogin: z.boolean(),
  hasExistingJwt: z.boolean(),
  hasWarpEnabled: z.boolean(),
  hasGatewayEnabled: z.boolean(),
  mtlsStatus: z.string(),
  mtlsCommonName: z.string(),
  mtlsCertSerialId: z.string(),
  serviceTokenId: z.string(),
  approvingPolicyId: z.string(),
  unavailableFields: z.array(z.string()).optional(),
  source: z.literal('identity_log').optional(),
});

const lookupSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('found'), event: eventSchema, searched: searchedSchema }),
  z.object({ kind: z.literal('not_found'), searched: searchedSchema }),
]);

/** A lookup as stored for other replicas (JSON; dates as ISO strings). */
export function encodeLookup(lookup: EventLookup): string {
  return JSON.stringify(lookup);
}

/**
 * Reads a lookup another replica stored. Anything that does not parse (another version's format
 * during a rolling deploy, a foreign key) counts as not stored: the caller then asks Cloudflare.
 */
export function decodeLookup(text: unknown): EventLookup | undefined {
  if (typeof text !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = lookupSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const lookup = parsed.data;
  // Rebuilt without absent optional keys (exactOptionalPropertyTypes).
  if (lookup.kind === 'not_found') return { kind: 'not_found', searched: lookup.searched };
  const { unavailableFields, source, ...event } = lookup.event;
  return {
    kind: 'found',
    searched: lookup.searched,
    event: {
      ...event,
      ...(unavailableFields === undefined ? {} : { unavailableFields }),
      ...(source === undefined ? {} : { source }),
    },
  };
}
