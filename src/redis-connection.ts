import { Redis } from 'ioredis';

/** How long a command may take before this request falls back to local state. */
const COMMAND_TIMEOUT_MS = 500;
/** Reconnect at once, then back off to at most this; never give up (Redis may be back any time). */
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisConnection {
  /** Sends one command; rejects fast (never queues) while Redis is unreachable. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** Resolves true once connected, false after `ms` (the bot then starts on local state). */
  ready(ms: number): Promise<boolean>;
  close(): void;
}

/**
 * The one Redis client of a replica, shaped so that an outage costs latency, never an answer or the
 * process: no offline queue (a command while disconnected fails at once and the caller uses its
 * own state), a short command timeout, a reconnect delay capped at 2 s, and an `error` listener
 * (ioredis emits `error` on every failed reconnect; without a listener Node would crash). The outage
 * is logged once when it starts and once when Redis is back, not per request. Nothing logged
 * quotes the URL, which may carry a password.
 */
export function createRedisConnection(
  url: string,
  log: (entry: Record<string, unknown>) => void,
): RedisConnection {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), MAX_RECONNECT_DELAY_MS),
  });
  let down = false;
  const outage = () => {
    if (down) return;
    down = true;
    log({ level: 'warn', msg: 'redis unavailable: this replica uses its own state until Redis is back' });
  };
  const back = () => {
    if (!down) return;
    down = false;
    log({ level: 'info', msg: 'redis reachable again: state is shared again' });
  };
  client.on('error', outage);
  client.on('ready', back);
  return {
    async call(command, ...args) {
      try {
        const reply = await client.call(command, args);
        back();
        return reply;
      } catch (error) {
        // A ReplyError is Redis answering (NOSCRIPT, a wrong type): it is up. Anything else is the link.
        if (!(error instanceof Error && error.name === 'ReplyError')) outage();
        throw error;
      }
    },
    ready(ms) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        client.on('ready', onReady);
      });
    },
    close() {
      client.disconnect();
    },
  };
}
