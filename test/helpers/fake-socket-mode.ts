import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenOnLoopback } from '../../src/sandbox/listen.js';

/**
 * A loopback server that speaks Slack's Socket Mode as Slack does (api.slack.com/apis/connections/
 * socket-implement; /work/shared/notes/socket-mode.md): single-use ticket URLs handed out by the fake
 * Web API's `apps.connections.open`, `hello` first, envelopes with `envelope_id` (and for
 * `events_api` `retry_attempt`/`retry_reason`), an ack per envelope checked against the envelopes it
 * sent on that link, un-acked `events_api` envelopes re-sent with `retry_attempt` + 1, `disconnect`
 * with each reason (after `refresh_requested` the link gets no new envelopes and is closed after a
 * while if the client keeps it), pings from the server, and faults: a dropped TCP link, an outage.
 */

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export interface FakeLinkInfo {
  id: number;
  /** Said hello and not told to go. */
  live: boolean;
}

export interface RecordedAck {
  envelopeId: string;
  linkId: number;
  payload?: unknown;
}

export interface SentEnvelope {
  envelopeId: string;
  /** False when no link could take it (Slack would show the user an error for a command). */
  delivered: boolean;
  linkId?: number;
}

export interface FakeSocketModeOptions {
  /** Re-send an un-acked `events_api` envelope after this long (Slack: about 3 s). */
  ackTimeoutMs?: number;
  /** Re-sends of one event before Slack gives up. */
  maxRetries?: number;
  /** After `refresh_requested`, close the link after this long if the client did not. */
  refreshCloseMs?: number;
  pingIntervalMs?: number;
}

export interface FakeSocketMode {
  /** A fresh single-use link URL, as `apps.connections.open` returns it. */
  url(): string;
  links(): FakeLinkInfo[];
  /** Resolves when `count` links are live (said hello, not told to go). */
  waitForLiveLinks(count: number, timeoutMs?: number): Promise<void>;
  /** Sends one envelope on the newest live link. */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number; retryReason?: string; acceptsResponsePayload?: boolean },
  ): SentEnvelope;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<RecordedAck>;
  /** Sends `disconnect` on one link (default: every live link). */
  disconnect(reason: DisconnectReason, linkId?: number): void;
  /** Cuts every link without a close frame (a dropped TCP connection). */
  drop(): void;
  /** While down, upgrades are refused and every link is cut. */
  setDown(down: boolean): void;
  /** Every current link goes silent (half-open): no pings, no pongs, nothing delivered on it. */
  stall(): void;
  acks: RecordedAck[];
  /** Protocol violations by the client: acks for unknown envelopes, on the wrong link, twice, not JSON. */
  violations: string[];
  /**
   * Envelopes that found no live link, re-sends of un-acked events, refused upgrades, hellos, and
   * gaps: how often, after the first hello, the app was left with no live link at all.
   */
  stats: { undelivered: number; resent: number; upgradesRefused: number; helloSent: number; gaps: number };
  close(): Promise<void>;
}

interface Link {
  id: number;
  ws: WebSocket;
  live: boolean;
  stalled: boolean;
  /** envelope ids sent on this link and not acked yet. */
  pending: Set<string>;
  timers: NodeJS.Timeout[];
}

export async function startFakeSocketMode(options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
  const maxRetries = options.maxRetries ?? 3;
  const refreshCloseMs = options.refreshCloseMs ?? 2_000;
  const pingIntervalMs = options.pingIntervalMs ?? 1_000;
  const tickets = new Set<string>();
  const links = new Set<Link>();
  const acks: RecordedAck[] = [];
  const violations: string[] = [];
  const stats = { undelivered: 0, resent: 0, upgradesRefused: 0, helloSent: 0, gaps: 0 };
  let everLive = false;
  let inGap = false;
  const ackWaiters = new Map<string, Array<(ack: RecordedAck) => void>>();
  const linkWaiters = new Set<() => void>();
  const retryTimers = new Set<NodeJS.Timeout>();
  /** Every envelope id ever sent, with the link it went on. */
  const sentOn = new Map<string, number>();
  let nextTicket = 1;
  let nextLink = 1;
  let nextEnvelope = 1;
  let down = false;

  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  // Pongs by hand, so a stalled link can stop answering pings.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const port = await listenOnLoopback(server);

  const refuse = (socket: Duplex, status: string) => {
    stats.upgradesRefused += 1;
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    socket.destroy();
  };

  const notifyLinks = () => {
    const live = liveLinks().length;
    if (live > 0) {
      everLive = true;
      inGap = false;
    } else if (everLive && !inGap) {
      inGap = true;
      stats.gaps += 1;
    }
    for (const waiter of [...linkWaiters]) waiter();
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (down) {
      socket.destroy();
      stats.upgradesRefused += 1;
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake-socket-mode.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    // A ticket is good for one connection.
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      refuse(socket, '401 Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket) {
    const link: Link = { id: nextLink++, ws, live: true, stalled: false, pending: new Set(), timers: [] };
    links.add(link);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: [...links].filter((l) => l.live).length,
        debug_info: { host: 'fake-socket-mode', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0ACCESSWHY' },
      }),
    );
    stats.helloSent += 1;
    const pinger = setInterval(() => {
      if (!link.stalled) ws.ping();
    }, pingIntervalMs);
    link.timers.push(pinger);
    ws.on('ping', (data) => {
      if (!link.stalled) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => onClientMessage(link, data.toString(), isBinary));
    ws.on('close', () => {
      link.live = false;
      for (const timer of link.timers) clearTimeout(timer);
      links.delete(link);
      notifyLinks();
    });
    ws.on('error', () => undefined);
    notifyLinks();
  }

  function onClientMessage(link: Link, text: string, isBinary: boolean) {
    if (isBinary) {
      violations.push(`link ${link.id}: binary frame`);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      violations.push(`link ${link.id}: not JSON`);
      return;
    }
    const envelopeId = (message as { envelope_id?: unknown }).envelope_id;
    if (typeof envelopeId !== 'string') {
      violations.push(`link ${link.id}: message without envelope_id`);
      return;
    }
    const sentLink = sentOn.get(envelopeId);
    if (sentLink === undefined) violations.push(`link ${link.id}: ack for unknown envelope ${envelopeId}`);
    else if (sentLink !== link.id)
      violations.push(`link ${link.id}: ack for ${envelopeId} sent on link ${sentLink}`);
    else if (!link.pending.delete(envelopeId))
      violations.push(`link ${link.id}: second ack for ${envelopeId}`);
    const payload = (message as { payload?: unknown }).payload;
    const ack: RecordedAck = { envelopeId, linkId: link.id, ...(payload === undefined ? {} : { payload }) };
    acks.push(ack);
    for (const waiter of ackWaiters.get(envelopeId) ?? []) waiter(ack);
    ackWaiters.delete(envelopeId);
  }

  function liveLinks() {
    return [...links].filter((link) => link.live && !link.stalled && link.ws.readyState === link.ws.OPEN);
  }

  function deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    extra: { retryAttempt: number; retryReason?: string; acceptsResponsePayload: boolean },
  ): SentEnvelope {
    const envelopeId = `env-${nextEnvelope++}`;
    const link = liveLinks().at(-1);
    const resend = () => {
      if (type !== 'events_api' || extra.retryAttempt >= maxRetries) return;
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        if (acks.some((a) => a.envelopeId === envelopeId)) return;
        stats.resent += 1;
        deliver(type, payload, { ...extra, retryAttempt: extra.retryAttempt + 1, retryReason: 'timeout' });
      }, ackTimeoutMs);
      retryTimers.add(timer);
    };
    if (!link) {
      stats.undelivered += 1;
      resend();
      return { envelopeId, delivered: false };
    }
    sentOn.set(envelopeId, link.id);
    link.pending.add(envelopeId);
    link.ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: extra.acceptsResponsePayload,
        ...(type === 'events_api'
          ? { retry_attempt: extra.retryAttempt, retry_reason: extra.retryReason ?? '' }
          : {}),
      }),
    );
    resend();
    return { envelopeId, delivered: true, linkId: link.id };
  }

  return {
    url() {
      const ticket = `ticket-${nextTicket++}`;
      tickets.add(ticket);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=A0ACCESSWHY`;
    },
    links: () => [...links].map((link) => ({ id: link.id, live: link.live })),
    waitForLiveLinks(count, timeoutMs = 10_000) {
      if (liveLinks().length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (liveLinks().length < count) return;
          clearTimeout(timer);
          linkWaiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          linkWaiters.delete(check);
          reject(new Error(`fake Socket Mode: ${count} live links not reached within ${timeoutMs} ms`));
        }, timeoutMs);
        linkWaiters.add(check);
      });
    },
    send(type, payload, sendOptions = {}) {
      return deliver(type, payload, {
        retryAttempt: sendOptions.retryAttempt ?? 0,
        ...(sendOptions.retryReason === undefined ? {} : { retryReason: sendOptions.retryReason }),
        acceptsResponsePayload: sendOptions.acceptsResponsePayload ?? type !== 'events_api',
      });
    },
    waitForAck(envelopeId, timeoutMs = 5_000) {
      const seen = acks.find((ack) => ack.envelopeId === envelopeId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake Socket Mode: no ack for ${envelopeId} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const list = ackWaiters.get(envelopeId) ?? [];
        list.push((ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ackWaiters.set(envelopeId, list);
      });
    },
    disconnect(reason, linkId) {
      for (const link of liveLinks()) {
        if (linkId !== undefined && link.id !== linkId) continue;
        link.ws.send(
          JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }),
        );
        if (reason === 'warning') continue;
        // Told to go: Slack sends it nothing new and closes it if the client keeps it.
        link.live = false;
        link.timers.push(
          setTimeout(() => link.ws.close(1000), reason === 'refresh_requested' ? refreshCloseMs : 100),
        );
      }
      notifyLinks();
    },
    drop() {
      for (const link of links) link.ws.terminate();
    },
    setDown(value) {
      down = value;
      if (value) for (const link of links) link.ws.terminate();
    },
    stall() {
      for (const link of links) link.stalled = true;
      notifyLinks();
    },
    acks,
    violations,
    stats,
    async close() {
      for (const timer of retryTimers) clearTimeout(timer);
      for (const link of links) link.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
