import { createRequire } from 'node:module';
import { createWorker, type Worker } from 'tesseract.js';

/** What reading one image gave. */
export type OcrOutcome =
  | { kind: 'text'; text: string }
  | { kind: 'timeout' }
  | { kind: 'busy' }
  | { kind: 'failed' };

/** Reads text from an image off the main event loop. */
export interface ImageTextReader {
  read(image: Buffer): Promise<OcrOutcome>;
  /** Ends the worker thread (idempotent). */
  close(): Promise<void>;
}

export interface TesseractOptions {
  /** One image's recognition ends after this; the worker is then ended and started afresh. Default 20 s. */
  timeoutMs?: number;
  /** Images waiting beyond this many are refused (`busy`), so a flood of screenshots cannot queue for minutes. Default 8. */
  maxQueued?: number;
}

const require = createRequire(import.meta.url);
/** The English model shipped in the npm package @tesseract.js-data/eng (`<dir>/eng.traineddata.gz`). */
const ENGLISH: { langPath: string; gzip: boolean } = require('@tesseract.js-data/eng');

/**
 * tesseract.js with one worker. In Node its worker is a `worker_threads` Worker
 * (tesseract.js src/worker/node/spawnWorker.js), so recognition never blocks the event loop that acks
 * Slack. The language data is read from the local npm package — `langPath` is a directory, not a
 * URL, so the worker reads the file and fetches nothing (src/worker-script/index.js: a non-URL
 * `langPath` goes to `readCache`), and `cacheMethod: 'none'` keeps it from writing a copy into the
 * working directory. Images are handed over as Buffers, never as URLs. One image at a time; a job
 * past the time limit ends the worker, which is started again for the next image.
 */
export function createTesseractReader(options: TesseractOptions = {}): ImageTextReader {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxQueued = options.maxQueued ?? 8;
  let worker: Promise<Worker> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let closed = false;

  const start = () => {
    worker ??= createWorker('eng', 1, {
      langPath: ENGLISH.langPath,
      gzip: ENGLISH.gzip,
      cacheMethod: 'none',
      // Without it, a failure inside the worker is thrown from an event handler and ends the process.
      errorHandler: () => undefined,
    });
    return worker;
  };
  const stop = async () => {
    const running = worker;
    worker = undefined;
    await running?.then((w) => w.terminate()).catch(() => undefined);
  };

  const recognize = async (image: Buffer): Promise<OcrOutcome> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([start().then((w) => w.recognize(image)), timedOut]);
      if (outcome === 'timeout') {
        await stop();
        return { kind: 'timeout' };
      }
      return { kind: 'text', text: outcome.data.text };
    } catch {
      // An image the engine cannot decode; the worker may be unusable afterwards.
      await stop();
      return { kind: 'failed' };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    read(image) {
      if (closed) return Promise.resolve({ kind: 'failed' });
      if (waiting >= maxQueued) return Promise.resolve({ kind: 'busy' });
      waiting += 1;
      const job = queue.then(() => recognize(image));
      queue = job.catch(() => undefined);
      return job.finally(() => {
        waiting -= 1;
      });
    },
    async close() {
      // At shutdown an image still being read is not worth waiting for: its answer says it failed.
      closed = true;
      await stop();
    },
  };
}
