// Child process of scripts/bench.ts: fires pre-signed slash commands at the bot all at once and times
// each ack. A process of its own, so the stand-ins in the parent do not delay reading the acks.
// Receives one LoadInput over IPC, answers with one LoadOutput, exits.
import { once } from 'node:events';
import { Agent, request } from 'node:http';

export interface LoadInput {
  url: string;
  healthUrl: string;
  commands: { body: string; headers: Record<string, string> }[];
  /** Open one keep-alive connection per command first, so the burst times requests, not TCP accepts. */
  reuseConnections: boolean;
}

export interface LoadOutput {
  acks: number[];
  statuses: number[];
}

const [input] = (await once(process, 'message')) as [LoadInput];
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function send(url: string, method: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ ms: number; status: number }>((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method,
        agent: input.reuseConnections ? agent : false,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

if (input.reuseConnections) {
  await Promise.all(input.commands.map(() => send(input.healthUrl, 'GET')));
}
const results = await Promise.all(input.commands.map((c) => send(input.url, 'POST', c.body, c.headers)));
agent.destroy();
const output: LoadOutput = { acks: results.map((r) => r.ms), statuses: results.map((r) => r.status) };
process.send?.(output, () => process.exit(0));
