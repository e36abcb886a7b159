import { setMaxListeners } from 'node:events';
import { pathToFileURL } from 'node:url';
import dotenv from 'dotenv';
import {
  createCloudflareAdapters,
  createCloudflareHttp,
  createConfigurationProbe,
  createFailedLoginsByEmail,
  createRestClient,
} from './cloudflare/index.js';
import { ConfigError, type Env, loadConfig } from './config.js';
import { LookupError, toLookupFailure } from './core/errors.js';
import type { PermissionCheck } from './core/ports.js';
import { extractRayIds } from './core/ray-id.js';
import type { ExplainReport } from './core/report.js';
import { createRedisConnection } from './redis-connection.js';
import {
  type CloudflareHealth,
  callSlackApi,
  checkStaffChannels,
  createButtonCodec,
  createImageRayIdReader,
  createMemoryDedupeStore,
  createRedisDedupeStore,
  createSlackApp,
  createTesseractReader,
  type HealthSnapshot,
  PERMANENT_TOKEN_ERRORS,
  type SlackRuntime,
  SlackRuntimeError,
  type SocketTimings,
  verifyBotToken,
} from './slack/index.js';
import { type ExplainRequest, explainRayIds } from './usecases/explain-ray-ids.js';

export interface RunningBot {
  slack: SlackRuntime;
  port?: number;
  /** Socket Mode with HEALTH_PORT: where `/healthz` answers. */
  healthPort?: number;
  health(): HealthSnapshot;
  /**
   * Stops taking work, lets answers finish until SHUTDOWN_DRAIN_MS, then answers what is still
   * looking up as interrupted, destroys the Cloudflare pools and closes every connection. Resolves
   * within SHUTDOWN_DRAIN_MS + about 1.5 s.
   */
  stop(): Promise<void>;
}

export interface StartBotOptions {
  /** Socket Mode timings (tests shorten them). */
  socketTimings?: Partial<SocketTimings>;
  /** After start, Slack is gone for good; the process exits non-zero (default: log only). */
  onFatal?: (error: SlackRuntimeError) => void;
  /** How often the bot token is re-checked while running (default 5 min; tests shorten it). */
  tokenCheckMs?: number;
}

/** After the drain deadline, interrupted lookups get this long to post their answers. */
const ANSWER_GRACE_MS = 1_200;
const INTERRUPTED_MESSAGE = 'The lookup was interrupted by a restart of the bot — ask again.';

/** The report a lookup cut short by shutdown answers with: one `interrupted` card per Ray ID. */
function interruptedReport(request: ExplainRequest): ExplainReport {
  const { rayIds, total, skipped } = extractRayIds(request.text);
  const failure = toLookupFailure(new LookupError('interrupted', { safeMessage: INTERRUPTED_MESSAGE }));
  return {
    results: rayIds.map((rayId) => ({ rayId, outcome: 'error', failure })),
    totalRayIds: total,
    skippedRayIds: skipped,
    paste: { kind: 'plain' },
  };
}

/** Resolves with the lookup, or with the interrupted report as soon as `signal` aborts. */
function interruptible(
  signal: AbortSignal,
  request: ExplainRequest,
  lookup: () => Promise<ExplainReport>,
): Promise<ExplainReport> {
  if (signal.aborted) return Promise.resolve(interruptedReport(request));
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(interruptedReport(request));
    signal.addEventListener('abort', onAbort, { once: true });
    lookup().then(
      (report) => {
        signal.removeEventListener('abort', onAbort);
        resolve(report);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const CLOUDFLARE_FAILURES = new Set([
  'cloudflare_auth',
  'cloudflare_permission',
  'upstream_rate_limited',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_bad_response',
  'upstream_query_error',
  'dataset_unavailable',
]);

const LEVEL_RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/** Wires config, Cloudflare adapters, the use case and Slack; the one place that builds adapters for the bot. */
export async function startBot(
  env: Env,
  log: (line: string) => void = console.log,
  options: StartBotOptions = {},
): Promise<RunningBot> {
  const config = loadConfig(env);
  const now = () => new Date();
  // The bot's own lines honour LOG_LEVEL (a line without a level is info); the audit line is written
  // by `audit` below, at every level.
  const minimum = LEVEL_RANK[config.slack.logLevel];
  const logLine = (entry: Record<string, unknown>) => {
    const level = typeof entry.level === 'string' && entry.level in LEVEL_RANK ? entry.level : 'info';
    if (LEVEL_RANK[level as keyof typeof LEVEL_RANK] >= minimum)
      log(JSON.stringify({ time: now().toISOString(), ...entry }));
  };
  // The bot token first: a wrong or revoked one must stop the start, not leave a bot that acks and
  // never answers. Bolt then gets the identity and makes no auth.test call of its own.
  const botIdentity = await verifyBotToken({
    apiUrl: config.slack.apiUrl,
    token: config.slack.botToken,
    giveUpAfterMs: Math.min(config.runtime.slackOfflineExitMs, 60_000),
  });

  // Replicas share de-duplication, budgets and found rows through Redis when REDIS_URL is set; an
  // unreachable Redis delays the start by at most 2 s and the bot runs on local state until it is back.
  const redis = config.runtime.redisUrl ? createRedisConnection(config.runtime.redisUrl, logLine) : undefined;
  await redis?.ready(2_000);
  const cloudflare = createCloudflareAdapters({
    ...config.cloudflare,
    ...(redis ? { shared: { redis } } : {}),
  });
  // The App Home's check uses its own small pool so a slow probe never queues behind lookups.
  const probeHttp = createCloudflareHttp({ timeoutMs: config.cloudflare.timeoutMs, connections: 2 });
  const homeRest = createRestClient({
    apiUrl: config.cloudflare.apiUrl,
    apiToken: config.cloudflare.apiToken,
    fetch: probeHttp.fetch,
    guard: cloudflare.guard,
  });
  // The App Home's "My recent Access denials" shares that pool: opening the tab never waits on lookups.
  const ownFailedLogins = createFailedLoginsByEmail(homeRest, config.cloudflare.accountId);
  const probe = createConfigurationProbe({
    rest: homeRest,
    fetch: probeHttp.fetch,
    guard: cloudflare.guard,
    graphqlUrl: config.cloudflare.graphqlUrl,
    apiToken: config.cloudflare.apiToken,
    accountId: config.cloudflare.accountId,
  });
  let lastCheck: { at: number; checks: Promise<PermissionCheck[] | undefined> } | undefined;
  const checkConfiguration = () => {
    // Opening the Home tab repeatedly must not spend the Cloudflare budget: one check per 5 minutes.
    if (!lastCheck || Date.now() - lastCheck.at > 5 * 60_000) {
      lastCheck = { at: Date.now(), checks: probe.check().catch(() => undefined) };
    }
    return lastCheck.checks;
  };
  let cloudflareHealth: CloudflareHealth = 'unknown';
  const reportFatal = (error: SlackRuntimeError) => {
    if (options.onFatal) options.onFatal(error);
    else logLine({ level: 'error', msg: 'slack unusable', code: error.code });
  };
  // Screenshots: files are downloaded with the bot token (files:read) from Slack's file host only,
  // and read by one tesseract.js worker thread, started on the first image.
  const images = createImageRayIdReader({
    botToken: config.slack.botToken,
    allowedOrigins: ['https://files.slack.com', new URL(config.slack.apiUrl).origin],
    ocr: createTesseractReader(),
  });
  // Aborted at the drain deadline: lookups still running answer "interrupted" at once.
  const shutdown = new AbortController();
  // Every lookup in flight listens on it (and stops listening when done): a burst of 200 is no leak,
  // and Node's "possible EventTarget memory leak" warning after 10 would only alarm operators.
  setMaxListeners(0, shutdown.signal);
  const slack = createSlackApp(
    {
      ...config.slack,
      botIdentity,
      healthPort: config.runtime.healthPort,
      offlineExitMs: config.runtime.slackOfflineExitMs,
      ...(options.socketTimings ? { socketTimings: options.socketTimings } : {}),
      log: logLine,
      boltLog: (_level, line) => log(line),
      onFatal: (error) => reportFatal(error),
      cloudflareHealth: () => cloudflareHealth,
    },
    {
      now,
      helpdeskChannelIds: new Set(config.slack.helpdeskChannelIds),
      staffChannelIds: new Set(config.slack.staffChannelIds),
      helpdeskRequestsChannelId: config.slack.requestsChannelId ?? config.slack.helpdeskChannelIds[0],
      // Replicas must share the key: a configured one, else one derived from a secret they all have.
      buttons: createButtonCodec(
        config.slack.buttonKey ?? config.slack.signingSecret ?? config.slack.botToken,
      ),
      searchFurther: config.slack.searchFurther,
      dedupe: redis ? createRedisDedupeStore({ redis }) : createMemoryDedupeStore(),
      checkConfiguration,
      images,
      // One deadline for both of its requests (user, then their failed logins), on the viewer's share.
      recentFailedLogins: (email, max, spender) =>
        ownFailedLogins.recentFailedLoginsForEmail(email, max, cloudflare.guard.newScope(spender)),
      audit: (entry) => log(JSON.stringify(entry)),
      // Only the error's name and code: messages of HTTP client errors can quote requests.
      onUnexpected: (error) =>
        logLine({
          level: 'error',
          msg: 'unexpected failure',
          error: error instanceof Error ? error.name : typeof error,
          ...(error instanceof Error && 'code' in error ? { code: String(error.code) } : {}),
        }),
      explain: (request, spender) =>
        interruptible(shutdown.signal, request, () => {
          // One deadline for the whole lookup, started here; every call spends the asker's share.
          const { events, directory } = cloudflare.forLookup(spender);
          return explainRayIds(
            {
              events,
              directory,
              now,
              onError: (error) => {
                const detail =
                  error instanceof LookupError
                    ? `${error.code}: ${error.detail ?? error.safeMessage}`
                    : 'unexpected';
                logLine({ level: 'warn', msg: 'lookup failed', detail });
              },
            },
            request,
          ).then((report) => {
            cloudflareHealth = report.results.some(
              (r) => r.outcome === 'error' && CLOUDFLARE_FAILURES.has(r.failure.code),
            )
              ? 'degraded'
              : 'ok';
            return report;
          });
        }),
    },
  );
  // Read the dataset settings and the account-wide lookups while Slack connects: the first card then
  // waits on two round trips, not four. A failure never stops the start.
  const warmUp = cloudflare.prime().then(
    (report) => {
      for (const gap of report.gaps) logLine({ level: 'warn', msg: 'cloudflare warm-up', gap });
    },
    (error: unknown) =>
      logLine({
        level: 'warn',
        msg: 'cloudflare warm-up failed',
        detail: error instanceof LookupError ? error.code : 'unexpected',
      }),
  );
  let started: { port?: number; healthPort?: number };
  try {
    [started] = await Promise.all([slack.start(), warmUp]);
  } catch (error) {
    await Promise.all([cloudflare.destroy(), probeHttp.destroy(), slack.close(), images.close()]).catch(
      () => undefined,
    );
    redis?.close();
    throw error;
  }
  const { port, healthPort } = started;
  log(
    config.slack.socketMode
      ? 'access-why is connected to Slack (Socket Mode)'
      : `access-why is listening on http://${config.slack.host}:${port}/slack/events`,
  );
  // Full cards go to staff channels: say at once if one of them is readable by more than staff.
  void checkStaffChannels(slack.app.client, config.slack.staffChannelIds).then((checks) => {
    for (const check of checks)
      if (!check.ok)
        logLine({ level: 'warn', msg: 'staff channel', channel: check.channelId, detail: check.detail });
  });
  if (healthPort !== undefined)
    log(`access-why health check on http://${config.slack.host}:${healthPort}/healthz`);
  // Startup check: say exactly which token permission is missing, without blocking the start.
  void checkConfiguration().then((checks) => {
    if (checks === undefined) {
      logLine({ level: 'warn', msg: 'could not check the Cloudflare token at startup' });
      return;
    }
    for (const check of checks) {
      logLine({ level: check.ok ? 'info' : 'warn', msg: 'cloudflare permission', ...check });
    }
  });
  let stopping: Promise<void> | undefined;
  // A token revoked while the bot runs would leave it acking and answering nothing: re-check it now
  // and then, and end the process (exit 1) so the supervisor's restart names the variable.
  const tokenCheck = setInterval(
    () => {
      void callSlackApi({
        apiUrl: config.slack.apiUrl,
        method: 'auth.test',
        token: config.slack.botToken,
        timeoutMs: 10_000,
      }).then((outcome) => {
        if (outcome.kind !== 'refused' || !PERMANENT_TOKEN_ERRORS.has(outcome.error) || stopping) return;
        clearInterval(tokenCheck);
        reportFatal(
          new SlackRuntimeError(
            'bot_token_rejected',
            `SLACK_BOT_TOKEN is no longer accepted by Slack (${outcome.error}): copy the Bot User OAuth Token ` +
              '(xoxb-…) from OAuth & Permissions (reinstall the app if it was revoked), then restart',
          ),
        );
      });
    },
    options.tokenCheckMs ?? 5 * 60_000,
  );
  tokenCheck.unref();
  return {
    slack,
    ...(port === undefined ? {} : { port }),
    ...(healthPort === undefined ? {} : { healthPort }),
    health: () => slack.health(),
    stop() {
      clearInterval(tokenCheck);
      stopping ??= (async () => {
        // One deadline for the whole drain, counted from the signal.
        const deadline = Date.now() + config.runtime.shutdownDrainMs;
        const finished = await slack.drain(deadline);
        if (!finished) {
          logLine({ level: 'warn', msg: 'shutdown deadline reached: answering the lookups still running' });
          shutdown.abort();
          await slack.drain(Date.now() + ANSWER_GRACE_MS);
        }
        // Destroy, not close: a close would wait for Cloudflare calls nobody waits for any more.
        await Promise.all([cloudflare.destroy(), probeHttp.destroy(), slack.close(), images.close()]);
        redis?.close();
      })();
      return stopping;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  dotenv.config({ quiet: true });
  const fail = (line: string, code: number) => {
    console.error(line);
    process.exit(code);
  };
  // Last-resort sink; every promise of the runtime is handled, so this should stay silent.
  process.on('unhandledRejection', (reason) => {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'unhandled rejection',
        error: reason instanceof Error ? reason.name : typeof reason,
      }),
    );
  });
  let stopRequested = false;
  // A bot whose event loop ran dry has lost Slack without saying so: never let that pass as exit 0.
  process.on('beforeExit', () => {
    if (!stopRequested) fail('access-why stopped unexpectedly: nothing was keeping it connected to Slack', 1);
  });
  try {
    const bot = await startBot(process.env, console.log, {
      onFatal: (error) => fail(`access-why cannot continue: ${error.message}`, 1),
    });
    const drainMs = loadConfig(process.env).runtime.shutdownDrainMs;
    const shutdown = (signal: string) => {
      if (stopRequested) return;
      stopRequested = true;
      console.log(`${signal} received, stopping`);
      // Backstop: whatever hangs, the process is gone within the bound a supervisor was promised.
      setTimeout(() => fail('access-why: shutdown overran its bound, exiting', 1), drainMs + 1_900).unref();
      bot.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    if (error instanceof ConfigError) {
      fail(`${error.message}\nSee .env.example and the README's "Configuration" section.`, 2);
    }
    if (error instanceof SlackRuntimeError) fail(`access-why cannot start: ${error.message}`, 1);
    fail(`access-why failed to start: ${error instanceof Error ? error.name : 'unknown error'}`, 1);
  }
}
