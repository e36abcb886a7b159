import type { ImageProblem, ImageReading } from '../images/read-image-ray-ids.js';
import { inlineCode, safeText } from './escape.js';

export const NO_RAY_ID_IN_IMAGE = 'no Ray ID found in the image — paste the text or type the Ray ID.';

const PROBLEM: Record<ImageProblem, string> = {
  too_large: 'skipped: the file is too large to read (over 8 MB) — paste the text or type the Ray ID.',
  too_many_pixels:
    'skipped: the image has too many pixels to read (over 16 megapixels) — crop it, paste the text or type the Ray ID.',
  download_failed:
    'could not be downloaded (the bot needs the `files:read` scope and must be in the channel) — paste the text or type the Ray ID.',
  not_an_image: 'is not a PNG, JPEG or WebP image the bot can read — paste the text or type the Ray ID.',
  timeout: 'took too long to read — crop it to the Ray ID, paste the text or type the Ray ID.',
  busy: 'was not read: the bot is reading many images right now — try again in a minute, or type the Ray ID.',
  no_ray_id: NO_RAY_ID_IN_IMAGE,
};

/**
 * One escaped line per image for the card: which Ray IDs were read from which image (so the reader
 * checks them against the screenshot), and why an image gave none. "No Ray ID found" is left out when
 * the message had Ray IDs anyway. Undefined when there is nothing to say.
 */
export function renderImageNote(reading: ImageReading, otherRayIds: boolean): string | undefined {
  const lines: string[] = [];
  for (const found of reading.found) {
    const ids = found.rayIds.map((id) => inlineCode(id, 40)).join(', ');
    const fixed = found.corrected.length > 0 ? ' (OCR mix-ups like O/0 and l/1 were corrected)' : '';
    lines.push(
      `🖼️ Ray ID ${ids} was read from the image *${safeText(found.name, 80)}*${fixed} — check it matches the screenshot.`,
    );
  }
  const anyFound = otherRayIds || reading.found.length > 0;
  for (const { name, problem } of reading.problems) {
    if (problem === 'no_ray_id' && anyFound) continue;
    lines.push(`🖼️ *${safeText(name, 80)}*: ${PROBLEM[problem]}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
