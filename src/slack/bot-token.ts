import { backoffMs, callSlackApi, pause } from './slack-api-call.js';
import { PERMANENT_TOKEN_ERRORS, SlackRuntimeError } from './slack-runtime-error.js';

export interface BotIdentity {
  botId: string;
  botUserId: string;
  teamId?: string;
}

export interface VerifyBotTokenOptions {
  apiUrl: string;
  token: string;
  /** Keep retrying a Slack that cannot be reached for this long, then give up. */
  giveUpAfterMs: number;
  fetch?: typeof fetch;
  /** Test seam for the waits between tries. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/**
 * Checks the bot token with `auth.test` before the bot says it is connected. Bolt would call it too,
 * but on failure only logs and then acks every request while answering none (issue 10), so the
 * runtime does it first and hands Bolt the identity (`botId`/`botUserId`), which also stops Bolt's own
 * call (`runAuthTestForBotToken` in @slack/bolt's App.js runs only when either is missing).
 */
export async function verifyBotToken(options: VerifyBotTokenOptions): Promise<BotIdentity> {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await callSlackApi({
      apiUrl: options.apiUrl,
      method: 'auth.test',
      token: options.token,
      timeoutMs: 10_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (outcome.kind === 'ok') {
      const { bot_id: botId, user_id: botUserId, team_id: teamId } = outcome.body;
      if (typeof botId !== 'string' || typeof botUserId !== 'string') {
        throw new SlackRuntimeError(
          'bot_token_rejected',
          'SLACK_BOT_TOKEN is not a bot token (auth.test names no bot): use the Bot User OAuth Token ' +
            '(xoxb-…) from OAuth & Permissions',
        );
      }
      return { botId, botUserId, ...(typeof teamId === 'string' ? { teamId } : {}) };
    }
    if (outcome.kind === 'refused') {
      const fix = PERMANENT_TOKEN_ERRORS.has(outcome.error)
        ? 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions (reinstall the app if it was revoked)'
        : 'check the token and the app’s installation on OAuth & Permissions';
      throw new SlackRuntimeError(
        'bot_token_rejected',
        `SLACK_BOT_TOKEN was rejected by Slack (${outcome.error}): ${fix}, then restart`,
      );
    }
    if (Date.now() - started >= options.giveUpAfterMs) {
      throw new SlackRuntimeError(
        'slack_unreachable',
        `Slack's Web API could not be reached to check SLACK_BOT_TOKEN (${outcome.reason}); check the ` +
          'network and SLACK_API_URL',
      );
    }
    const wait =
      outcome.retryAfterMs ?? backoffMs(attempt, options.retryMinMs ?? 500, options.retryMaxMs ?? 5_000);
    await pause(Math.min(wait, Math.max(0, options.giveUpAfterMs - (Date.now() - started))));
  }
}
