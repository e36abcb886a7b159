import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { z } from 'zod';
import { renderText } from './cli/render-text.js';
import { toJsonReport } from './cli/to-json.js';
import { createCloudflareAdapters, parsePolicyCase } from './cloudflare/index.js';
import { ConfigError, type Env, loadCloudflareConfig } from './config.js';
import type { ExplainReport } from './core/report.js';
import { blockKitBuilderUrl, renderReport } from './slack/index.js';
import { explainCase } from './usecases/explain-case.js';
import { explainRayIds } from './usecases/explain-ray-ids.js';

const USAGE = `Usage: access-why explain [--json | --blocks] [--at <ISO time>] <text…>
       <paste> | access-why explain [--json | --blocks]
       access-why explain --case FILE [--json]

Finds the Ray IDs in the text (a Ray ID, a pasted 403 page, headers, a Slack message),
looks each up in Cloudflare Access and explains the decision.

  --json       print {"results":[{"rayId","outcome","cause",…}]}
  --blocks     print the Slack card (Block Kit JSON) and a Block Kit Builder link
  --at <time>  when the 403 happened (ISO 8601): the search starts there
  --case FILE  replay offline: FILE holds {"event":{…GraphQL row…},"app":{…app with policies…},
               "context":{identity_providers, groups, lists, service_tokens, posture_rules,
               last_seen_identity, related_apps, user}}; no Cloudflare access needed

Environment: CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID, optional CLOUDFLARE_API_URL,
CLOUDFLARE_TIMEOUT_MS, ACCESS_WHY_MAX_LOOKBACK_DAYS (read from .env too).`;

/** Largest input read from stdin; more than any real paste. */
const MAX_STDIN_BYTES = 10 * 1024 * 1024;

/** What was read from stdin; `truncated` when it held more than the cap and reading stopped there. */
export interface StdinText {
  text: string;
  truncated: boolean;
}

export interface CliIo {
  env: Env;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Undefined when stdin is a terminal (nothing piped). */
  readStdin: () => Promise<StdinText | undefined>;
  readFile: (path: string) => string;
}

/** Runs the CLI; returns the exit code (0 ok, 1 a lookup failed, 2 usage or configuration). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : 'invalid arguments'}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] !== 'explain') {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? 0 : 2;
  }
  const anchor = values.at === undefined ? undefined : new Date(values.at);
  if (anchor && Number.isNaN(anchor.getTime())) {
    io.stderr(`--at must be an ISO 8601 time, e.g. 2026-11-22T09:30:00Z\n\n${USAGE}`);
    return 2;
  }
  if (values.case !== undefined) return explainCaseFile(values.case, values, io);
  let text: string | undefined;
  if (positionals.length > 1) text = positionals.slice(1).join(' ');
  else {
    const stdin = await io.readStdin();
    text = stdin?.text;
    if (stdin?.truncated) {
      io.stderr(
        `stdin holds more than ${MAX_STDIN_BYTES / (1024 * 1024)} MB: only the first 10 MB were read.`,
      );
    }
  }
  if (!text?.trim()) {
    io.stderr(`Give the text to explain as arguments or on stdin.\n\n${USAGE}`);
    return 2;
  }

  let config: ReturnType<typeof loadCloudflareConfig>;
  try {
    config = loadCloudflareConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.message}\nSee .env.example and the README's "Configuration" section.`);
    return 2;
  }
  const cloudflare = createCloudflareAdapters(config);
  try {
    const now = () => new Date();
    // One deadline for the whole run; no spender: the CLI spends the bot's own budget.
    const { events, directory } = cloudflare.forLookup();
    const report = await explainRayIds({ events, directory, now }, { text, anchor });
    print(report, values, io, now());
    return report.results.some((r) => r.outcome === 'error') ? 1 : 0;
  } finally {
    await cloudflare.close();
  }
}

function print(
  report: ExplainReport,
  values: { json?: boolean | undefined; blocks?: boolean | undefined },
  io: CliIo,
  now: Date,
) {
  if (values.json) {
    io.stdout(JSON.stringify(toJsonReport(report), null, 2));
  } else if (values.blocks) {
    const message = renderReport(report, { now });
    io.stdout(JSON.stringify(message, null, 2));
    io.stdout(`\nPreview: ${blockKitBuilderUrl(message.blocks)}`);
  } else {
    io.stdout(renderText(report));
  }
}

function explainCaseFile(
  file: string,
  values: { json?: boolean | undefined; blocks?: boolean | undefined },
  io: CliIo,
): number {
  let parsed: ReturnType<typeof parsePolicyCase>;
  try {
    parsed = parsePolicyCase(JSON.parse(io.readFile(file)));
  } catch (error) {
    const why =
      error instanceof SyntaxError
        ? 'it is not valid JSON'
        : error instanceof z.ZodError
          ? `it is not a case: ${error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join('.') || '(top)'} ${i.message}`)
              .join('; ')}`
          : 'it cannot be read';
    io.stderr(`Cannot use ${file}: ${why}.\n\n${USAGE}`);
    return 2;
  }
  const report = explainCase(parsed.event, parsed.app, parsed.context);
  print(report, values, io, parsed.context.now);
  return 0;
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      blocks: { type: 'boolean' },
      at: { type: 'string' },
      case: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * Reads a stream to its end or to `maxBytes`, whichever comes first, asynchronously: a pipe from a
 * slow producer or a paste larger than the pipe buffer is waited for, never read with a blocking
 * call that fails with EAGAIN. Past the cap it stops reading and destroys the stream.
 */
export async function readStreamCapped(stream: Readable, maxBytes: number): Promise<StdinText> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (bytes + buffer.length > maxBytes) {
      chunks.push(buffer.subarray(0, maxBytes - bytes));
      bytes = maxBytes;
      truncated = true;
      break;
    }
    chunks.push(buffer);
    bytes += buffer.length;
  }
  // Leaving the loop early destroys the stream; the producer sees a closed pipe, as with `head`.
  return { text: Buffer.concat(chunks, bytes).toString('utf8'), truncated };
}

function readStdin(): Promise<StdinText | undefined> {
  if (process.stdin.isTTY) return Promise.resolve(undefined);
  return readStreamCapped(process.stdin, MAX_STDIN_BYTES);
}

/** Process entry: reads .env and the real streams, sets the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  dotenv.config({ quiet: true });
  process.exitCode = await runCli(argv, {
    env: process.env,
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    readStdin,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
