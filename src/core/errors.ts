/** Closed set of failures a lookup can end in; each maps to one card and one admin action. */
export const LOOKUP_ERROR_CODES = [
  'cloudflare_auth',
  'cloudflare_permission',
  'upstream_rate_limited',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_bad_response',
  'upstream_query_error',
  'dataset_unavailable',
  'config_invalid',
  // The bot was shutting down (deploy, supervisor restart) and its drain deadline came first.
  'interrupted',
] as const;
export type LookupErrorCode = (typeof LOOKUP_ERROR_CODES)[number];

export interface LookupErrorInit {
  /** Shown to Slack users and printed by the CLI: never contains a token, a query or a raw body. */
  safeMessage: string;
  /** For logs only; already redacted by the adapter that built it. */
  detail?: string;
  /** The Cloudflare token permission that would fix a `cloudflare_permission` error. */
  permission?: string;
  retryAfterSeconds?: number;
  status?: number;
}

/** A coded failure with a user-safe message and an internal detail (kept out of cards). */
export class LookupError extends Error {
  override readonly name = 'LookupError';
  readonly code: LookupErrorCode;
  readonly safeMessage: string;
  readonly detail: string | undefined;
  readonly permission: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly status: number | undefined;

  constructor(code: LookupErrorCode, init: LookupErrorInit) {
    super(`${code}: ${init.safeMessage}`);
    this.code = code;
    this.safeMessage = init.safeMessage;
    this.detail = init.detail;
    this.permission = init.permission;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.status = init.status;
  }
}

/** The user-safe view of a failure, as results and cards carry it. */
export interface LookupFailure {
  code: LookupErrorCode;
  message: string;
  permission?: string;
  retryAfterSeconds?: number;
}

/** Turns anything thrown into a user-safe failure without ever reading a foreign error's message. */
export function toLookupFailure(error: unknown): LookupFailure {
  if (error instanceof LookupError) {
    return {
      code: error.code,
      message: error.safeMessage,
      ...(error.permission === undefined ? {} : { permission: error.permission }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  return {
    code: 'upstream_bad_response',
    message: 'The lookup failed unexpectedly; the bot logged the details.',
  };
}
