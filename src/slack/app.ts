import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { createAckGate } from './ack-gate.js';
import { createSlackAudience } from './audience.js';
import type { ListenerDependencies, SlackDependencies } from './dependencies.js';
import {
  answerHealth,
  type CloudflareHealth,
  type HealthServer,
  type HealthSnapshot,
  type SlackHealth,
  startHealthServer,
} from './health.js';
import { registerListeners } from './listeners/index.js';
import { createRedactingLogger } from './redacting-logger.js';
import { createReplayGuard, refuseFutureTimestamp, signatureOf } from './request-freshness.js';
import type { SlackRuntimeError } from './slack-runtime-error.js';
import type { SocketTimings } from './socket-connection.js';
import { BotSocketModeReceiver } from './socket-receiver.js';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode only: Slack signs every request with it. */
  signingSecret?: string | undefined;
  /** Socket Mode only: the app-level token (`xapp-…`) that opens connections. */
  appToken?: string | undefined;
  socketMode: boolean;
  /** Slack Web API base, ending with `/`. */
  apiUrl: string;
  port: number;
  host: string;
  /** Serve `/healthz` on this port too (0 = any free port); HTTP mode also answers it on `port`. */
  healthPort?: number | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The bot's identity from `auth.test`; given, Bolt makes no `auth.test` call of its own. */
  botIdentity?: { botId: string; botUserId: string };
  /** Helpdesk staff: these user ids and the members of this user group see full cards anywhere. */
  staffUserIds?: readonly string[];
  staffUsergroupId?: string | undefined;
  /** Socket Mode: without any link to Slack this long, give up (onFatal). Default 5 minutes. */
  offlineExitMs?: number;
  /** Socket Mode timings (tests shorten them). */
  socketTimings?: Partial<SocketTimings>;
  /** Where Bolt's and its WebClient's own lines go (already filtered by level and scrubbed). */
  boltLog?: (level: LogLevel, line: string) => void;
  /** Structured runtime lines (connection state changes); never a payload or a token. */
  log?: (entry: Record<string, unknown>) => void;
  /** After start: Slack is gone for good (Socket Mode). The process should exit non-zero. */
  onFatal?: (error: SlackRuntimeError) => void;
  /** What `/healthz` reports for Cloudflare. */
  cloudflareHealth?: () => CloudflareHealth;
}

export interface SlackRuntime {
  app: App;
  /**
   * Listens (HTTP) or connects (Socket Mode). Resolves once Slack can reach the bot: in Socket Mode
   * after the first `hello`, so a rejected app token rejects here (a SlackRuntimeError).
   */
  start(): Promise<{ port?: number; healthPort?: number }>;
  health(): HealthSnapshot;
  /**
   * Stops taking work at once (HTTP: new requests get 503 and the listener closes; Socket Mode:
   * envelopes are no longer acked and the links close once pending acks went out), then waits for
   * the requests in flight. Resolves true when all finished, false when `until` (epoch ms) came first.
   */
  drain(until: number): Promise<boolean>;
  /** Closes every connection (idle, busy or stalled) and the health port. */
  close(): Promise<void>;
  /** `drain(now + drainMs)`, then `close()`. */
  stop(drainMs?: number): Promise<void>;
}

const LOG_LEVELS = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
} as const;

/** How long Socket Mode links stay open after the drain began, for acks already being sent. */
const ACK_GRACE_MS = 500;

/** Builds the Bolt app in Socket Mode or HTTP mode with every listener registered. */
export function createSlackApp(options: SlackAppOptions, deps: SlackDependencies): SlackRuntime {
  const log = options.log ?? (() => undefined);
  // Bolt's own lines (and its WebClient's) honour LOG_LEVEL and never carry a payload, email or IP.
  const logger = createRedactingLogger(
    LOG_LEVELS[options.logLevel],
    options.boltLog ??
      ((level, line) =>
        level === LogLevel.ERROR || level === LogLevel.WARN ? console.error(line) : console.log(line)),
  );
  let draining = false;
  const socketReceiver = options.socketMode
    ? new BotSocketModeReceiver({
        appToken: options.appToken ?? '',
        apiUrl: options.apiUrl,
        offlineExitMs: options.offlineExitMs ?? 5 * 60_000,
        ...(options.socketTimings ? { timings: options.socketTimings } : {}),
        log,
        onFatal: (error) => options.onFatal?.(error),
        onUnexpected: (error) => deps.onUnexpected(error),
      })
    : undefined;
  const httpReceiver = socketReceiver
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret ?? '',
        // Both: HTTPReceiver sets its logger to its own logLevel (default info).
        logger,
        logLevel: LOG_LEVELS[options.logLevel],
        // Runs after Bolt verified the signature: the replay guard below keys on it.
        customPropertiesExtractor: signatureOf,
      });
  const app = new App({
    token: options.botToken,
    // Both: without logLevel, Bolt sets its logger to info.
    logger,
    logLevel: LOG_LEVELS[options.logLevel],
    // No listener reads `context.conversation`; Bolt's conversation store would still run (a cache
    // lookup and a promise chain) on every request.
    convoStore: false,
    // Every request would pass Bolt's ignoreSelf middleware; the listener registry applies the same
    // rule to the events it dispatches, the only payloads it concerns.
    ignoreSelf: false,
    ...(options.botIdentity ?? {}),
    // Own receivers: Bolt hands `clientOptions` to a Socket Mode client it builds itself, so the
    // short Web API retry policy below would also cut the reconnect short (issue 10, #2656). With
    // `receiver` given, the policy reaches only the Web API client the listeners use.
    receiver: socketReceiver ?? (httpReceiver as HTTPReceiver),
    clientOptions: {
      slackApiUrl: options.apiUrl,
      // An interactive user should not wait on Bolt's default 30-minute retry schedule.
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
    },
  });

  // Socket Mode acks go out on the link as soon as a listener acks; the gate then only yields once.
  const ackGate = createAckGate();
  const audience = createSlackAudience(app.client, {
    staffUserIds: options.staffUserIds ?? [],
    staffUsergroupId: options.staffUsergroupId,
  });
  // One global middleware (Bolt copies the arguments for each one, on every request). Every request
  // passes here: it is counted, so shutdown can let in-flight answers finish, and an exact copy of a
  // signed request (HTTP mode) is acknowledged and dropped: no second answer.
  const replayGuard = createReplayGuard(deps.dedupe);
  const inFlight = new Set<Promise<void>>();
  app.use(async (args) => {
    const work = replayGuard(args);
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  registerListeners(app, { ...deps, audience, acksFirst: ackGate.acksFirst } satisfies ListenerDependencies);
  // One sink for everything a listener throws: log the kind, never the payload or a token.
  app.error(async (error) => deps.onUnexpected(error));

  let server: Server | undefined;
  let healthServer: HealthServer | undefined;
  let listening = false;
  let socketClosed: Promise<void> | undefined;

  const slackHealth = (): SlackHealth => {
    if (socketReceiver) return socketReceiver.connection.state();
    return listening ? 'listening' : 'disconnected';
  };
  const health = (): HealthSnapshot => ({
    slack: slackHealth(),
    draining,
    cloudflare: options.cloudflareHealth?.() ?? 'unknown',
  });

  const closeSocket = () => {
    socketClosed ??= socketReceiver?.stop() ?? Promise.resolve();
    return socketClosed;
  };

  const runtime: SlackRuntime = {
    app,
    health,
    async start() {
      const startHealth = async () => {
        if (options.healthPort === undefined) return {};
        healthServer = await startHealthServer(options.healthPort, options.host, health);
        return { healthPort: healthServer.port };
      };
      if (socketReceiver) {
        await socketReceiver.start();
        return startHealth();
      }
      // Our own server around Bolt's request listener: /healthz, a 503 while draining, and closing
      // idle and stalled connections at shutdown (HTTPReceiver.stop waits for every one to end).
      const receiver = httpReceiver as HTTPReceiver;
      const created = createServer((req, res) => {
        // Counted until answered, so post-ack work waits for the acks of everything already here.
        const answered = ackGate.received();
        res.once('finish', answered);
        res.once('close', answered);
        if (answerHealth(req, res, health)) return;
        if (refuseFutureTimestamp(req, res)) return;
        if (draining) {
          res.writeHead(503, { 'content-type': 'text/plain', connection: 'close', 'retry-after': '10' });
          res.end('shutting down');
          return;
        }
        receiver.requestListener(req, res);
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(options.port, options.host, () => {
          created.off('error', reject);
          resolve();
        });
      });
      server = created;
      listening = true;
      return { port: (created.address() as AddressInfo).port, ...(await startHealth()) };
    },
    async drain(until) {
      draining = true;
      if (socketReceiver) {
        socketReceiver.connection.pause();
        const grace = setTimeout(
          () => void closeSocket(),
          Math.max(0, Math.min(ACK_GRACE_MS, until - Date.now())),
        );
        grace.unref();
      } else if (server) {
        listening = false;
        server.close();
        server.closeIdleConnections();
      }
      while (inFlight.size > 0) {
        const left = until - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, left);
          }),
        ]);
        clearTimeout(timer);
      }
      return true;
    },
    async close() {
      draining = true;
      listening = false;
      const closing: Promise<unknown>[] = [closeSocket()];
      if (server) {
        const s = server;
        closing.push(new Promise<void>((resolve) => s.close(() => resolve())));
        s.closeAllConnections();
      }
      if (healthServer) closing.push(healthServer.close());
      await Promise.all(closing);
    },
    async stop(drainMs = 10_000) {
      await runtime.drain(Date.now() + drainMs);
      await runtime.close();
    },
  };
  return runtime;
}
