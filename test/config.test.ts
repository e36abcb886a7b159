import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadCloudflareConfig,
  loadConfig,
  loadRuntimeConfig,
  loadSlackConfig,
} from '../src/config.js';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const cloudflare = { CLOUDFLARE_API_TOKEN: 'cf-secret-token-value', CLOUDFLARE_ACCOUNT_ID: ACCOUNT };
const slack = { SLACK_BOT_TOKEN: 'xoxb-secret-bot-token', SLACK_SIGNING_SECRET: 'signing-secret-value' };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ ...cloudflare, ...slack });
    expect(config.cloudflare).toEqual({
      apiToken: 'cf-secret-token-value',
      accountId: ACCOUNT,
      apiUrl: 'https://api.cloudflare.com/client/v4',
      graphqlUrl: 'https://api.cloudflare.com/client/v4/graphql',
      timeoutMs: 10_000,
      maxLookbackSeconds: 7 * 86_400,
      lookupDeadlineMs: 20_000,
      graphqlBudget: 300,
      restBudget: 1200,
      userSharePercent: 10,
      staffReservePercent: 20,
    });
    expect(config.slack).toEqual({
      botToken: 'xoxb-secret-bot-token',
      signingSecret: 'signing-secret-value',
      socketMode: false,
      apiUrl: 'https://slack.com/api/',
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      helpdeskChannelIds: [],
      staffChannelIds: [],
      searchFurther: 'staff',
      staffUserIds: [],
    });
  });

  it('reads the staff channels, the button key and who may search further back', () => {
    const s = loadSlackConfig({
      ...slack,
      HELPDESK_STAFF_CHANNEL_IDS: 'G0STAFF, G0OPS',
      ACCESS_WHY_BUTTON_KEY: 'k'.repeat(32),
      ACCESS_WHY_SEARCH_FURTHER: 'everyone',
    });
    expect(s).toMatchObject({
      staffChannelIds: ['G0STAFF', 'G0OPS'],
      buttonKey: 'k'.repeat(32),
      searchFurther: 'everyone',
    });
    expect(
      problems(() =>
        loadSlackConfig({
          ...slack,
          ACCESS_WHY_BUTTON_KEY: 'short-key',
          ACCESS_WHY_SEARCH_FURTHER: 'anyone',
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^ACCESS_WHY_BUTTON_KEY must be at least 32 characters/),
      'ACCESS_WHY_SEARCH_FURTHER must be staff or everyone',
    ]);
    expect(
      loadCloudflareConfig({
        ...cloudflare,
        CLOUDFLARE_USER_SHARE_PERCENT: '25',
        CLOUDFLARE_STAFF_RESERVE_PERCENT: '0',
      }),
    ).toMatchObject({ userSharePercent: 25, staffReservePercent: 0 });
    expect(
      problems(() => loadCloudflareConfig({ ...cloudflare, CLOUDFLARE_USER_SHARE_PERCENT: '0' })),
    ).toEqual([expect.stringMatching(/^CLOUDFLARE_USER_SHARE_PERCENT must be a whole number from 1 to 100/)]);
  });

  it('defaults to Socket Mode when SLACK_APP_TOKEN is set, and SLACK_SOCKET_MODE=false overrides it', () => {
    expect(loadSlackConfig({ ...slack, SLACK_APP_TOKEN: 'xapp-1-abc' }).socketMode).toBe(true);
    expect(
      loadSlackConfig({ ...slack, SLACK_APP_TOKEN: 'xapp-1-abc', SLACK_SOCKET_MODE: 'false' }).socketMode,
    ).toBe(false);
  });

  it('requires SLACK_APP_TOKEN when Socket Mode is asked for', () => {
    expect(problems(() => loadSlackConfig({ ...slack, SLACK_SOCKET_MODE: 'true' }))).toEqual([
      expect.stringMatching(/^SLACK_APP_TOKEN is required in Socket Mode.*SLACK_SOCKET_MODE=false/),
    ]);
  });

  it('normalises URLs: no trailing slash for Cloudflare, one for Slack', () => {
    const c = loadCloudflareConfig({ ...cloudflare, CLOUDFLARE_API_URL: 'http://127.0.0.1:9/client/v4/' });
    expect(c.graphqlUrl).toBe('http://127.0.0.1:9/client/v4/graphql');
    expect(loadSlackConfig({ ...slack, SLACK_API_URL: 'http://127.0.0.1:9/api' }).apiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  it('reports every problem at once, naming the variable and the fix, without echoing values', () => {
    const env = {
      CLOUDFLARE_API_TOKEN: '',
      CLOUDFLARE_ACCOUNT_ID: 'not-an-account-secretish',
      SLACK_BOT_TOKEN: 'xoxp-user-token-secretish',
      SLACK_SIGNING_SECRET: 's',
      PORT: 'eighty',
      SLACK_SOCKET_MODE: 'maybe',
    };
    const found = problems(() => loadConfig(env));
    expect(found.map((p) => p.split(' ')[0])).toEqual([
      'CLOUDFLARE_API_TOKEN',
      'CLOUDFLARE_ACCOUNT_ID',
      'SLACK_BOT_TOKEN',
      'SLACK_SOCKET_MODE',
      'PORT',
    ]);
    expect(found.join('\n')).toMatch(/CLOUDFLARE_API_TOKEN is required: create a Cloudflare API token/);
    expect(found.join('\n')).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
    expect(found.join('\n')).not.toMatch(/secretish|eighty|maybe/);
  });

  it('reads HELPDESK_CHANNEL_IDS as a comma-separated list of channel ids', () => {
    expect(
      loadSlackConfig({ ...slack, HELPDESK_CHANNEL_IDS: ' C0123ABC, G0456DEF ,' }).helpdeskChannelIds,
    ).toEqual(['C0123ABC', 'G0456DEF']);
    expect(problems(() => loadSlackConfig({ ...slack, HELPDESK_CHANNEL_IDS: '#helpdesk' }))).toEqual([
      expect.stringMatching(/^HELPDESK_CHANNEL_IDS.* must list channel ids like C0123456789/),
    ]);
  });

  it('reads the lookup deadline and the client-side Cloudflare budgets', () => {
    const c = loadCloudflareConfig({
      ...cloudflare,
      CLOUDFLARE_LOOKUP_DEADLINE_MS: '15000',
      CLOUDFLARE_GRAPHQL_BUDGET: ' 150 ',
      CLOUDFLARE_REST_BUDGET: '600',
    });
    expect(c).toMatchObject({ lookupDeadlineMs: 15_000, graphqlBudget: 150, restBudget: 600 });
    const blank = loadCloudflareConfig({
      ...cloudflare,
      CLOUDFLARE_LOOKUP_DEADLINE_MS: '',
      CLOUDFLARE_GRAPHQL_BUDGET: ' ',
      CLOUDFLARE_REST_BUDGET: '',
    });
    expect(blank).toMatchObject({ lookupDeadlineMs: 20_000, graphqlBudget: 300, restBudget: 1200 });
  });

  it('rejects a deadline or budget that is not a whole number in range, naming the range and the unit', () => {
    const found = problems(() =>
      loadCloudflareConfig({
        ...cloudflare,
        CLOUDFLARE_LOOKUP_DEADLINE_MS: '500',
        CLOUDFLARE_GRAPHQL_BUDGET: 'lots-secretish',
        CLOUDFLARE_REST_BUDGET: '0',
      }),
    );
    expect(found).toEqual([
      'CLOUDFLARE_LOOKUP_DEADLINE_MS must be a whole number from 1000 to 600000 (milliseconds for a whole lookup)',
      'CLOUDFLARE_GRAPHQL_BUDGET must be a whole number from 1 to 1000000 (GraphQL queries per 5 minutes)',
      'CLOUDFLARE_REST_BUDGET must be a whole number from 1 to 1000000 (REST requests per 5 minutes)',
    ]);
    expect(problems(() => loadCloudflareConfig({ ...cloudflare, CLOUDFLARE_REST_BUDGET: '12.5' }))).toEqual([
      expect.stringMatching(/^CLOUDFLARE_REST_BUDGET must be a whole number/),
    ]);
  });

  it('requires only the secret the chosen mode uses', () => {
    const socket = loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(socket.socketMode).toBe(true);
    expect(socket.signingSecret).toBeUndefined();
    expect(problems(() => loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: ' ' }))).toEqual(
      [expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode: Basic Information/)],
    );
    // A signing secret left over in Socket Mode is ignored, not an error; an app token in HTTP mode too.
    expect(
      loadSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-abc', SLACK_SIGNING_SECRET: 's' })
        .signingSecret,
    ).toBeUndefined();
    expect(
      loadSlackConfig({ ...slack, SLACK_APP_TOKEN: 'xapp-1-abc', SLACK_SOCKET_MODE: 'false' }).appToken,
    ).toBeUndefined();
  });

  it('reads the runtime settings: health port, shutdown drain and the offline bound, with defaults', () => {
    expect(loadConfig({ ...cloudflare, ...slack }).runtime).toEqual({
      shutdownDrainMs: 10_000,
      slackOfflineExitMs: 300_000,
    });
    expect(
      loadRuntimeConfig({ HEALTH_PORT: '8081', SHUTDOWN_DRAIN_MS: '2500', SLACK_OFFLINE_EXIT_MS: '60000' }),
    ).toEqual({ healthPort: 8081, shutdownDrainMs: 2_500, slackOfflineExitMs: 60_000 });
    expect(
      problems(() =>
        loadRuntimeConfig({
          HEALTH_PORT: 'http-secretish',
          SHUTDOWN_DRAIN_MS: '-1',
          SLACK_OFFLINE_EXIT_MS: '5',
        }),
      ),
    ).toEqual([
      'HEALTH_PORT must be a port number from 0 to 65535',
      'SHUTDOWN_DRAIN_MS must be a whole number from 0 to 600000 (milliseconds to finish answers at shutdown)',
      'SLACK_OFFLINE_EXIT_MS must be a whole number from 1000 to 86400000 (milliseconds without a Socket Mode link before the bot exits)',
    ]);
  });
});

describe('REDIS_URL', () => {
  it('is optional (all state in-process) and takes redis:// or rediss:// URLs', () => {
    expect(loadRuntimeConfig({}).redisUrl).toBeUndefined();
    expect(loadRuntimeConfig({ REDIS_URL: '  ' }).redisUrl).toBeUndefined();
    expect(loadRuntimeConfig({ REDIS_URL: 'redis://redis:6379/0' }).redisUrl).toBe('redis://redis:6379/0');
    expect(loadRuntimeConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380' }).redisUrl).toBe(
      'rediss://:pw@cache.internal:6380',
    );
  });

  it('refuses anything else, naming the variable and never echoing the value (it may hold a password)', () => {
    for (const value of ['http://:hunter2@cache:6379', 'cache:6379', 'hunter2']) {
      const found = problems(() => loadRuntimeConfig({ REDIS_URL: value }));
      expect(found).toEqual([
        'REDIS_URL must be a redis:// or rediss:// URL (for example redis://redis:6379/0)',
      ]);
      expect(found.join('')).not.toContain('hunter2');
    }
  });
});
