// Child process of scripts/bench.ts: times extractRayIds on 1 MB and 10 MB pastes in a quiet process of
// its own (with the bot's Node flags), and sends the figures back over IPC.
import { randomBytes } from 'node:crypto';
import { extractRayIds } from '../src/core/ray-id.js';

export interface ExtractionTimes {
  one: { median: number; min: number };
  ten: { median: number; min: number };
  /** Median over pairs of adjacent runs (1 MB, then 10 MB) of the 10 MB time over the 1 MB time. */
  ratio: number;
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

/**
 * Runs 1 MB and 10 MB extractions alternately, after enough runs for the JIT to settle on optimised
 * code: the machine's speed drifts between runs (here 1 MB read 1.7 or 3.2 ms, 10 MB 16 or 30 ms,
 * depending on the moment), so each size is timed beside the other and the ratio is taken per pair.
 */
function timeExtraction(one: string, ten: string, warmUps: number, pairs: number): ExtractionTimes {
  for (let i = 0; i < warmUps; i++) {
    extractRayIds(one);
    extractRayIds(ten);
  }
  const timed = (text: string) => {
    const started = performance.now();
    extractRayIds(text);
    return performance.now() - started;
  };
  const ones: number[] = [];
  const tens: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = timed(one);
    const b = timed(ten);
    ones.push(a);
    tens.push(b);
    ratios.push(b / a);
  }
  return {
    one: { median: median(ones), min: Math.min(...ones) },
    ten: { median: median(tens), min: Math.min(...tens) },
    ratio: median(ratios),
  };
}

process.send?.(timeExtraction(paste(1024 * 1024), paste(10 * 1024 * 1024), 3, 15));
