/** Envelope payloads as Slack sends them in Socket Mode: what HTTP mode would have received, parsed. */

export function slashCommandPayload(text: string, responseUrl: string): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: 'C0HELPDESK',
    channel_name: 'helpdesk',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/access-why',
    text,
    api_app_id: 'A0ACCESSWHY',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: '1337.42.abcdef',
  };
}

export function eventCallbackPayload(
  event: Record<string, unknown>,
  eventId: string,
): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0SANDBOX',
    api_app_id: 'A0ACCESSWHY',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0SANDBOX', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    event,
  };
}

export function messageShortcutPayload(
  message: Record<string, unknown>,
  responseUrl: string,
): Record<string, unknown> {
  return {
    type: 'message_action',
    callback_id: 'explain_access_denial',
    trigger_id: '1.2.3',
    message_ts: message.ts,
    response_url: responseUrl,
    message,
    user: { id: 'U0ALICE', name: 'alice', team_id: 'T0SANDBOX' },
    channel: { id: 'C0GENERAL', name: 'general' },
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    token: 'legacy',
    action_ts: `${Math.floor(Date.now() / 1000)}.000001`,
    is_enterprise_install: false,
  };
}

export function buttonPayload(actionId: string, value: string, responseUrl: string): Record<string, unknown> {
  const ts = `${Math.floor(Date.now() / 1000)}.000002`;
  return {
    type: 'block_actions',
    trigger_id: '4.5.6',
    user: { id: 'U0ALICE', username: 'alice', team_id: 'T0SANDBOX' },
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    api_app_id: 'A0ACCESSWHY',
    token: 'legacy',
    container: { type: 'message', message_ts: ts, channel_id: 'C0GENERAL', is_ephemeral: true },
    channel: { id: 'C0GENERAL', name: 'general' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'card_actions', value, action_ts: ts }],
  };
}
