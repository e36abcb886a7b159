import { z } from 'zod';

const DEFAULT_CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';
const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Environment variables the bot reads; these names are a contract with operators and tests. */
export type Env = Readonly<Record<string, string | undefined>>;

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const httpUrl = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(fallback)
      .transform((url) => url.replace(/\/+$/, '')),
  );
const booleanFlag = z.preprocess(
  blankToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
);
const positiveInt = (fallback: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(max).default(fallback));
/** A whole number in [min, max] whose error says the range and the unit, never the value given. */
const wholeNumber = (fallback: number, min: number, max: number, unit: string) => {
  const error = `must be a whole number from ${min} to ${max} (${unit})`;
  return z.preprocess(
    blankToUndefined,
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback),
  );
};

const cloudflareSchema = z.object({
  CLOUDFLARE_API_TOKEN: z.preprocess(
    blankToUndefined,
    z.string({ error: 'is required: create a Cloudflare API token (see README, "Cloudflare token")' }),
  ),
  CLOUDFLARE_ACCOUNT_ID: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'is required: the 32-hex account id from the Cloudflare dashboard URL' })
      .trim()
      .regex(/^[0-9a-fA-F]{32}$/, 'must be the 32 hex digits of your Cloudflare account id'),
  ),
  CLOUDFLARE_API_URL: httpUrl(DEFAULT_CLOUDFLARE_API_URL),
  CLOUDFLARE_TIMEOUT_MS: positiveInt(10_000, 120_000),
  CLOUDFLARE_LOOKUP_DEADLINE_MS: wholeNumber(20_000, 1_000, 600_000, 'milliseconds for a whole lookup'),
  CLOUDFLARE_GRAPHQL_BUDGET: wholeNumber(300, 1, 1_000_000, 'GraphQL queries per 5 minutes'),
  CLOUDFLARE_REST_BUDGET: wholeNumber(1200, 1, 1_000_000, 'REST requests per 5 minutes'),
  CLOUDFLARE_USER_SHARE_PERCENT: wholeNumber(
    10,
    1,
    100,
    'percent of each budget one non-staff user may spend',
  ),
  CLOUDFLARE_STAFF_RESERVE_PERCENT: wholeNumber(
    20,
    0,
    90,
    'percent of each budget only helpdesk staff and the bot itself may spend',
  ),
  ACCESS_WHY_MAX_LOOKBACK_DAYS: z.preprocess(
    blankToUndefined,
    z.coerce.number().positive().max(3650).default(7),
  ),
});

const idList = (pattern: RegExp, message: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(z.array(z.string().regex(pattern, message))),
  );

const slackSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'is required: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions' })
      .startsWith('xoxb-', 'must be a bot token starting with xoxb- (OAuth & Permissions page)'),
  ),
  // Required in HTTP mode only (checked in loadSlackConfig): Socket Mode never sees a signed request.
  SLACK_SIGNING_SECRET: z.preprocess(blankToUndefined, z.string().optional()),
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .startsWith(
        'xapp-',
        'must be an app-level token starting with xapp- (Basic Information › App-Level Tokens)',
      )
      .optional(),
  ),
  SLACK_SOCKET_MODE: booleanFlag,
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(DEFAULT_SLACK_API_URL)
      // Bolt's WebClient joins method names onto this URL, so it must end with a slash.
      .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  ),
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65_535).default(3000)),
  HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  HELPDESK_CHANNEL_IDS: idList(
    /^[CG][A-Z0-9]{2,30}$/,
    'must list channel ids like C0123456789, comma-separated (channel details › About)',
  ),
  HELPDESK_STAFF_CHANNEL_IDS: idList(
    /^[CG][A-Z0-9]{2,30}$/,
    'must list channel ids like G0123456789, comma-separated (private channels of helpdesk staff only)',
  ),
  HELPDESK_REQUESTS_CHANNEL_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[CG][A-Z0-9]{2,30}$/, 'must be a channel id like C0123456789 (channel details › About)')
      .optional(),
  ),
  ACCESS_WHY_BUTTON_KEY: z.preprocess(
    blankToUndefined,
    z.string().min(32, 'must be at least 32 characters (for example `openssl rand -hex 32`)').optional(),
  ),
  ACCESS_WHY_SEARCH_FURTHER: z.preprocess(
    blankToUndefined,
    z.enum(['staff', 'everyone'], { error: 'must be staff or everyone' }).default('staff'),
  ),
  HELPDESK_USER_IDS: idList(
    /^[UW][A-Z0-9]{2,30}$/,
    'must list Slack user ids like U0123456789, comma-separated',
  ),
  HELPDESK_USERGROUP_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^S[A-Z0-9]{2,30}$/, 'must be a user group id like S0123456789 (the group’s page in Slack)')
      .optional(),
  ),
});

export interface CloudflareConfig {
  apiToken: string;
  accountId: string;
  /** REST base, no trailing slash; GraphQL is `${apiUrl}/graphql`. */
  apiUrl: string;
  graphqlUrl: string;
  /** Per Cloudflare request. */
  timeoutMs: number;
  /** Operator cap on how far back to search, in seconds; the dataset's retention still wins. */
  maxLookbackSeconds: number;
  /** A whole lookup (every search window, the enrichment, retries) ends within this. */
  lookupDeadlineMs: number;
  /** GraphQL queries the bot may send per 5 minutes (Cloudflare allows a user 300). */
  graphqlBudget: number;
  /** REST requests the bot may send per 5 minutes (Cloudflare allows a user 1200, then blocks for 5 minutes). */
  restBudget: number;
  /** Share of each budget one non-staff Slack user may spend per window, in percent. */
  userSharePercent: number;
  /** Share of each budget kept for helpdesk staff and the bot's own calls, in percent. */
  staffReservePercent: number;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface SlackConfig {
  botToken: string;
  /** HTTP mode only. */
  signingSecret?: string;
  /** Socket Mode only. */
  appToken?: string;
  socketMode: boolean;
  apiUrl: string;
  port: number;
  host: string;
  logLevel: LogLevelName;
  /** Channels where pasted 403 pages get a threaded answer (their readers are not assumed to be staff). */
  helpdeskChannelIds: string[];
  /** Private channels whose members are all helpdesk staff: the only channels that get full public cards. */
  staffChannelIds: string[];
  /** Where "Ask the helpdesk" posts requests; absent: the first helpdesk channel, if any. */
  requestsChannelId?: string;
  /** Key for signing button values; derived from the signing secret or bot token when absent. */
  buttonKey?: string;
  /** Who may press "Search further back" (each press costs several GraphQL queries). */
  searchFurther: 'staff' | 'everyone';
  /** Helpdesk staff, who see full cards anywhere. */
  staffUserIds: string[];
  staffUsergroupId?: string;
}

/** How the process runs under a supervisor: health port, shutdown bound, how long Slack may be gone. */
export interface RuntimeConfig {
  /** Serve `/healthz` on this port (Socket Mode's only listener; HTTP mode also answers it on PORT). */
  healthPort?: number;
  /** SIGTERM/SIGINT: one deadline for the whole drain; the process exits within it + 2 s. */
  shutdownDrainMs: number;
  /** Socket Mode: with no link to Slack this long, exit non-zero so the supervisor restarts the bot. */
  slackOfflineExitMs: number;
  /** Replicas share de-duplication, budgets and found rows through this Redis; absent: all in-process. */
  redisUrl?: string;
}

export interface Config {
  cloudflare: CloudflareConfig;
  slack: SlackConfig;
  runtime: RuntimeConfig;
}

/** A configuration problem, with one line per variable naming it and the fix; never echoes a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function problemsOf(error: z.ZodError): string[] {
  // Only the variable name and our own message: zod's default messages may quote the input.
  return error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`);
}

function parse<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(problemsOf(result.error));
  return result.data;
}

/** Reads the Cloudflare part of the environment (all the CLI needs). */
export function loadCloudflareConfig(env: Env): CloudflareConfig {
  const c = parse(cloudflareSchema, env);
  return {
    apiToken: c.CLOUDFLARE_API_TOKEN,
    accountId: c.CLOUDFLARE_ACCOUNT_ID.toLowerCase(),
    apiUrl: c.CLOUDFLARE_API_URL,
    graphqlUrl: `${c.CLOUDFLARE_API_URL}/graphql`,
    timeoutMs: c.CLOUDFLARE_TIMEOUT_MS,
    maxLookbackSeconds: Math.round(c.ACCESS_WHY_MAX_LOOKBACK_DAYS * 86_400),
    lookupDeadlineMs: c.CLOUDFLARE_LOOKUP_DEADLINE_MS,
    graphqlBudget: c.CLOUDFLARE_GRAPHQL_BUDGET,
    restBudget: c.CLOUDFLARE_REST_BUDGET,
    userSharePercent: c.CLOUDFLARE_USER_SHARE_PERCENT,
    staffReservePercent: c.CLOUDFLARE_STAFF_RESERVE_PERCENT,
  };
}

/** Reads the Slack part of the environment. */
export function loadSlackConfig(env: Env): SlackConfig {
  const s = parse(slackSchema, env);
  const socketMode = s.SLACK_SOCKET_MODE ?? s.SLACK_APP_TOKEN !== undefined;
  // Each mode requires only the secret it uses.
  if (socketMode && s.SLACK_APP_TOKEN === undefined) {
    throw new ConfigError([
      'SLACK_APP_TOKEN is required in Socket Mode: create an app-level token with connections:write ' +
        '(Basic Information › App-Level Tokens), or set SLACK_SOCKET_MODE=false to use HTTP mode',
    ]);
  }
  if (!socketMode && s.SLACK_SIGNING_SECRET === undefined) {
    throw new ConfigError([
      'SLACK_SIGNING_SECRET is required in HTTP mode: Basic Information › App Credentials › Signing ' +
        'Secret, or set SLACK_APP_TOKEN to use Socket Mode',
    ]);
  }
  return {
    botToken: s.SLACK_BOT_TOKEN,
    ...(socketMode || s.SLACK_SIGNING_SECRET === undefined ? {} : { signingSecret: s.SLACK_SIGNING_SECRET }),
    ...(!socketMode || s.SLACK_APP_TOKEN === undefined ? {} : { appToken: s.SLACK_APP_TOKEN }),
    socketMode,
    apiUrl: s.SLACK_API_URL,
    port: s.PORT,
    host: s.HOST,
    logLevel: s.LOG_LEVEL,
    helpdeskChannelIds: s.HELPDESK_CHANNEL_IDS,
    staffChannelIds: s.HELPDESK_STAFF_CHANNEL_IDS,
    ...(s.HELPDESK_REQUESTS_CHANNEL_ID === undefined
      ? {}
      : { requestsChannelId: s.HELPDESK_REQUESTS_CHANNEL_ID }),
    ...(s.ACCESS_WHY_BUTTON_KEY === undefined ? {} : { buttonKey: s.ACCESS_WHY_BUTTON_KEY }),
    searchFurther: s.ACCESS_WHY_SEARCH_FURTHER,
    staffUserIds: s.HELPDESK_USER_IDS,
    ...(s.HELPDESK_USERGROUP_ID === undefined ? {} : { staffUsergroupId: s.HELPDESK_USERGROUP_ID }),
  };
}

const runtimeSchema = z.object({
  HEALTH_PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a port number from 0 to 65535' })
      .int({ error: 'must be a port number from 0 to 65535' })
      .min(0, { error: 'must be a port number from 0 to 65535' })
      .max(65_535, { error: 'must be a port number from 0 to 65535' })
      .optional(),
  ),
  SHUTDOWN_DRAIN_MS: wholeNumber(10_000, 0, 600_000, 'milliseconds to finish answers at shutdown'),
  SLACK_OFFLINE_EXIT_MS: wholeNumber(
    300_000,
    1_000,
    86_400_000,
    'milliseconds without a Socket Mode link before the bot exits',
  ),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .url({
        protocol: /^rediss?$/,
        error: 'must be a redis:// or rediss:// URL (for example redis://redis:6379/0)',
      })
      .optional(),
  ),
});

/** Reads how the process runs under a supervisor. */
export function loadRuntimeConfig(env: Env): RuntimeConfig {
  const r = parse(runtimeSchema, env);
  return {
    ...(r.HEALTH_PORT === undefined ? {} : { healthPort: r.HEALTH_PORT }),
    shutdownDrainMs: r.SHUTDOWN_DRAIN_MS,
    slackOfflineExitMs: r.SLACK_OFFLINE_EXIT_MS,
    ...(r.REDIS_URL === undefined ? {} : { redisUrl: r.REDIS_URL }),
  };
}

/** Reads and validates the whole environment once; reports every problem at the same time. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  let cloudflare: CloudflareConfig | undefined;
  let slack: SlackConfig | undefined;
  let runtime: RuntimeConfig | undefined;
  try {
    cloudflare = loadCloudflareConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    slack = loadSlackConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    runtime = loadRuntimeConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!cloudflare || !slack || !runtime) throw new ConfigError(problems);
  return { cloudflare, slack, runtime };
}
