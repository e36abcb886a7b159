import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import type { ConfigurationProbe, PermissionCheck } from '../core/ports.js';
import { PERMISSIONS } from './access-directory.js';
import { ANALYTICS_PERMISSION, toHttpLookupError, toTransportLookupError } from './map-error.js';
import { ACCESS_LOGIN_SETTINGS_QUERY } from './queries.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readCappedText } from './read-capped.js';
import type { RestClient } from './rest-client.js';
import { type CallScope, createUpstreamGuard, type UpstreamGuard } from './upstream-guard.js';

const anyList = z.array(z.unknown());
const tokenSchema = z.looseObject({ status: z.string() });
const settingsSchema = z.object({
  data: z.object({
    viewer: z.object({
      accounts: z.array(
        z.object({
          settings: z
            .object({ accessLoginRequestsAdaptiveGroups: z.object({ enabled: z.boolean() }) })
            .nullable(),
        }),
      ),
    }),
  }),
});

export interface ConfigCheckOptions {
  rest: RestClient;
  fetch: typeof fetch;
  graphqlUrl: string;
  apiToken: string;
  accountId: string;
  /**
   * The lookups' guard, so the probe spends the same client-side budget and respects a pause after a
   * 429 (pass the same one to `rest`). Default: a guard of its own.
   */
  guard?: UpstreamGuard;
}

function failed(permission: string, error: unknown): PermissionCheck {
  if (error instanceof LookupError) {
    const detail =
      error.code === 'cloudflare_permission'
        ? 'missing on this token'
        : error.code === 'cloudflare_auth'
          ? 'the token was rejected'
          : `could not check (${error.code})`;
    return { permission, ok: false, detail };
  }
  return { permission, ok: false, detail: 'could not check' };
}

/** One cheap read per permission the bot uses, so an admin sees at a glance what works. */
export function createConfigurationProbe(options: ConfigCheckOptions): ConfigurationProbe {
  const account = `/accounts/${encodeURIComponent(options.accountId)}`;
  const one = { per_page: '1' };
  const guard = options.guard ?? createUpstreamGuard();
  const secrets = [options.apiToken];

  async function analytics(scope: CallScope): Promise<PermissionCheck> {
    const permission = ANALYTICS_PERMISSION;
    try {
      const body = await guard.call(
        'graphql',
        async (signal) => {
          let response: Response;
          try {
            response = await options.fetch(options.graphqlUrl, {
              method: 'POST',
              headers: { authorization: `Bearer ${options.apiToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                query: ACCESS_LOGIN_SETTINGS_QUERY,
                variables: { accountTag: options.accountId },
              }),
              signal,
            });
          } catch (error) {
            throw (
              toTransportLookupError(error, secrets) ??
              new LookupError('upstream_unavailable', {
                safeMessage: 'Could not reach the Cloudflare API.',
                detail: 'POST graphql: network error',
              })
            );
          }
          const text = await readCappedText(response, DEFAULT_MAX_RESPONSE_BYTES, 'POST graphql');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const errors = (json as { errors?: unknown } | undefined)?.errors;
          if (!response.ok || (Array.isArray(errors) && errors.length > 0)) {
            throw toHttpLookupError(
              response.status,
              response.headers,
              Array.isArray(errors) ? errors : [],
              secrets,
              permission,
            );
          }
          return json;
        },
        scope,
      );
      const settings = settingsSchema.safeParse(body);
      const dataset = settings.success
        ? settings.data.data.viewer.accounts[0]?.settings?.accessLoginRequestsAdaptiveGroups
        : undefined;
      if (!dataset)
        return { permission, ok: false, detail: 'the account id is wrong, or the token cannot read it' };
      return dataset.enabled
        ? { permission, ok: true, detail: 'finds logins by Ray ID' }
        : { permission, ok: false, detail: "Access login analytics are not enabled on this account's plan" };
    } catch (error) {
      return failed(permission, error);
    }
  }

  const rest = (
    scope: CallScope,
    permission: string,
    path: string,
    adds: string,
    query: Record<string, string> = one,
  ) =>
    options.rest.get(`${account}${path}`, anyList, permission, query, scope).then(
      (): PermissionCheck => ({ permission, ok: true, detail: adds }),
      (error: unknown) => failed(permission, error),
    );

  async function tokenActive(scope: CallScope): Promise<PermissionCheck> {
    const permission = 'API token';
    try {
      const { status } = await options.rest.get(
        '/user/tokens/verify',
        tokenSchema,
        permission,
        undefined,
        scope,
      );
      return status === 'active'
        ? { permission, ok: true, detail: 'active' }
        : { permission, ok: false, detail: `the token is ${status}: roll it or create a new one` };
    } catch (error) {
      return failed(permission, error);
    }
  }

  return {
    // One deadline for the whole check, like a lookup.
    // The bot's own calls: no spender, so they spend the bot's own share.
    check: () => {
      const scope = guard.newScope();
      return Promise.all([
        tokenActive(scope),
        analytics(scope),
        rest(scope, PERMISSIONS.apps, '/access/apps', 'names apps and replays their policies'),
        rest(
          scope,
          PERMISSIONS.audit,
          '/access/logs/access_requests',
          'user emails, failed logins, identity log',
          { limit: '1' },
        ),
        rest(scope, PERMISSIONS.org, '/access/identity_providers', 'IdP names, groups, login-method rules'),
        rest(scope, PERMISSIONS.tokens, '/access/service_tokens', 'service token names and expiry'),
        rest(scope, PERMISSIONS.posture, '/devices/posture', 'device posture rules'),
      ]);
    },
  };
}
