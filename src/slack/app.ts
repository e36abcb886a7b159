import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { createSlackAudience } from './audience.js';
import type { ListenerDependencies, SlackDependencies } from './dependencies.js';
import { registerListeners } from './listeners/index.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  socketMode: boolean;
  /** Slack Web API base, ending with `/`. */
  apiUrl: string;
  port: number;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Skip Bolt's `auth.test` at construction (tests and offline runs). */
  botIdentity?: { botId: string; botUserId: string };
  /** Helpdesk staff: these user ids and the members of this user group see full cards anywhere. */
  staffUserIds?: readonly string[];
  staffUsergroupId?: string | undefined;
}

export interface SlackRuntime {
  app: App;
  /** Starts listening (HTTP) or connecting (Socket Mode); resolves with the HTTP port in HTTP mode. */
  start(): Promise<{ port?: number }>;
  /** Stops taking requests, then waits (at most `drainMs`) for the ones in flight to finish answering. */
  stop(drainMs?: number): Promise<void>;
}

const LOG_LEVELS = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
} as const;

/** Builds the Bolt app in Socket Mode or HTTP mode with every listener registered. */
export function createSlackApp(options: SlackAppOptions, deps: SlackDependencies): SlackRuntime {
  const common = {
    token: options.botToken,
    logLevel: LOG_LEVELS[options.logLevel],
    ...(options.botIdentity ?? {}),
    clientOptions: {
      slackApiUrl: options.apiUrl,
      // An interactive user should not wait on Bolt's default 30-minute retry schedule.
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
    },
  };
  const app = options.socketMode
    ? new App({ ...common, appToken: options.appToken ?? '', socketMode: true })
    : new App({
        ...common,
        signingSecret: options.signingSecret,
        customRoutes: [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'content-type': 'text/plain' });
              res.end('ok');
            },
          },
        ],
      });

  const audience = createSlackAudience(app.client, {
    staffUserIds: options.staffUserIds ?? [],
    staffUsergroupId: options.staffUsergroupId,
  });
  // Every request passes here: count it, so shutdown can let in-flight answers finish.
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  registerListeners(app, { ...deps, audience } satisfies ListenerDependencies);
  // One sink for everything a listener throws: log the kind, never the payload or a token.
  app.error(async (error) => deps.onUnexpected(error));

  return {
    app,
    async start() {
      if (options.socketMode) {
        await app.start();
        return {};
      }
      const server = (await app.start({ port: options.port, host: options.host })) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop(drainMs = 10_000) {
      await app.stop();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(timer);
    },
  };
}
