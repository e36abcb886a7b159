import { imageSize } from 'image-size';
import { extractOcrRayIds } from '../../core/ocr-ray-id.js';
import { type DownloadOptions, downloadSlackFile } from './download-slack-file.js';
import type { SlackImageFile } from './slack-image-files.js';
import type { ImageTextReader } from './tesseract-ocr.js';

/** Why an image gave no Ray ID. */
export type ImageProblem =
  | 'too_large'
  | 'too_many_pixels'
  | 'download_failed'
  | 'not_an_image'
  | 'timeout'
  | 'busy'
  | 'no_ray_id';

export interface ImageReading {
  /** Images that gave Ray IDs, with those Ray IDs (and which were repaired from OCR mix-ups). */
  found: Array<{ name: string; rayIds: string[]; corrected: string[] }>;
  problems: Array<{ name: string; problem: ImageProblem }>;
}

/** Reads the Ray IDs in a message's images. Never throws: each image ends in `found` or `problems`. */
export interface ImageRayIdReader {
  read(images: readonly SlackImageFile[]): Promise<ImageReading>;
  close(): Promise<void>;
}

export interface ImageLimits {
  /** Bytes; bigger files are skipped before download (Slack's `size`) or during it. Default 8 MB. */
  maxBytes?: number;
  /** Width × height; bigger images are skipped (OCR memory and time grow with it). Default 16 MP. */
  maxPixels?: number;
  /** One download's deadline. Default 10 s. */
  downloadTimeoutMs?: number;
}

export interface ImageRayIdReaderOptions
  extends ImageLimits,
    Omit<DownloadOptions, 'maxBytes' | 'timeoutMs'> {
  ocr: ImageTextReader;
}

/**
 * Image → Ray IDs: skip what is too big by Slack's own numbers, download with the bot token (bounded),
 * check the real dimensions from the header, OCR in the worker, then `extractOcrRayIds` (which hands
 * the text to the same extractor as pasted text, repairing hex mix-ups only next to a Ray label).
 */
export function createImageRayIdReader(options: ImageRayIdReaderOptions): ImageRayIdReader {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxPixels = options.maxPixels ?? 16_000_000;
  const download: DownloadOptions = {
    botToken: options.botToken,
    allowedOrigins: options.allowedOrigins,
    maxBytes,
    timeoutMs: options.downloadTimeoutMs ?? 10_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const tooManyPixels = (w: number | undefined, h: number | undefined) =>
    w !== undefined && h !== undefined && w * h > maxPixels;

  async function readOne(
    image: SlackImageFile,
  ): Promise<ImageProblem | { rayIds: string[]; corrected: string[] }> {
    if (image.size !== undefined && image.size > maxBytes) return 'too_large';
    if (tooManyPixels(image.width, image.height)) return 'too_many_pixels';
    const fetched = await downloadSlackFile(image.urlPrivate, download);
    if (fetched.kind === 'too_large') return 'too_large';
    if (fetched.kind === 'failed') return 'download_failed';
    let size: { width?: number; height?: number; type?: string };
    try {
      size = imageSize(fetched.bytes);
    } catch {
      return 'not_an_image';
    }
    if (!['png', 'jpg', 'webp'].includes(size.type ?? '')) return 'not_an_image';
    if (size.width === undefined || size.height === undefined || tooManyPixels(size.width, size.height))
      return 'too_many_pixels';
    const read = await options.ocr.read(fetched.bytes);
    if (read.kind === 'timeout' || read.kind === 'busy') return read.kind;
    if (read.kind === 'failed') return 'no_ray_id';
    const found = extractOcrRayIds(read.text);
    return found.rayIds.length > 0 ? found : 'no_ray_id';
  }

  return {
    async read(images) {
      const reading: ImageReading = { found: [], problems: [] };
      // One after another: the OCR worker reads one image at a time anyway.
      for (const image of images) {
        const outcome = await readOne(image);
        if (typeof outcome === 'string') reading.problems.push({ name: image.name, problem: outcome });
        else reading.found.push({ name: image.name, ...outcome });
      }
      return reading;
    },
    close: () => options.ocr.close(),
  };
}

/** The message text with the Ray IDs read from its images added, labelled, for the one extractor. */
export function withImageRayIds(text: string, reading: ImageReading | undefined): string {
  const ids = reading?.found.flatMap((f) => f.rayIds) ?? [];
  return ids.length === 0 ? text : `${text}\n${ids.map((id) => `Ray ID: ${id}`).join('\n')}`;
}
