// Child process of scripts/bench.ts: the real bot (startBot from src/main.ts) in a process of its own,
// so the load generator and the stand-ins do not share its event loop and its memory is its own.
// Talks to the parent over IPC: sends { type: 'ready', port }, answers 'memory', obeys 'restart' (a new
// startBot, so new adapters with empty caches, in a process whose code is already warm) and 'stop'.
import { type RunningBot, startBot } from '../src/main.js';

interface Request {
  type: 'memory' | 'restart' | 'stop';
  /** For 'memory': also measure after a forced garbage collection. */
  gc?: boolean;
}

const send = (message: unknown) => process.send?.(message);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const start = () =>
  startBot(
    {
      SLACK_BOT_TOKEN: process.env.SLACK_BOT_TOKEN,
      SLACK_SIGNING_SECRET: process.env.SLACK_SIGNING_SECRET,
      SLACK_SOCKET_MODE: 'false',
      SLACK_API_URL: process.env.SLACK_API_URL,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      CLOUDFLARE_API_TOKEN: process.env.CLOUDFLARE_API_TOKEN,
      CLOUDFLARE_ACCOUNT_ID: process.env.CLOUDFLARE_ACCOUNT_ID,
      CLOUDFLARE_API_URL: process.env.CLOUDFLARE_API_URL,
      CLOUDFLARE_TIMEOUT_MS: '30000',
      ACCESS_WHY_MAX_LOOKBACK_DAYS: '7',
      // The stand-in has no rate limit; the bot's own budget would refuse the memory phase's
      // thousands of lookups and make its figures look better than they are.
      CLOUDFLARE_GRAPHQL_BUDGET: '1000000',
      CLOUDFLARE_REST_BUDGET: '1000000',
      // The replica figures: several bot processes sharing one Redis.
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    () => undefined,
  );
let bot: RunningBot = await start();
send({ type: 'ready', port: bot.port });

process.on('message', (message: Request) => {
  if (message.type === 'memory') {
    const gc = message.gc ? (globalThis as { gc?: () => void }).gc : undefined;
    const before = process.memoryUsage();
    gc?.();
    const after = process.memoryUsage();
    send({
      type: 'memory',
      rssMb: mb(before.rss),
      heapUsedMb: mb(before.heapUsed),
      rssAfterGcMb: gc ? mb(after.rss) : null,
      heapUsedAfterGcMb: gc ? mb(after.heapUsed) : null,
    });
  } else if (message.type === 'restart') {
    bot
      .stop()
      .then(start)
      .then(
        (next) => {
          bot = next;
          send({ type: 'ready', port: bot.port });
        },
        () => process.exit(1),
      );
  } else if (message.type === 'stop') {
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
