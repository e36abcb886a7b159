/** Why the bot cannot run against Slack; each names the variable or condition and the fix. */
export type SlackRuntimeErrorCode =
  | 'bot_token_rejected'
  | 'app_token_rejected'
  | 'socket_mode_disabled'
  | 'slack_unreachable';

/**
 * A failure that ends the process with a non-zero exit, so a supervisor restarts it (or an operator
 * reads the one line). The message is ours: it never quotes a token or a Slack response body.
 */
export class SlackRuntimeError extends Error {
  override readonly name = 'SlackRuntimeError';
  readonly code: SlackRuntimeErrorCode;
  constructor(code: SlackRuntimeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Web API error codes that no retry can fix: the token itself is wrong, revoked or of the wrong kind.
 * `invalid_auth`, `not_authed`, `account_inactive`, `user_removed_from_team` and `team_disabled` are
 * the ones @slack/socket-mode 3.1 treats as unrecoverable for `apps.connections.open`
 * (node_modules/@slack/socket-mode/dist/src/UnrecoverableSocketModeStartError.js); the others are
 * documented token errors of every Web API method.
 */
export const PERMANENT_TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'user_removed_from_team',
  'team_disabled',
  'missing_scope',
]);

/** Only Slack's error code, and only when it looks like one (never echo a body). */
export function safeErrorCode(value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,60}$/.test(value) ? value : 'unknown_error';
}
