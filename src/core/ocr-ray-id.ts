import { extractRayIds, MAX_RAY_IDS } from './ray-id.js';

/**
 * A Ray label as OCR reads it: `Ray ID`, `RayID`, `Ray 1D`, `Ray lD`, `Ray |D`, `ray_id`, `cf-ray`,
 * `cfRayId`, any case. Bounded quantifiers keep the scan linear.
 */
const LABEL = /(?:\bray[ \t_-]{0,2}[i1l|!][dD]|\bcf[ _-]?ray(?:[ _-]?id)?)/gi;
/** How far after a label the id may start (punctuation, quotes, a line break, a JSON key's tail). */
const LOOKAHEAD = 40;
/** A word of 16 letters, digits or OCR's stand-ins for 1 (`|`, `!`), not part of a longer word. */
const CANDIDATE = /(?<![0-9A-Za-z|!])[0-9A-Za-z|!]{16}(?![0-9A-Za-z|!])/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * Characters OCR puts where a hex digit was (O/0, l/1, I/1, S/5, B/8, and h/b as seen in practice). Only for a word that is not hex as read: a valid hex
 * word is never changed. `B` counts as 8 there because Ray IDs are printed in lower case, so a capital
 * B in a word that needed fixing anyway was most likely an 8; a lower-case `b` stays a hex digit.
 */
const CONFUSIONS: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  l: '1',
  I: '1',
  i: '1',
  '|': '1',
  '!': '1',
  S: '5',
  s: '5',
  B: '8',
  // Seen on a phone-sized screenshot (test/fixtures/screenshots/phone-crop.jpg): `b` read as `h`.
  h: 'b',
};

function corrected(word: string): string | undefined {
  let out = '';
  for (const char of word) out += CONFUSIONS[char] ?? char.toLowerCase();
  return HEX16.test(out) ? out : undefined;
}

/** What OCR text yields: the Ray IDs in it, and which of them were repaired from OCR confusions. */
export interface OcrRayIds {
  /** Distinct, lower-case, first seen first, at most MAX_RAY_IDS. */
  rayIds: string[];
  /** The subset that only exists after correcting O/0, l/1, I/1, S/5, B/8 next to a Ray label. */
  corrected: string[];
}

/**
 * Ray IDs in text read from an image. Words that are already 16 hex digits are taken as
 * `extractRayIds` takes them anywhere; a word with OCR confusions (O→0, l/I/|→1, S→5, B→8, h→b) is
 * corrected only when it sits within 40 characters after a Ray label and the result is exactly 16
 * hex digits — anywhere else such a word is just a word.
 */
export function extractOcrRayIds(ocrText: string): OcrRayIds {
  const text = ocrText.slice(0, 200_000);
  const plain = extractRayIds(text).rayIds;
  const seen = new Set(plain);
  const fixed: string[] = [];
  for (const match of text.matchAll(LABEL)) {
    const from = (match.index ?? 0) + match[0].length;
    const window = text.slice(from, from + LOOKAHEAD + 16);
    const found = CANDIDATE.exec(window);
    if (!found || found.index > LOOKAHEAD) continue;
    const word = found[0];
    if (HEX16.test(word.toLowerCase())) continue; // already found as it is
    const id = corrected(word);
    if (id && !seen.has(id)) {
      seen.add(id);
      fixed.push(id);
    }
  }
  const rayIds = [...plain, ...fixed].slice(0, MAX_RAY_IDS);
  return { rayIds, corrected: fixed.filter((id) => rayIds.includes(id)) };
}
