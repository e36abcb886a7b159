// Child process of scripts/bench.ts: a bare Bolt app in HTTP mode that only acks `/access-why` — the
// floor the bot's ack latency is compared against, measured in the same run, under the same flags.
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  logLevel: LogLevel.ERROR,
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"slack":"listening"}');
      },
    },
  ],
});
const app = new App({
  token: 'xoxb-bare-bolt',
  // Given, Bolt makes no auth.test call (as the bot, which verifies its token itself).
  botId: 'B0BARE',
  botUserId: 'U0BARE',
  receiver,
  logLevel: LogLevel.ERROR,
});
app.command('/access-why', async ({ ack }) => {
  await ack();
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
process.send?.({ type: 'ready', port: server.address().port });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') app.stop().then(() => process.exit(0));
});
