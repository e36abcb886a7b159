import { pathToFileURL } from 'node:url';
import dotenv from 'dotenv';
import {
  createCloudflareAdapters,
  createCloudflareHttp,
  createConfigurationProbe,
  createRestClient,
} from './cloudflare/index.js';
import { ConfigError, type Env, loadConfig } from './config.js';
import { LookupError } from './core/errors.js';
import type { PermissionCheck } from './core/ports.js';
import {
  checkStaffChannels,
  createButtonCodec,
  createMemoryDedupeStore,
  createSlackApp,
  type SlackRuntime,
} from './slack/index.js';
import { explainRayIds } from './usecases/explain-ray-ids.js';

export interface RunningBot {
  slack: SlackRuntime;
  port?: number;
  stop(): Promise<void>;
}

/** Wires config, Cloudflare adapters, the use case and Slack; the one place that builds adapters for the bot. */
export async function startBot(env: Env, log: (line: string) => void = console.log): Promise<RunningBot> {
  const config = loadConfig(env);
  const cloudflare = createCloudflareAdapters(config.cloudflare);
  const now = () => new Date();
  // The App Home's check uses its own small pool so a slow probe never queues behind lookups.
  const probeHttp = createCloudflareHttp({ timeoutMs: config.cloudflare.timeoutMs, connections: 2 });
  const probe = createConfigurationProbe({
    rest: createRestClient({
      apiUrl: config.cloudflare.apiUrl,
      apiToken: config.cloudflare.apiToken,
      fetch: probeHttp.fetch,
      guard: cloudflare.guard,
    }),
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
  const logLine = (entry: Record<string, unknown>) =>
    log(JSON.stringify({ time: now().toISOString(), ...entry }));
  const slack = createSlackApp(config.slack, {
    now,
    helpdeskChannelIds: new Set(config.slack.helpdeskChannelIds),
    staffChannelIds: new Set(config.slack.staffChannelIds),
    // Replicas must share the key: a configured one, else one derived from a secret they all have.
    buttons: createButtonCodec(config.slack.buttonKey ?? config.slack.signingSecret ?? config.slack.botToken),
    searchFurther: config.slack.searchFurther,
    dedupe: createMemoryDedupeStore(),
    checkConfiguration,
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
      cloudflare.withLookupDeadline(
        () =>
          explainRayIds(
            {
              events: cloudflare.events,
              directory: cloudflare.directory,
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
          ),
        spender,
      ),
  });
  // Read the dataset settings and the account-wide lookups while Slack connects: the first card then
  // waits on two round trips, not four.
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
  const [{ port }] = await Promise.all([slack.start(), warmUp]);
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
  return {
    slack,
    ...(port === undefined ? {} : { port }),
    stop() {
      // Stop taking requests, let in-flight answers finish (bounded), then close the pools.
      stopping ??= slack
        .stop(10_000)
        .finally(() => Promise.all([cloudflare.close(), probeHttp.close()]))
        .then(() => undefined);
      return stopping;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  dotenv.config({ quiet: true });
  // Last-resort sink; listeners and lookups already catch, so this should stay silent.
  process.on('unhandledRejection', (reason) => {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'unhandled rejection',
        error: reason instanceof Error ? reason.name : typeof reason,
      }),
    );
  });
  try {
    const bot = await startBot(process.env);
    const shutdown = (signal: string) => {
      console.log(`${signal} received, stopping`);
      bot.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example and the README's "Configuration" section.`);
      process.exit(2);
    }
    console.error(`access-why failed to start: ${error instanceof Error ? error.name : 'unknown error'}`);
    process.exit(1);
  }
}
