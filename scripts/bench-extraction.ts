// Child process of scripts/bench.ts: times extractRayIds on 1 MB and 10 MB pastes in a quiet process of
// its own (with the bot's Node flags), and sends the figures back over IPC.
import { randomBytes } from 'node:crypto';
import { extractRayIds } from '../src/core/ray-id.js';

export interface ExtractionTimes {
  one: { median: number; min: number };
  ten: { median: number; min: number };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** A big paste as people send it: 403 pages, log lines with Ray IDs, base64 and hex noise. */
function paste(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const ray = randomBytes(8).toString('hex');
    const chunk =
      i % 4 === 0
        ? `<html><head><title>Forbidden</title></head><body><h1>Access denied</h1><p>Ray ID: <strong>${ray}</strong></p><p>Please contact your administrator.</p></body></html>\n`
        : i % 4 === 1
          ? `2026-11-22T09:${String(i % 60).padStart(2, '0')}:12Z GET /api/v1/items?page=${i} 403 cf-ray=${ray}-SJC ua="Mozilla/5.0 (X11; Linux x86_64)"\n`
          : i % 4 === 2
            ? `${randomBytes(48).toString('base64')} ${randomBytes(24).toString('hex')}\n`
            : `session ${randomBytes(16).toString('hex')} user_uuid=${crypto.randomUUID()} status=denied\n`;
    // Cut the last chunk rather than the joined text, so the paste is one flat string as received.
    parts.push(chunk.slice(0, bytes - size));
    size += chunk.length;
    i += 1;
  }
  return parts.join('');
}

/** Median and fastest of `runs` extractions, after enough runs for the JIT to settle on optimised code. */
function timeExtraction(text: string, warmUps: number, runs: number): { median: number; min: number } {
  for (let i = 0; i < warmUps; i++) extractRayIds(text);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    extractRayIds(text);
    times.push(performance.now() - started);
  }
  return { median: median(times), min: Math.min(...times) };
}

const times: ExtractionTimes = {
  one: timeExtraction(paste(1024 * 1024), 10, 15),
  ten: timeExtraction(paste(10 * 1024 * 1024), 2, 5),
};
process.send?.(times);
