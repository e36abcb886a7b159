import { z } from 'zod';
import type { FailedLogin } from '../core/ports.js';

// A user's failed logins (`/access/users/{id}/failed_logins`): `{expiration, metadata}` entries.

export const failedLoginSchema = z.looseObject({
  expiration: z.unknown().optional(),
  // Cloudflare documents an object; older clients saw a JSON string with the same keys.
  metadata: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});
const failedLoginMetadataSchema = z.looseObject({
  ray_id: z.string().optional().catch(undefined),
  datetime: z.string().optional().catch(undefined),
  app_name: z.string().optional().catch(undefined),
  aud: z.string().optional().catch(undefined),
  user_email: z.string().optional().catch(undefined),
});

/** One entry → a failed login with its email and AUD, or `undefined` when its metadata is unreadable. */
export function toFailedLogin(
  wire: z.infer<typeof failedLoginSchema>,
): (FailedLogin & { email?: string; aud?: string }) | undefined {
  let metadata: unknown = wire.metadata;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  const parsed = failedLoginMetadataSchema.safeParse(metadata);
  if (!parsed.success || !parsed.data.ray_id || !parsed.data.datetime) return undefined;
  return {
    rayId: parsed.data.ray_id.toLowerCase(),
    datetime: parsed.data.datetime,
    ...(parsed.data.app_name ? { appName: parsed.data.app_name } : {}),
    ...(parsed.data.user_email ? { email: parsed.data.user_email } : {}),
    ...(parsed.data.aud ? { aud: parsed.data.aud } : {}),
  };
}
