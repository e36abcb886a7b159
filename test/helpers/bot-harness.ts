import { type RunningBot, type StartBotOptions, startBot } from '../../src/main.js';
import {
  type CloudflareStandIn,
  type StandInOptions,
  startCloudflareStandIn,
} from '../../src/sandbox/cloudflare-stand-in.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../../src/sandbox/fake-slack.js';

export interface Harness {
  slack: FakeSlack;
  standIn: CloudflareStandIn;
  bot: RunningBot;
  /** The bot's `/slack/events` URL. */
  url: string;
  signingSecret: string;
  /** Every line the bot logged (audit lines included). */
  logs: string[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment on top of the defaults (HTTP mode on 127.0.0.1:0, loopback Slack and Cloudflare). */
  env?: Record<string, string>;
  slack?: FakeSlackOptions;
  standIn?: StandInOptions;
  cloudflareToken?: string;
  botToken?: string;
  signingSecret?: string;
  /** Socket Mode timings, the fatal-error hook. */
  startOptions?: StartBotOptions;
  /**
   * A fake Slack and a stand-in already running (replicas of one deployment share them); the
   * harness then neither starts nor closes them.
   */
  shared?: { slack: FakeSlack; standIn: CloudflareStandIn };
}

/** The real bot in HTTP mode between a fake Slack and the Cloudflare stand-in, all on loopback. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const cloudflareToken = options.cloudflareToken ?? 'harness-cf-token';
  const signingSecret = options.signingSecret ?? 'harness-signing-secret';
  // The fake Slack must be up first: Bolt calls auth.test as soon as the App is constructed.
  const slack = options.shared?.slack ?? (await startFakeSlack(options.slack));
  const standIn =
    options.shared?.standIn ?? (await startCloudflareStandIn({ token: cloudflareToken, ...options.standIn }));
  const logs: string[] = [];
  const bot = await startBot(
    {
      SLACK_BOT_TOKEN: options.botToken ?? 'xoxb-harness',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_SOCKET_MODE: 'false',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      CLOUDFLARE_API_TOKEN: cloudflareToken,
      CLOUDFLARE_ACCOUNT_ID: standIn.dataset.accountId,
      CLOUDFLARE_API_URL: standIn.apiUrl,
      CLOUDFLARE_TIMEOUT_MS: '2000',
      ACCESS_WHY_MAX_LOOKBACK_DAYS: '30',
      ...options.env,
    },
    (line) => logs.push(line),
    options.startOptions,
  );
  return {
    slack,
    standIn,
    bot,
    url: `http://127.0.0.1:${bot.port}/slack/events`,
    signingSecret,
    logs,
    async stop() {
      await bot.stop();
      if (options.shared) return;
      await standIn.close();
      await slack.close();
    },
  };
}
