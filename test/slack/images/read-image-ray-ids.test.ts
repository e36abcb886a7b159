import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../src/sandbox/fake-slack.js';
import { NO_RAY_ID_IN_IMAGE, renderImageNote } from '../../../src/slack/blocks/render-image-note.js';
import { createImageRayIdReader, withImageRayIds } from '../../../src/slack/images/read-image-ray-ids.js';
import { imageFilesOf, type SlackImageFile } from '../../../src/slack/images/slack-image-files.js';
import type { ImageTextReader, OcrOutcome } from '../../../src/slack/images/tesseract-ocr.js';

const SCREENSHOT = readFileSync(new URL('../../fixtures/screenshots/access-block.png', import.meta.url));
const TOKEN = 'xoxb-images-test';
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack({
    botTokens: [TOKEN],
    files: {
      F0SHOT: { bytes: SCREENSHOT, mimetype: 'image/png' },
      F0TEXT: { bytes: Buffer.from('just some text, not an image'), mimetype: 'image/png' },
    },
  });
});
afterAll(() => slack?.close());

function fakeOcr(outcome: OcrOutcome) {
  const read = vi.fn(async (_image: Buffer) => outcome);
  const ocr: ImageTextReader = { read, close: async () => undefined };
  return { ocr, read };
}

const image = (overrides: Partial<SlackImageFile> = {}): SlackImageFile => ({
  id: 'F0SHOT',
  name: 'screenshot.png',
  type: 'png',
  urlPrivate: slack.fileUrl('F0SHOT'),
  ...overrides,
});

function readerWith(outcome: OcrOutcome, limits: { maxBytes?: number; maxPixels?: number } = {}) {
  const { ocr, read } = fakeOcr(outcome);
  const reader = createImageRayIdReader({
    botToken: TOKEN,
    allowedOrigins: [new URL(slack.baseUrl).origin],
    ocr,
    ...limits,
  });
  return { reader, read };
}

describe('imageFilesOf', () => {
  it('keeps PNG, JPEG and WebP files with a url_private, at most three', () => {
    const file = (id: string, mimetype: string) => ({
      id,
      name: `${id}.x`,
      mimetype,
      size: 10,
      url_private: `https://files.slack.com/files-pri/T0-${id}/x`,
      original_w: '1280',
      original_h: 800,
    });
    const files = imageFilesOf({
      files: [
        file('F01', 'image/png'),
        file('F02', 'application/pdf'),
        file('F03', 'image/jpeg'),
        file('F04', 'image/gif'),
        { id: 'F05', mimetype: 'image/webp' },
        file('F06', 'image/webp'),
        file('F07', 'image/png'),
      ],
    });
    expect(files.map((f) => [f.id, f.type])).toEqual([
      ['F01', 'png'],
      ['F03', 'jpeg'],
      ['F06', 'webp'],
    ]);
    expect(files[0]).toMatchObject({ width: 1280, height: 800, size: 10 });
    expect(imageFilesOf({ text: 'no files' })).toEqual([]);
    expect(imageFilesOf(null)).toEqual([]);
  });
});

describe('createImageRayIdReader', () => {
  it('downloads with the bot token, checks the header and hands the image to OCR', async () => {
    const { reader, read } = readerWith({ kind: 'text', text: 'Forbidden\nRay ID: 27bcl0c8dea9bale' });
    slack.requests.length = 0;
    const reading = await reader.read([image()]);
    expect(reading).toEqual({
      found: [{ name: 'screenshot.png', rayIds: ['27bc10c8dea9ba1e'], corrected: ['27bc10c8dea9ba1e'] }],
      problems: [],
    });
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0]?.[0].equals(SCREENSHOT)).toBe(true);
    expect(slack.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(withImageRayIds('see image', reading)).toBe('see image\nRay ID: 27bc10c8dea9ba1e');
  });

  it('skips images over the size or pixel cap before OCR (Slack’s numbers, then the real header)', async () => {
    const { reader, read } = readerWith({ kind: 'text', text: '' }, { maxBytes: 1000, maxPixels: 1_000_000 });
    expect((await reader.read([image({ size: 5000 })])).problems).toEqual([
      { name: 'screenshot.png', problem: 'too_large' },
    ]);
    // Slack said nothing about its size: the download stops at the cap.
    expect((await reader.read([image()])).problems).toEqual([
      { name: 'screenshot.png', problem: 'too_large' },
    ]);
    expect((await reader.read([image({ width: 4000, height: 3000 })])).problems).toEqual([
      { name: 'screenshot.png', problem: 'too_many_pixels' },
    ]);
    const small = readerWith({ kind: 'text', text: '' }, { maxPixels: 100_000 });
    // Slack claimed a small image; the header says 1100 × 680.
    expect((await small.reader.read([image({ width: 10, height: 10 })])).problems).toEqual([
      { name: 'screenshot.png', problem: 'too_many_pixels' },
    ]);
    expect(read).not.toHaveBeenCalled();
    expect(small.read).not.toHaveBeenCalled();
  });

  it('never sends the token to another host, and treats Slack’s sign-in page and non-images as such', async () => {
    const { reader, read } = readerWith({ kind: 'text', text: '' });
    slack.requests.length = 0;
    expect(
      (await reader.read([image({ urlPrivate: 'https://evil.example/files/F0SHOT' })])).problems,
    ).toEqual([{ name: 'screenshot.png', problem: 'download_failed' }]);
    const wrongToken = createImageRayIdReader({
      botToken: 'xoxb-not-this-one',
      allowedOrigins: [new URL(slack.baseUrl).origin],
      ocr: fakeOcr({ kind: 'text', text: '' }).ocr,
    });
    expect((await wrongToken.read([image()])).problems).toEqual([
      { name: 'screenshot.png', problem: 'download_failed' },
    ]);
    expect(
      (await reader.read([image({ id: 'F0TEXT', urlPrivate: slack.fileUrl('F0TEXT') })])).problems,
    ).toEqual([{ name: 'screenshot.png', problem: 'not_an_image' }]);
    expect(read).not.toHaveBeenCalled();
  });

  it('passes on OCR time-outs and a busy reader, and says when no Ray ID was found', async () => {
    for (const [outcome, problem] of [
      [{ kind: 'timeout' }, 'timeout'],
      [{ kind: 'busy' }, 'busy'],
      [{ kind: 'failed' }, 'no_ray_id'],
      [{ kind: 'text', text: 'A sunset over the sea' }, 'no_ray_id'],
    ] as const) {
      const { reader } = readerWith(outcome);
      expect((await reader.read([image()])).problems).toEqual([{ name: 'screenshot.png', problem }]);
    }
  });
});

describe('renderImageNote', () => {
  it('says which Ray ID came from which image, and what to do when none did', () => {
    const note = renderImageNote(
      {
        found: [{ name: 'shot*1*.png', rayIds: ['27bc10c8dea9ba1e'], corrected: ['27bc10c8dea9ba1e'] }],
        problems: [
          { name: 'cat.png', problem: 'no_ray_id' },
          { name: 'huge.png', problem: 'too_many_pixels' },
        ],
      },
      false,
    );
    expect(note).toContain('`27bc10c8dea9ba1e` was read from the image');
    expect(note).toContain('OCR mix-ups');
    expect(note).not.toContain('*1*');
    expect(note).not.toContain('cat.png'); // a Ray ID was found elsewhere
    expect(note).toContain('too many pixels');
    expect(renderImageNote({ found: [], problems: [{ name: 'cat.png', problem: 'no_ray_id' }] }, false)).toBe(
      `🖼️ *cat.png*: ${NO_RAY_ID_IN_IMAGE}`,
    );
    expect(renderImageNote({ found: [], problems: [{ name: 'cat.png', problem: 'no_ray_id' }] }, true)).toBe(
      undefined,
    );
  });
});
