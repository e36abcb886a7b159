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
