// Starts the loopback Cloudflare stand-in and the fake Slack so the bot can run against them:
//   node --import tsx src/sandbox/run-stand-ins.ts
// Ports: STAND_IN_PORT and FAKE_SLACK_PORT (default: any free port). Stop with Ctrl-C.
import { startCloudflareStandIn } from './cloudflare-stand-in.js';
import { startFakeSlack } from './fake-slack.js';

function portFrom(value: string | undefined, name: string): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}

const standIn = await startCloudflareStandIn({ port: portFrom(process.env.STAND_IN_PORT, 'STAND_IN_PORT') });
const slack = await startFakeSlack({ port: portFrom(process.env.FAKE_SLACK_PORT, 'FAKE_SLACK_PORT') });

const featured = standIn.dataset.events.filter((e) => !e.background);
const appName = new Map(standIn.dataset.apps.map((a) => [a.id, a.name]));

console.log('Cloudflare stand-in and fake Slack are running. Run the bot with:');
console.log('');
console.log(`CLOUDFLARE_API_URL=${standIn.apiUrl}`);
console.log(`CLOUDFLARE_API_TOKEN=${standIn.token}`);
console.log(`CLOUDFLARE_ACCOUNT_ID=${standIn.dataset.accountId}`);
console.log(`SLACK_API_URL=${slack.apiUrl}`);
console.log('');
console.log('Sample Ray IDs:');
for (const event of featured) {
  console.log(
    `  ${event.cfRayId}  ${event.kind.padEnd(28)} ${appName.get(event.appId) ?? event.appId} — ${event.summary}`,
  );
}
for (const rayId of standIn.dataset.unknownRayIds) {
  console.log(`  ${rayId}  ${'not_found'.padEnd(28)} (a WAF block page, not an Access event)`);
}
console.log('');
console.log(
  `Inject faults: curl -X POST ${new URL(standIn.apiUrl).origin}/__stand-in/faults -d '{"kind":"status","status":503}'`,
);
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await Promise.all([standIn.close(), slack.close()]);
  console.log('Stopped.');
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
