import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { extractOcrRayIds } from '../../../src/core/ocr-ray-id.js';
import { createTesseractReader } from '../../../src/slack/images/tesseract-ocr.js';

/**
 * The real OCR on the screenshot fixtures made by scripts/make-screenshots.ts: each 403 page gives
 * its Ray ID (some only after OCR mix-ups are corrected), the picture gives none. One worker for the
 * whole file; the English model comes from the npm package, nothing is downloaded.
 */
const DIR = new URL('../../fixtures/screenshots/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<
  string,
  { description: string; rayIds: string[] }
>;
const reader = createTesseractReader({ timeoutMs: 60_000 });
afterAll(() => reader.close());

describe('OCR of the screenshot fixtures', () => {
  it('has the five 403 pages and a picture that is no screenshot', () => {
    expect(Object.keys(expected).sort()).toEqual([
      'access-block.png',
      'access-json.png',
      'dark-mode.webp',
      'not-a-screenshot.png',
      'phone-crop.jpg',
      'waf-block.png',
    ]);
  });

  for (const [file, { description, rayIds }] of Object.entries(expected)) {
    it(`${file} (${description}) → ${rayIds.join(', ') || 'no Ray ID'}`, { timeout: 90_000 }, async () => {
      const outcome = await reader.read(readFileSync(new URL(file, DIR)));
      expect(outcome.kind).toBe('text');
      const text = outcome.kind === 'text' ? outcome.text : '';
      expect(extractOcrRayIds(text).rayIds).toEqual(rayIds);
    });
  }

  it('an unreadable image is a failed read, and the worker still reads the next one', {
    timeout: 90_000,
  }, async () => {
    expect(await reader.read(Buffer.from('not an image at all'))).toEqual({ kind: 'failed' });
    const next = await reader.read(readFileSync(new URL('access-json.png', DIR)));
    expect(next.kind === 'text' && extractOcrRayIds(next.text).rayIds).toEqual(
      expected['access-json.png']?.rayIds,
    );
  });
});
