import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import type { FailedLoginsByEmail, OwnFailedLogins } from '../core/ports.js';
import { PERMISSIONS } from './access-directory.js';
import { failedLoginSchema, toFailedLogin } from './failed-logins.js';
import { PER_PAGE } from './list-limits.js';
import { type Clock, createLoadingCache } from './loading-cache.js';
import type { RestClient } from './rest-client.js';
import type { CallScope } from './upstream-guard.js';

const userSchema = z.looseObject({ id: z.string(), email: z.string().optional() });
// The id ends up in a URL path: refuse anything odd.
const ID = /^[0-9A-Za-z-]{1,64}$/;

export interface FailedLoginsByEmailOptions {
  /** How long one person's list is reused (reopening the Home tab must not cost calls). Default 60 s. */
  ttlMs?: number;
  max?: number;
  clock?: Clock;
}

/** The port, with the scope of the lookup the list is read for (see `scoped-ports.ts`). */
export interface ScopedFailedLoginsByEmail extends FailedLoginsByEmail {
  recentFailedLoginsForEmail(email: string, max: number, scope?: CallScope): Promise<OwnFailedLogins>;
}

/**
 * A person's recent failed logins for the App Home: the Access user with exactly that email
 * (`GET /accounts/{id}/access/users?email=`), then `GET …/access/users/{user_id}/failed_logins`
 * ("Get all failed login attempts for a single user"; OpenAPI: `result: [{expiration, metadata}]`,
 * metadata with `ray_id`, `datetime`, `app_name`; the users list takes `email` since the 2026 spec).
 * Cached per email; a missing permission is remembered briefly so each open does not ask again.
 */
export function createFailedLoginsByEmail(
  rest: RestClient,
  accountId: string,
  options: FailedLoginsByEmailOptions = {},
): ScopedFailedLoginsByEmail {
  const access = `/accounts/${encodeURIComponent(accountId)}/access`;
  const cache = createLoadingCache<OwnFailedLogins>({
    max: options.max ?? 1000,
    ttlMs: options.ttlMs ?? 60_000,
    rememberFailure: (error) => error instanceof LookupError && error.code === 'cloudflare_permission',
    failureTtlMs: 30_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  async function load(email: string, scope: CallScope | undefined): Promise<OwnFailedLogins> {
    const users = await rest.list(
      `${access}/users`,
      userSchema,
      PERMISSIONS.audit,
      { query: { email }, perPage: PER_PAGE.users },
      scope,
    );
    // The list filter may match loosely; only the exact email (any case) is this person.
    const user = users.items.find((u) => u.email?.toLowerCase() === email);
    if (!user || !ID.test(user.id)) return { kind: 'no_access_user' };
    const failures = await rest.list(
      `${access}/users/${user.id}/failed_logins`,
      failedLoginSchema,
      PERMISSIONS.audit,
      { perPage: PER_PAGE.failedLogins },
      scope,
    );
    const logins = failures.items
      .map(toFailedLogin)
      .filter((f): f is NonNullable<typeof f> => f !== undefined)
      .sort((a, b) => b.datetime.localeCompare(a.datetime))
      .map(({ email: _e, aud: _a, ...login }) => login);
    return { kind: 'found', logins };
  }

  return {
    async recentFailedLoginsForEmail(email, max, scope) {
      const key = email.trim().toLowerCase();
      const outcome = await cache.get(key, () => load(key, scope));
      return outcome.kind === 'found' ? { kind: 'found', logins: outcome.logins.slice(0, max) } : outcome;
    },
  };
}
