import { z } from 'zod';
import type { AccessLoginEvent, ResolvedNames } from '../core/access-event.js';
import { LookupError } from '../core/errors.js';
import type { AccessDirectory } from '../core/ports.js';
import type { RestClient } from './rest-client.js';

const APPS_PERMISSION = 'Access: Apps and Policies Read';
const AUDIT_LOGS_PERMISSION = 'Access: Audit Logs Read';

const appSchema = z.object({ name: z.string().optional(), domain: z.string().optional() }).loose();
const identitySchema = z.object({ email: z.string().optional() }).loose();

const idPattern = /^[0-9a-zA-Z-]{1,64}$/;

function gapFor(what: string, error: unknown): string {
  if (error instanceof LookupError && error.code === 'cloudflare_permission') {
    return `${what}: add *${error.permission}* to the token to see it`;
  }
  if (error instanceof LookupError && error.status === 404) return `${what}: Cloudflare no longer has it`;
  return `${what}: Cloudflare did not answer`;
}

/** Resolves an event's app and user ids to names through Cloudflare REST; a failure leaves a gap, not an error. */
export function createRestAccessDirectory(rest: RestClient, accountId: string): AccessDirectory {
  const base = `/accounts/${encodeURIComponent(accountId)}/access`;
  return {
    async resolveNames(event: AccessLoginEvent): Promise<ResolvedNames> {
      const names: ResolvedNames = {};
      const gaps: string[] = [];
      // Ids come from Cloudflare, but they end up in a URL path: refuse anything odd.
      const appId = idPattern.test(event.appId) ? event.appId : undefined;
      const userId = idPattern.test(event.userUuid) ? event.userUuid : undefined;
      const [app, identity] = await Promise.allSettled([
        appId ? rest.get(`${base}/apps/${appId}`, appSchema, APPS_PERMISSION) : Promise.resolve(undefined),
        userId
          ? rest.get(`${base}/users/${userId}/last_seen_identity`, identitySchema, AUDIT_LOGS_PERMISSION)
          : Promise.resolve(undefined),
      ]);
      if (app.status === 'fulfilled') {
        if (app.value?.name) names.appName = app.value.name;
        if (app.value?.domain) names.appDomain = app.value.domain;
      } else {
        gaps.push(gapFor('App name', app.reason));
      }
      if (identity.status === 'fulfilled') {
        if (identity.value?.email) names.userEmail = identity.value.email;
      } else {
        gaps.push(gapFor('User email', identity.reason));
      }
      if (gaps.length > 0) names.gaps = gaps;
      return names;
    },
  };
}
