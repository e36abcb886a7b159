import { HexIdSet } from './ray-id-set.js';
import { HexIdTally } from './ray-id-tally.js';

/** How many Ray IDs one request looks up; more would flood the channel and the GraphQL quota. */
export const MAX_RAY_IDS = 10;

/** Skipped ids are only listed back to the user, so a huge paste must not make this list huge. */
const MAX_SKIPPED_KEPT = 100;

/** Ray IDs are 16 hex digits; Cloudflare's own examples never show another length. */
const RAY_ID_LENGTH = 16;

/** How far before an all-digit candidate a Ray label may end and still vouch for it. */
const LABEL_LOOKBACK = 64;

export interface RayIdExtraction {
  /** Distinct Ray IDs, lower-cased, in first-seen order, at most `max` of them. */
  rayIds: string[];
  /** Distinct Ray IDs seen, including those beyond the cap. */
  total: number;
  /** Distinct Ray IDs seen beyond the cap, in order; only the first 100 are kept. */
  skipped: string[];
}

export interface ExtractRayIdsOptions {
  /** Cap on returned ids; defaults to MAX_RAY_IDS. */
  max?: number;
}

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
 * Finds Cloudflare Ray IDs in free text, Slack mrkdwn, or a pasted 403 page.
 *
 * A Ray ID is a word of exactly 16 hex digits (returned lower-cased); `-SJC`-style data-center and
 * `-ua48` browser-signature suffixes are dropped. Words are runs of [0-9A-Za-z_], so a 16-hex slice is
 * never cut out of a longer hex run or identifier. Leading/trailing `_` count as mrkdwn italics and a
 * JSON escape (`\n`, `\u003e`) before a word is not part of it. In a hyphen-joined token the id must be
 * the last part, or be followed only by a 2-4 letter/digit suffix; tokens made of three or more hex
 * parts (UUID-like, including ones missing a hyphen) never yield an id. A 16-digit run with no a-f
 * letter is usually a card or phone number, so it counts only right after a Ray label (`Ray ID`,
 * `ray_id`, `cf-ray`, `cfRayId`, `instance`, any case, markup and punctuation in between allowed).
 *
 * Runs in linear time: a stride scan skips text that cannot hold 16 hex digits in a row, and only the
 * words around such a run are read (see findHexRun and isIdOfToken).
 */
export function extractRayIds(text: string, options: ExtractRayIdsOptions = {}): RayIdExtraction {
  const max = normaliseMax(options.max);
  // Until both lists are full every distinct id is kept, so `seen` holds only those; after that an id
  // only adds to the count, which `later` works out once at the end (see HexIdTally).
  const seen = new HexIdSet();
  const later = new HexIdTally();
  let full = false;
  const rayIds: string[] = [];
  const skipped: string[] = [];

  let from = 0;
  for (;;) {
    const run = findHexRun(text, from);
    if (run < 0) break;
    const wordStart = wordStartBefore(text, run);
    const wordEnd = wordEndAfter(text, run + RAY_ID_LENGTH);
    from = wordEnd;
    const start = rayIdStart(text, wordStart, wordEnd);
    if (start < 0 || !isIdOfToken(text, wordStart, wordEnd)) continue;
    const end = start + RAY_ID_LENGTH;
    if (isAllDigitsRange(text, start, end)) {
      // The label look-back is the slow part, so a repeat is ruled out first while that is cheap.
      if ((!full && seen.has(text, start)) || !followsRayLabel(text, start)) continue;
    }
    if (full) {
      later.add(text, start);
      continue;
    }
    if (!seen.add(text, start)) continue;
    // Strings only for the ids that are returned; the rest are only counted.
    if (rayIds.length < max) rayIds.push(ownedLowerCase(text, start, end));
    else skipped.push(ownedLowerCase(text, start, end));
    full = rayIds.length >= max && skipped.length >= MAX_SKIPPED_KEPT;
  }

  if (!full) return { rayIds, total: seen.size, skipped };
  // The kept ids may come again later; counted together, each counts once.
  for (const id of rayIds) later.add(id, 0);
  for (const id of skipped) later.add(id, 0);
  return { rayIds, total: later.distinct(), skipped };
}

const HYPHEN = 0x2d;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;

/**
 * text[start, end) lower-cased, in a string of its own. V8 makes a slice of 13 or more characters a
 * view that keeps its whole parent alive, and a returned id can sit in a day-long row cache: as a
 * slice, each cached id pinned the paste it came from (a 10 MB one stayed on the heap).
 */
function ownedLowerCase(text: string, start: number, end: number): string {
  const codes: number[] = [];
  for (let i = start; i < end; i++) codes.push(text.charCodeAt(i));
  return String.fromCharCode(...codes).toLowerCase();
}

function normaliseMax(max: number | undefined): number {
  if (max === undefined || Number.isNaN(max)) return MAX_RAY_IDS;
  return Math.max(0, Math.floor(max));
}

/**
 * Start of the first run of 16 hex digits at or after `from`, or -1.
 *
 * Any such run starting in [i, i + 15] covers position i + 15, so when that character is not hex the
 * next 16 starts are ruled out with one read. Most of a paste (prose, markup, base64) is skipped this way
 * instead of being read character by character.
 */
function findHexRun(text: string, from: number): number {
  const last = text.length - RAY_ID_LENGTH;
  let start = from;
  // Characters in [start, checked) are already known to be hex, so a back-scan stops there.
  let checked = start;
  while (start <= last) {
    const probe = start + RAY_ID_LENGTH - 1;
    if (!isHexCode(text.charCodeAt(probe))) {
      start = probe + 1;
      checked = start;
      continue;
    }
    let back = probe - 1;
    while (back >= checked && isHexCode(text.charCodeAt(back))) back--;
    if (back < checked) return start;
    // The run is cut at `back`; the earliest run left starts just after it, and reaches the probe.
    start = back + 1;
    checked = probe + 1;
  }
  return -1;
}

/**
 * Where the 16-hex core of a word holding 16 hex digits in a row starts, or -1 if it has none.
 *
 * A word of exactly 16 is that run, so it is an id as it stands (the common case, read without
 * building a Segment). Longer words have a 16-hex core only once mrkdwn underscores or a JSON escape
 * are stripped; long hex runs (hashes, AUD tags) stop at the first check.
 */
function rayIdStart(text: string, wordStart: number, wordEnd: number): number {
  if (wordEnd - wordStart === RAY_ID_LENGTH) return wordStart;
  const mayHaveCore =
    text.charCodeAt(wordStart) === UNDERSCORE ||
    text.charCodeAt(wordEnd - 1) === UNDERSCORE ||
    (wordStart >= 1 && text.charCodeAt(wordStart - 1) === BACKSLASH);
  if (!mayHaveCore) return -1;
  const segment = readSegment(text, wordStart, wordEnd);
  return segment.isRayId ? segment.start : -1;
}

function wordStartBefore(text: string, index: number): number {
  let start = index;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
  return start;
}

function wordEndAfter(text: string, index: number): number {
  let end = index;
  while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
  return end;
}

/** Whether the word ending at `wordEnd` is joined by a single hyphen to a next word. */
function joinsNext(text: string, wordEnd: number): boolean {
  return text.charCodeAt(wordEnd) === HYPHEN && isWordChar(text.charCodeAt(wordEnd + 1));
}

/**
 * Whether the id word [wordStart, wordEnd) yields an id within its hyphen-joined token: it must be the
 * last part, or be followed by a last part that is a suffix, and the token must not be three or more
 * hex parts (a UUID-like token).
 *
 * Each token has one last part, and a 16-hex word is never a suffix, so at most one word per token gets
 * here; the walk left over the token is therefore done once per token and the scan stays linear.
 */
function isIdOfToken(text: string, wordStart: number, wordEnd: number): boolean {
  let parts = 1;
  let allHex = true;
  if (joinsNext(text, wordEnd)) {
    const nextEnd = wordEndAfter(text, wordEnd + 1);
    if (joinsNext(text, nextEnd)) return false;
    const next = readSegment(text, wordEnd + 1, nextEnd);
    if (!next.isSuffix) return false;
    parts++;
    allHex = next.isHex;
  }
  // Walk left over the token only while it could still be all hex with three parts or more.
  let partEnd = wordStart - 1;
  while (
    allHex &&
    partEnd >= 1 &&
    text.charCodeAt(partEnd) === HYPHEN &&
    isWordChar(text.charCodeAt(partEnd - 1))
  ) {
    const partStart = wordStartBefore(text, partEnd - 1);
    parts++;
    allHex = readSegment(text, partStart, partEnd).isHex;
    partEnd = partStart - 1;
  }
  return !(parts >= 3 && allHex);
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

function isAllDigitsRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}
