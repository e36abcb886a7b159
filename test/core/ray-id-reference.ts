// Reference model for the Ray ID extractor (test only): the previous implementation, kept verbatim in
// its logic so that a differential property test can compare the optimised scanner with it.
import type { RayIdExtraction } from '../../src/core/ray-id.js';

const MAX_RAY_IDS = 10;
const MAX_SKIPPED_KEPT = 100;
const RAY_ID_LENGTH = 16;
const LABEL_LOOKBACK = 64;

/** Where a word (a maximal run of [0-9A-Za-z_]) sits and what its core looks like. */
interface Segment {
  /** The core: the word without mrkdwn `_` edges or a JSON escape prefix. */
  start: number;
  end: number;
  /** The core is exactly 16 hex digits. */
  isRayId: boolean;
  /** The core could be a data-center code (`SJC`) or the WAF browser-signature tag (`ua48`). */
  isSuffix: boolean;
  /** The whole core is hex digits (any length). */
  isHex: boolean;
}

/**
 * The word-by-word scanner extractRayIds used before the stride scan: it reads every character and
 * runs each hyphen-joined token through a small state machine. Slow but easy to check by eye, so the
 * fast scanner must agree with it on every input (test/core/ray-id-scan.test.ts).
 */
export function extractRayIdsByWords(text: string, options: { max?: number } = {}): RayIdExtraction {
  const max = normaliseMax(options.max);
  const seen = new Set<string>();
  const rayIds: string[] = [];
  const skipped: string[] = [];

  const accept = (segment: Segment): void => {
    const id = text.slice(segment.start, segment.end).toLowerCase();
    if (seen.has(id)) return;
    if (isAllDigits(id) && !followsRayLabel(text, segment.start)) return;
    seen.add(id);
    if (rayIds.length < max) rayIds.push(id);
    else if (skipped.length < MAX_SKIPPED_KEPT) skipped.push(id);
  };

  // Only the last two parts of a hyphen-joined token can hold an id, so that is all we keep.
  let previous: Segment | undefined;
  let last: Segment | undefined;
  let parts = 0;
  let allHex = true;
  let lastWordEnd = -1;

  const closeToken = (): void => {
    if (last !== undefined && !(parts >= 3 && allHex)) {
      if (last.isRayId) accept(last);
      else if (previous?.isRayId === true && last.isSuffix) accept(previous);
    }
    previous = undefined;
    last = undefined;
    parts = 0;
    allHex = true;
  };

  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const wordStart = i;
    let hex = true;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (!isWordChar(code)) break;
      if (hex && !isHexCode(code)) hex = false;
      i++;
    }
    const joined =
      wordStart >= 1 && lastWordEnd === wordStart - 1 && text.charCodeAt(wordStart - 1) === HYPHEN;
    if (!joined) closeToken();
    const segment = needsFullRead(text, wordStart, i)
      ? readSegment(text, wordStart, i)
      : hex
        ? LONG_HEX
        : LONG_WORD;
    previous = last;
    last = segment;
    parts++;
    allHex &&= segment.isHex;
    lastWordEnd = i;
  }
  closeToken();

  return { rayIds, total: seen.size, skipped };
}

const HYPHEN = 0x2d;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;

function normaliseMax(max: number | undefined): number {
  if (max === undefined || Number.isNaN(max)) return MAX_RAY_IDS;
  return Math.max(0, Math.floor(max));
}

// Most words are neither 16 long nor a 2–4 character suffix; they only matter for "is the token all hex",
// so they share two constant segments instead of allocating one each (the hot path on large pastes).
const LONG_HEX: Segment = { start: 0, end: 0, isRayId: false, isSuffix: false, isHex: true };
const LONG_WORD: Segment = { start: 0, end: 0, isRayId: false, isSuffix: false, isHex: false };

/** Whether a word could be an id or a suffix (by length, or once underscores or an escape are stripped). */
function needsFullRead(text: string, wordStart: number, wordEnd: number): boolean {
  const length = wordEnd - wordStart;
  return (
    length <= 4 ||
    length === RAY_ID_LENGTH ||
    text.charCodeAt(wordStart) === UNDERSCORE ||
    text.charCodeAt(wordEnd - 1) === UNDERSCORE ||
    (wordStart >= 1 && text.charCodeAt(wordStart - 1) === BACKSLASH)
  );
}

function readSegment(text: string, wordStart: number, wordEnd: number): Segment {
  let start = wordStart;
  let end = wordEnd;
  while (start < end && text.charCodeAt(start) === UNDERSCORE) start++;
  while (end > start && text.charCodeAt(end - 1) === UNDERSCORE) end--;

  // `\u003cstrong\u003e230b…` and `\n230b…` come from JSON-encoded pages; strip only when that
  // turns the core into an id, so a genuine 16-hex word after a backslash is still kept.
  if (end - start !== RAY_ID_LENGTH && wordStart >= 1 && text.charCodeAt(wordStart - 1) === BACKSLASH) {
    const escapeLength = jsonEscapeLength(text, start, end);
    if (escapeLength > 0 && end - start - escapeLength === RAY_ID_LENGTH) start += escapeLength;
  }

  const coreLength = end - start;
  const isHex = coreLength > 0 && isHexRange(text, start, end);
  return {
    start,
    end,
    isRayId: isHex && coreLength === RAY_ID_LENGTH,
    isSuffix: coreLength >= 2 && coreLength <= 4 && isAlnumRange(text, start, end),
    isHex,
  };
}

/** Length of the JSON escape letters (`n`, `u003e`) a backslash-led word starts with, else 0. */
function jsonEscapeLength(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  if (first === 0x75 /* u */ && end - start >= 5 && isHexRange(text, start + 1, start + 5)) return 5;
  // b, f, n, r, t
  if (first === 0x62 || first === 0x66 || first === 0x6e || first === 0x72 || first === 0x74) return 1;
  return 0;
}

/** A Ray label, then only punctuation, spaces and tags up to the end of the (entity-decoded) window. */
const RAY_LABEL_BEFORE =
  /(?:^|[^a-z0-9])(?:cf[-_]?)?(?:ray(?:[ _-]?ids?)?|instance)(?:[^a-z0-9<]|<[^<>]*>)*$/;

function followsRayLabel(text: string, candidateStart: number): boolean {
  const window = text.slice(Math.max(0, candidateStart - LABEL_LOOKBACK), candidateStart).toLowerCase();
  // Cheap pre-check keeps the regex off the hot path for the common "no label at all" case.
  if (!window.includes('ray') && !window.includes('instance')) return false;
  // Slack escapes `<`/`>` as entities and JSON escapes them as `\u003c`/`\u003e`; decoding both (and
  // JSON's `\n`, `\t`, `\"`) lets `&lt;strong&gt;` or `\u003cstrong\u003e` read as a tag, not a word.
  const decoded = window
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replace(/&#?[a-z0-9]{1,8};/g, ' ')
    .replaceAll('\\u003c', '<')
    .replaceAll('\\u003e', '>')
    .replace(/\\(?:u[0-9a-f]{4}|[nrtbf"/\\])/g, ' ');
  return RAY_LABEL_BEFORE.test(decoded);
}

/** Character classes of ASCII: bit 1 = word character ([0-9A-Za-z_]), bit 2 = hex digit. */
const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    const digit = code >= 0x30 && code <= 0x39;
    const upper = code >= 0x41 && code <= 0x5a;
    const lower = code >= 0x61 && code <= 0x7a;
    const hexLetter = (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
    table[code] = (digit || upper || lower || code === UNDERSCORE ? 1 : 0) | (digit || hexLetter ? 2 : 0);
  }
  return table;
})();

function isWordChar(code: number): boolean {
  return code < 128 && ((CHAR_CLASS[code] ?? 0) & 1) !== 0;
}

function isHexCode(code: number): boolean {
  return code < 128 && ((CHAR_CLASS[code] ?? 0) & 2) !== 0;
}

function isHexRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isHexCode(text.charCodeAt(i))) return false;
  return true;
}

function isAlnumRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === UNDERSCORE || !isWordChar(code)) return false;
  }
  return true;
}

function isAllDigits(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}
