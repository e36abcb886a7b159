import { channel } from 'node:diagnostics_channel';
import type { Duplex } from 'node:stream';
import { type Agent, ping, WebSocket } from 'undici';
import { backoffMs, pause } from './slack-api-call.js';
import { SlackRuntimeError } from './slack-runtime-error.js';
import { connectWebSocket, openLinkUrl, TransientError } from './socket-link.js';

/**
 * Socket Mode, written for this bot instead of Bolt's SocketModeReceiver (@slack/socket-mode 3.1,
 * which Bolt 5.1 ships), because that client, read in node_modules/@slack/socket-mode/dist/src:
 * - closes the link on every `disconnect` message, `warning` included, and reconnects only after
 *   `clientPingTimeout` × failures (5 s by default) — a gap in which commands fail;
 * - gets Bolt's `clientOptions.retryConfig`, so with a short Web API retry policy a failed
 *   `apps.connections.open` during a reconnect rejects a promise nobody handles
 *   (`delayReconnectAttempt` → `cb.apply(this).then(res)`; node-slack-sdk issue #2656, fixed only in
 *   socket-mode 3.2, which the registry does not serve here) and nothing then keeps Node alive;
 * - treats a network error (`WebAPIRequestError`) or an HTTP error of `apps.connections.open` as
 *   unrecoverable and stops reconnecting;
 * - holds one WebSocket, so it cannot open the next link before dropping the old one.
 * Slack allows an app several links at once and sends each envelope to one of them; a client should
 * connect to a new URL as soon as it is told to ("Connections refresh regularly. You should be ready
 * to receive and connect to new WebSocket URLs as quickly as possible",
 * api.slack.com/apis/connections/socket-implement).
 */

export type SlackConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface SocketEnvelope {
  envelopeId: string;
  type: string;
  payload: Record<string, unknown>;
  retryAttempt?: number;
  retryReason?: string;
  acceptsResponsePayload: boolean;
}

/** Sends the ack for one envelope on the link that carried it; resolves false when it could not. */
export type EnvelopeAck = (payload?: Record<string, unknown>) => Promise<boolean>;

export interface SocketTimings {
  /** How often the client pings Slack. */
  pingIntervalMs: number;
  /** A link that sent nothing (message, ping or pong) for this long is dead (half-open) and replaced. */
  silenceTimeoutMs: number;
  /** A link must say `hello` this soon after it is asked for. */
  helloTimeoutMs: number;
  /** Per `apps.connections.open` call. */
  openTimeoutMs: number;
  /** Backoff between failed reconnect attempts. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How long a replaced link stays open for acks of what it already delivered. */
  retireAfterMs: number;
  /** After sending a close frame, destroy the socket if the close handshake takes longer. */
  closeHandshakeMs: number;
}

export const DEFAULT_SOCKET_TIMINGS: SocketTimings = {
  // @slack/socket-mode pings every 5 s and gives up on a pong after 5 s (clientPingTimeout) and on
  // Slack's pings after 30 s (serverPingTimeout); one rule, "silent for 30 s", covers both here.
  pingIntervalMs: 5_000,
  silenceTimeoutMs: 30_000,
  helloTimeoutMs: 10_000,
  openTimeoutMs: 10_000,
  retryMinMs: 250,
  retryMaxMs: 5_000,
  retireAfterMs: 2_000,
  closeHandshakeMs: 1_000,
};

export interface SocketModeConnectionOptions {
  appToken: string;
  /** Web API base ending with `/`. */
  apiUrl: string;
  /** Without a usable link this long (Slack or the network gone), the connection fails for good. */
  offlineExitMs: number;
  onEnvelope(envelope: SocketEnvelope, ack: EnvelopeAck): void;
  /** Called once per state change. */
  onState?(state: SlackConnectionState): void;
  /** After `start()` resolved: a failure no reconnect can fix. The process should exit non-zero. */
  onFatal(error: SlackRuntimeError): void;
  /** One structured line per notable event (never a payload or a token). */
  log(entry: Record<string, unknown>): void;
  timings?: Partial<SocketTimings>;
  fetch?: typeof fetch;
}

export interface SocketModeConnection {
  /** Resolves once the first link said hello; rejects with a SlackRuntimeError if it never can. */
  start(): Promise<void>;
  /** Stops delivering envelopes; links stay open for acks of what was already delivered. */
  pause(): void;
  /** Closes every link (waiting at most `closeHandshakeMs` each) and stops reconnecting. */
  stop(): Promise<void>;
  state(): SlackConnectionState;
  /** Links that said hello and are still open. */
  openLinks(): number;
}

interface Link {
  id: number;
  ws: WebSocket;
  agent: Agent;
  socket: Duplex | undefined;
  ready: boolean;
  /** Told to go (`disconnect`) or replaced: gets no new work from the bot's side. */
  retiring: boolean;
  lastHeard: number;
  pendingAcks: number;
  closed: Promise<void>;
  timers: NodeJS.Timeout[];
}

const pingChannel = channel('undici:websocket:ping');
const pongChannel = channel('undici:websocket:pong');

/** Builds the Socket Mode connection manager (see the comment at the top of this file). */
export function createSocketModeConnection(options: SocketModeConnectionOptions): SocketModeConnection {
  const timings = { ...DEFAULT_SOCKET_TIMINGS, ...options.timings };
  const links = new Set<Link>();
  const bySocket = new WeakMap<WebSocket, Link>();
  let state: SlackConnectionState = 'disconnected';
  let started = false;
  let stopping = false;
  let paused = false;
  let nextId = 1;
  /** Set while a new link is being opened, so two triggers never open two. */
  let opening: Promise<void> | undefined;
  /** When the bot last had no usable link (start, or the last link lost). */
  let offlineSince = Date.now();
  const stopController = new AbortController();

  const heard = (message: unknown) => {
    const ws = (message as { websocket?: unknown }).websocket;
    const link = ws instanceof WebSocket ? bySocket.get(ws) : undefined;
    if (link) link.lastHeard = Date.now();
  };

  const setState = (next: SlackConnectionState, extra: Record<string, unknown> = {}) => {
    if (next === state) return;
    state = next;
    options.log({
      level: next === 'connected' ? 'info' : 'warn',
      msg: 'slack connection',
      state: next,
      ...extra,
    });
    options.onState?.(next);
  };

  const usable = () => [...links].filter((link) => link.ready && link.ws.readyState === WebSocket.OPEN);

  const refreshState = (reason?: string) => {
    if (stopping) return;
    if (usable().length > 0) {
      setState('connected', { links: usable().length });
      return;
    }
    if (state === 'connected') offlineSince = Date.now();
    setState(started ? 'reconnecting' : 'connecting', reason ? { reason } : {});
  };

  /** Opens one link and resolves when Slack said hello on it. */
  async function openLink(): Promise<Link> {
    const url = await openLinkUrl({
      apiUrl: options.apiUrl,
      appToken: options.appToken,
      timeoutMs: timings.openTimeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const { ws, agent, socket } = connectWebSocket(url);
    let markClosed: () => void = () => undefined;
    const link: Link = {
      id: nextId++,
      ws,
      agent,
      get socket() {
        return socket();
      },
      ready: false,
      retiring: false,
      lastHeard: Date.now(),
      pendingAcks: 0,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
      timers: [],
    };
    bySocket.set(ws, link);
    links.add(link);

    return new Promise<Link>((resolve, reject) => {
      const helloTimer = setTimeout(() => {
        reject(new TransientError('no_hello'));
        destroy(link);
      }, timings.helloTimeoutMs);
      link.timers.push(helloTimer);
      ws.addEventListener('message', (event) => {
        link.lastHeard = Date.now();
        if (typeof event.data !== 'string') return;
        let message: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(event.data);
          if (typeof parsed !== 'object' || parsed === null) return;
          message = parsed as Record<string, unknown>;
        } catch {
          return;
        }
        if (message.type === 'hello') {
          clearTimeout(helloTimer);
          link.ready = true;
          startHeartbeat(link);
          resolve(link);
          refreshState();
          retireOthers(link);
          return;
        }
        if (message.type === 'disconnect') {
          onDisconnectMessage(link, typeof message.reason === 'string' ? message.reason : 'unknown');
          return;
        }
        onEnvelopeMessage(link, message);
      });
      ws.addEventListener('error', () => {
        // A close event follows; the reason is logged there once.
      });
      ws.addEventListener('close', () => {
        clearTimeout(helloTimer);
        reject(new TransientError('closed_before_hello'));
        forget(link);
        markClosed();
        if (link.ready && !stopping) {
          refreshState('link_closed');
          if (usable().length === 0) ensureLink();
        }
      });
    });
  }

  function startHeartbeat(link: Link) {
    const timer = setInterval(() => {
      if (Date.now() - link.lastHeard > timings.silenceTimeoutMs) {
        options.log({ level: 'warn', msg: 'slack link silent, replacing it', link: link.id });
        destroy(link);
        return;
      }
      try {
        ping(link.ws, Buffer.from('access-why'));
      } catch {
        destroy(link);
      }
    }, timings.pingIntervalMs);
    link.timers.push(timer);
  }

  function onEnvelopeMessage(link: Link, message: Record<string, unknown>) {
    const envelopeId = message.envelope_id;
    const payload = message.payload;
    if (typeof envelopeId !== 'string' || typeof payload !== 'object' || payload === null) return;
    if (paused || stopping) {
      // Not acked: Slack re-sends events elsewhere; a command fails in Slack rather than being
      // accepted and dropped by a process that is going away.
      return;
    }
    let acked = false;
    link.pendingAcks += 1;
    const ack: EnvelopeAck = async (response) => {
      if (acked) return true;
      acked = true;
      link.pendingAcks -= 1;
      if (link.ws.readyState !== WebSocket.OPEN) {
        options.log({
          level: 'warn',
          msg: 'slack ack not delivered: link closed',
          type: String(message.type),
        });
        return false;
      }
      const hasPayload = response !== undefined && Object.keys(response).length > 0;
      link.ws.send(JSON.stringify({ envelope_id: envelopeId, ...(hasPayload ? { payload: response } : {}) }));
      return true;
    };
    options.onEnvelope(
      {
        envelopeId,
        type: typeof message.type === 'string' ? message.type : 'unknown',
        payload: payload as Record<string, unknown>,
        ...(typeof message.retry_attempt === 'number' ? { retryAttempt: message.retry_attempt } : {}),
        ...(typeof message.retry_reason === 'string' ? { retryReason: message.retry_reason } : {}),
        acceptsResponsePayload: message.accepts_response_payload === true,
      },
      ack,
    );
  }

  function onDisconnectMessage(link: Link, reason: string) {
    if (reason === 'link_disabled') {
      // Socket Mode was switched off for the app: no reconnect can help.
      fail(
        new SlackRuntimeError(
          'socket_mode_disabled',
          'Slack disabled Socket Mode for this app (link_disabled): turn Socket Mode on in the app settings, ' +
            'or set SLACK_SOCKET_MODE=false to use HTTP mode, then restart',
        ),
      );
      return;
    }
    link.retiring = true;
    if (reason === 'too_many_websockets') {
      // Slack refused this link (over its limit per app): drop it; keep any other.
      options.log({ level: 'warn', msg: 'slack refused a link', reason });
      closeLink(link);
      if (usable().filter((other) => other !== link).length === 0) ensureLink();
      return;
    }
    // `warning` comes seconds before `refresh_requested`; either way open the next link now and keep
    // this one until the next says hello, so there is no moment without a link.
    ensureLink();
  }

  /** Once `fresh` said hello, close the links Slack asked to drop (after their acks went out). */
  function retireOthers(fresh: Link) {
    for (const link of links) {
      if (link === fresh || !link.retiring) continue;
      const timer = setTimeout(() => closeLink(link), link.pendingAcks > 0 ? timings.retireAfterMs : 0);
      link.timers.push(timer);
    }
  }

  function forget(link: Link) {
    for (const timer of link.timers) clearTimeout(timer);
    link.timers = [];
    links.delete(link);
    link.agent.destroy().catch(() => undefined);
  }

  function destroy(link: Link) {
    link.socket?.destroy();
    try {
      link.ws.close();
    } catch {
      // Already closing.
    }
    // Without a socket yet (still connecting) the agent's destroy aborts the handshake.
    link.agent.destroy().catch(() => undefined);
  }

  function closeLink(link: Link): Promise<void> {
    if (link.ws.readyState === WebSocket.OPEN || link.ws.readyState === WebSocket.CONNECTING) {
      try {
        link.ws.close(1000);
      } catch {
        destroy(link);
      }
    }
    const timer = setTimeout(() => destroy(link), timings.closeHandshakeMs);
    link.timers.push(timer);
    return link.closed;
  }

  function fail(error: SlackRuntimeError) {
    if (stopping) return;
    stopping = true;
    stopController.abort();
    for (const link of [...links]) destroy(link);
    setState('disconnected', { reason: error.code });
    options.onFatal(error);
  }

  /** Opens a link unless one is being opened; retries with backoff until `offlineExitMs`. */
  function ensureLink(): Promise<void> {
    if (opening || stopping) return opening ?? Promise.resolve();
    const attempt = (async () => {
      for (let failures = 0; !stopping; failures += 1) {
        try {
          await openLink();
          return;
        } catch (error) {
          if (error instanceof SlackRuntimeError) throw error;
          if (stopping) return;
          // A retiring link still delivers until Slack closes it: keep trying without a deadline then.
          const offlineFor = usable().length > 0 ? 0 : Date.now() - offlineSince;
          if (offlineFor >= options.offlineExitMs) {
            const reason = error instanceof TransientError ? error.reason : 'unknown';
            throw new SlackRuntimeError(
              'slack_unreachable',
              `Slack Socket Mode unreachable for ${Math.round(offlineFor / 1000)} s (last: ${reason}); ` +
                'exiting so the supervisor restarts the bot — check the network and Slack status',
            );
          }
          const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined;
          const wait = retryAfter ?? backoffMs(failures, timings.retryMinMs, timings.retryMaxMs);
          await pause(wait, stopController.signal);
        }
      }
    })();
    opening = attempt.finally(() => {
      opening = undefined;
    });
    // Every rejection ends here (no unhandled rejection): before start() resolved it is start()'s
    // to report; after, it ends the process through onFatal.
    opening.catch((error: unknown) => {
      if (started && error instanceof SlackRuntimeError) fail(error);
    });
    return opening;
  }

  return {
    async start() {
      pingChannel.subscribe(heard);
      pongChannel.subscribe(heard);
      offlineSince = Date.now();
      setState('connecting');
      try {
        await ensureLink();
      } catch (error) {
        stopping = true;
        setState('disconnected');
        throw error;
      }
      if (usable().length === 0)
        throw new SlackRuntimeError('slack_unreachable', 'Socket Mode stopped before it connected');
      started = true;
    },
    pause() {
      paused = true;
    },
    async stop() {
      stopping = true;
      stopController.abort();
      pingChannel.unsubscribe(heard);
      pongChannel.unsubscribe(heard);
      await Promise.all([...links].map((link) => closeLink(link)));
      setState('disconnected');
    },
    state: () => state,
    openLinks: () => usable().length,
  };
}
