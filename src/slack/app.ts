import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import type { PermissionCheck } from '../core/ports.js';
import type { ExplainReport } from '../core/report.js';
import type { ExplainRequest } from '../usecases/explain-ray-ids.js';
import type { DedupeStore } from './dedupe.js';
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
}

export interface SlackDependencies {
  explain(request: ExplainRequest): Promise<ExplainReport>;
  now(): Date;
  /** Channels whose new messages with Ray IDs get a threaded answer. */
  helpdeskChannelIds: ReadonlySet<string>;
  /** Remembers answered events and messages so Slack's re-deliveries get no second reply. */
  dedupe: DedupeStore;
  /** Which Cloudflare permissions work (for the App Home); undefined when the check could not run. */
  checkConfiguration(): Promise<PermissionCheck[] | undefined>;
}

export interface SlackRuntime {
  app: App;
  /** Starts listening (HTTP) or connecting (Socket Mode); resolves with the HTTP port in HTTP mode. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
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

  registerListeners(app, deps);
  // One sink for everything a listener throws: log the kind, never the payload or a token.
  app.error(async (error) => {
    app.logger.error(`listener failed: ${error.name}${'code' in error ? ` (${String(error.code)})` : ''}`);
  });

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
    async stop() {
      await app.stop();
    },
  };
}
