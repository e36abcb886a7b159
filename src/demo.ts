import { pathToFileURL } from 'node:url';
import { renderText } from './cli/render-text.js';
import { createCloudflareAdapters } from './cloudflare/index.js';
import { startCloudflareStandIn } from './sandbox/cloudflare-stand-in.js';
import { blockKitBuilderUrl, renderReport } from './slack/index.js';
import { explainRayIds } from './usecases/explain-ray-ids.js';

const STAND_IN_TOKEN = 'demo-token';
const rule = (title: string) => `\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}`;

function excerpt(text: string, max = 400): string {
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Runs the whole pipeline over the bundled sample pastes against a loopback Cloudflare stand-in. */
export async function runDemo(write: (text: string) => void): Promise<void> {
  const standIn = await startCloudflareStandIn({ token: STAND_IN_TOKEN });
  const cloudflare = createCloudflareAdapters({
    ...standIn.connection,
    timeoutMs: 5_000,
    maxLookbackSeconds: 30 * 86_400,
  });
  try {
    write(`access-why demo: a Cloudflare stand-in is serving a sample account on ${standIn.apiUrl}`);
    write(
      'Each paste below goes through the same pipeline the Slack bot uses: extract → look up → explain → card.',
    );
    const now = () => new Date();
    for (const paste of standIn.dataset.samplePastes) {
      const report = await explainRayIds({ ...cloudflare, now }, { text: paste.text });
      const message = renderReport(report, { now: now() });
      write(rule(paste.title));
      write(`Pasted:\n${excerpt(paste.text)}\n`);
      write(renderText(report));
      write(`\nSlack card preview: ${blockKitBuilderUrl(message.blocks)}`);
    }
  } finally {
    await cloudflare.close();
    await standIn.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runDemo((text) => process.stdout.write(`${text}\n`));
}
