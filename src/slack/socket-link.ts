import type { Duplex } from 'node:stream';
import { Agent, buildConnector, WebSocket } from 'undici';
import { callSlackApi } from './slack-api-call.js';
import { PERMANENT_TOKEN_ERRORS, SlackRuntimeError } from './slack-runtime-error.js';

/** A failure worth another try (network, 5xx, 429, no hello): the reconnect loop backs off and retries. */
export class TransientError extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/**
 * Asks `apps.connections.open` for a single-use link URL with the app-level token. A token Slack
 * refuses for good is a SlackRuntimeError naming SLACK_APP_TOKEN; anything else is transient.
 */
export async function openLinkUrl(options: {
  apiUrl: string;
  appToken: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): Promise<string> {
  const outcome = await callSlackApi({
    apiUrl: options.apiUrl,
    method: 'apps.connections.open',
    token: options.appToken,
    timeoutMs: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (outcome.kind === 'transient') throw new TransientError(outcome.reason, outcome.retryAfterMs);
  if (outcome.kind === 'refused') {
    if (PERMANENT_TOKEN_ERRORS.has(outcome.error)) {
      throw new SlackRuntimeError(
        'app_token_rejected',
        `SLACK_APP_TOKEN was rejected by Slack (${outcome.error}): create an app-level token with ` +
          'connections:write (Basic Information › App-Level Tokens), set it and restart',
      );
    }
    throw new TransientError(outcome.error);
  }
  const url = outcome.body.url;
  if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) throw new TransientError('no_url');
  return url;
}

/**
 * Opens a WebSocket through an Agent of its own whose connector keeps hold of the TCP socket:
 * undici's WebSocket hides it, and a stalled peer can only be dropped by destroying it (the same
 * reason @slack/socket-mode 3.1 builds one, `buildDefaultDispatcher` in its SlackWebSocket.js).
 */
export function connectWebSocket(url: string): {
  ws: WebSocket;
  agent: Agent;
  socket: () => Duplex | undefined;
} {
  let socket: Duplex | undefined;
  const connect = buildConnector({ allowH2: false });
  const agent = new Agent({
    connect: (connectOptions, callback) =>
      connect(connectOptions, (error, connected) => {
        if (connected) socket = connected;
        if (error || !connected) callback(error ?? new Error('no socket'), null);
        else callback(null, connected);
      }),
  });
  return { ws: new WebSocket(url, { dispatcher: agent }), agent, socket: () => socket };
}
