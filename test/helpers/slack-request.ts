import { createHmac } from 'node:crypto';

/** Headers Slack sends with a v0-signed request. */
export function signedHeaders(
  signingSecret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return {
    // Bolt compares the content type exactly: no charset suffix.
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-signature': signature,
    'x-slack-request-timestamp': String(timestamp),
  };
}

/** The form body of a slash command invocation. */
export function slashCommandBody(text: string, responseUrl: string, command = '/access-why'): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: 'C0HELPDESK',
    channel_name: 'helpdesk',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command,
    text,
    api_app_id: 'A0ACCESSWHY',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: '1337.42.abcdef',
  }).toString();
}

/** POSTs a signed slash command to a running bot. */
export function postSlashCommand(
  url: string,
  signingSecret: string,
  text: string,
  responseUrl: string,
  timestamp?: number,
): Promise<Response> {
  const body = slashCommandBody(text, responseUrl);
  return fetch(url, { method: 'POST', headers: signedHeaders(signingSecret, body, timestamp), body });
}

/** POSTs a signed Events API `event_callback` (JSON), optionally as a retry. */
export function postEvent(
  url: string,
  signingSecret: string,
  event: Record<string, unknown>,
  options: { eventId: string; retryNum?: number },
): Promise<Response> {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0SANDBOX',
    api_app_id: 'A0ACCESSWHY',
    type: 'event_callback',
    event_id: options.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0SANDBOX', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    event,
  });
  const headers: Record<string, string> = {
    ...signedHeaders(signingSecret, body),
    'content-type': 'application/json',
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}

/** POSTs a signed interactive payload (shortcut, block action) as Slack does: form field `payload`. */
export function postInteraction(
  url: string,
  signingSecret: string,
  payload: Record<string, unknown>,
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return fetch(url, { method: 'POST', headers: signedHeaders(signingSecret, body), body });
}

/** A `block_actions` payload for one button click, as Slack sends it. */
export function blockActionPayload(options: {
  actionId: string;
  value: string;
  responseUrl: string;
  user?: string;
  channel?: string;
  ephemeral?: boolean;
  messageTs?: string;
}) {
  const user = options.user ?? 'U0ALICE';
  const channel = options.channel ?? 'C0GENERAL';
  const ts = options.messageTs ?? `${Math.floor(Date.now() / 1000)}.000100`;
  return {
    type: 'block_actions',
    trigger_id: '4.5.6',
    user: { id: user, username: user.toLowerCase(), team_id: 'T0SANDBOX' },
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    api_app_id: 'A0ACCESSWHY',
    token: 'legacy',
    container: {
      type: 'message',
      message_ts: ts,
      channel_id: channel,
      is_ephemeral: options.ephemeral ?? true,
    },
    channel: { id: channel, name: channel.toLowerCase() },
    response_url: options.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: 'card_actions',
        value: options.value,
        action_ts: ts,
      },
    ],
  };
}

/** A message shortcut ("Explain Access denial") on `message`, as Slack sends it. */
export function messageShortcutPayload(options: {
  message: Record<string, unknown>;
  responseUrl: string;
  user?: string;
  channel?: string;
}) {
  const user = options.user ?? 'U0ALICE';
  const channel = options.channel ?? 'C0GENERAL';
  return {
    type: 'message_action',
    callback_id: 'explain_access_denial',
    trigger_id: '1.2.3',
    message_ts: options.message.ts,
    response_url: options.responseUrl,
    message: options.message,
    user: { id: user, name: user.toLowerCase(), team_id: 'T0SANDBOX' },
    channel: { id: channel, name: channel.toLowerCase() },
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    token: 'legacy',
    action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
    is_enterprise_install: false,
  };
}
