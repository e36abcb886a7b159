import { ClientError } from 'graphql-request';
import { LookupError } from '../core/errors.js';
import { redact } from './redact.js';

export const ANALYTICS_PERMISSION = 'Account Analytics Read';
/** Cloudflare's GraphQL budget resets every five minutes, and REST blocks a user for five minutes. */
const DEFAULT_RETRY_AFTER_SECONDS = 300;
/**
 * Cloudflare's documented "please try again later" messages (sent with a 503): the query is fine,
 * Cloudflare is busy, so the call is worth retrying even when they come in a 200.
 */
const TRANSIENT = /unable to execute query, please try again later|too many queries in progress/i;

/**
 * Cloudflare's answer to one field the account's plan lacks: the whole query fails with
 * "does not have access to the field '…'" (seen live on a Zero Trust Free account; see README).
 * That is not a token problem, so it must not ask for a permission.
 */
const UNAVAILABLE_FIELD = /does not have access to the field\s*['"`]?([A-Za-z0-9_.]+)['"`]?/i;

/** A login query refused over one field the plan lacks; the event source drops it and asks again. */
export class FieldUnavailableError extends LookupError {
  readonly field: string;
  constructor(field: string, status: number, detail: string) {
    super('upstream_query_error', {
      safeMessage: "Cloudflare refused a field of the login query that this account's plan does not include.",
      detail,
      status,
    });
    this.field = field;
  }
}

interface UpstreamError {
  message?: unknown;
  extensions?: { code?: unknown } | null;
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function firstMessage(errors: readonly UpstreamError[]): string {
  const message = errors.find((e) => typeof e.message === 'string')?.message;
  return typeof message === 'string' ? message : 'no message';
}

/** Classifies a failed transport call (any error that is not an HTTP answer). */
export function toTransportLookupError(error: unknown, secrets: readonly string[]): LookupError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return new LookupError('upstream_timeout', {
      safeMessage: 'Cloudflare did not answer in time.',
      detail: redact(`${error.name}: ${error.message}`, secrets),
    });
  }
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) {
    const cause =
      error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : 'unknown cause';
    return new LookupError('upstream_unavailable', {
      safeMessage: 'Could not reach the Cloudflare API (network error).',
      detail: redact(`network error: ${cause}`, secrets),
    });
  }
  return undefined;
}

/** Maps an HTTP status (plus any upstream error list) to a coded error. */
export function toHttpLookupError(
  status: number,
  headers: Headers | undefined,
  errors: readonly UpstreamError[],
  secrets: readonly string[],
  permission: string,
): LookupError {
  const upstream = redact(firstMessage(errors), secrets, 200);
  const codes = errors.map((e) => e.extensions?.code);
  const messages = errors.map((e) => (typeof e.message === 'string' ? e.message : ''));
  if (
    status === 429 ||
    codes.includes('budget') ||
    messages.some((m) => /rate limit|budget|quota exceeded/i.test(m))
  ) {
    const retryAfter = retryAfterSeconds(headers) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return new LookupError('upstream_rate_limited', {
      safeMessage: `Cloudflare's API rate limit for this account is used up; it resets within ${retryAfter} s.`,
      detail: `HTTP ${status}: ${upstream}`,
      retryAfterSeconds: retryAfter,
      status,
    });
  }
  const refusedField = messages.map((m) => UNAVAILABLE_FIELD.exec(m)?.[1]).find((f) => f !== undefined);
  if (refusedField !== undefined && status !== 401 && status !== 403) {
    // The name of the last segment only (`dimensions.country` → `country`).
    return new FieldUnavailableError(
      refusedField.split('.').at(-1) ?? refusedField,
      status,
      `HTTP ${status}: ${upstream}`,
    );
  }
  if (status === 401) {
    return new LookupError('cloudflare_auth', {
      safeMessage:
        'Cloudflare rejected the API token (HTTP 401): it is missing, invalid, expired or revoked.',
      detail: `HTTP 401: ${upstream}`,
      status,
    });
  }
  if (
    status === 403 ||
    codes.includes('authz') ||
    messages.some((m) => /not authorized|does not have access/i.test(m))
  ) {
    return new LookupError('cloudflare_permission', {
      safeMessage: `The Cloudflare API token is not allowed to read this (it needs *${permission}* on this account).`,
      detail: `HTTP ${status}: ${upstream}`,
      permission,
      status,
    });
  }
  if (status >= 500 || messages.some((m) => TRANSIENT.test(m))) {
    return new LookupError('upstream_unavailable', {
      safeMessage:
        status >= 500
          ? `Cloudflare's API is failing (HTTP ${status}); try again in a minute.`
          : 'Cloudflare is too busy to run the query right now; try again in a minute.',
      detail: `HTTP ${status}: ${upstream}`,
      status,
    });
  }
  return new LookupError('upstream_query_error', {
    safeMessage: `Cloudflare rejected the query: ${upstream}`,
    detail: `HTTP ${status}: ${upstream}`,
    status,
  });
}

/**
 * Maps anything graphql-request throws to a LookupError. Its ClientError message embeds the whole
 * request and response, so it is never read: only status, headers and the upstream `errors` are.
 */
export function toGraphqlLookupError(error: unknown, secrets: readonly string[]): LookupError {
  if (error instanceof LookupError) return error;
  if (error instanceof ClientError) {
    const errors = Array.isArray(error.response.errors) ? (error.response.errors as UpstreamError[]) : [];
    const status = error.response.status;
    if (status >= 200 && status < 300 && errors.length === 0) {
      return new LookupError('upstream_bad_response', {
        safeMessage: 'Cloudflare sent a GraphQL response the bot could not read.',
        detail: `HTTP ${status} without data`,
        status,
      });
    }
    return toHttpLookupError(status, error.response.headers, errors, secrets, ANALYTICS_PERMISSION);
  }
  const transport = toTransportLookupError(error, secrets);
  if (transport) return transport;
  const name = error instanceof Error ? error.name : typeof error;
  return new LookupError('upstream_bad_response', {
    safeMessage: 'Cloudflare sent a response the bot could not read (not GraphQL JSON).',
    // The name only: graphql-request's parse errors quote the body.
    detail: `unreadable GraphQL response (${name})`,
  });
}
