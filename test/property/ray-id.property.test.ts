import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPaste, PASTE_INSPECT_LIMIT } from '../../src/core/paste.js';
import { type ExtractRayIdsOptions, extractRayIds, MAX_RAY_IDS } from '../../src/core/ray-id.js';
import { HOSTILE_CONSTANTS, hexRun, rayIdAllDigits, rayIdWithLetter, repeatTo } from './arbitraries.js';

/** Mirrors the documented cap: absent or NaN means MAX_RAY_IDS, else floor, never below 0. */
function effectiveMax(max: number | undefined): number {
  if (max === undefined || Number.isNaN(max)) return MAX_RAY_IDS;
  return Math.max(0, Math.floor(max));
}

const controlChar = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((code) => String.fromCharCode(code));

/** One fragment of a realistic-but-hostile paste: hex runs, hyphens, HTML, JSON, Slack mrkdwn, labels. */
const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: controlChar },
  { weight: 3, arbitrary: hexRun(1, 70) },
  { weight: 2, arbitrary: rayIdWithLetter },
  { weight: 1, arbitrary: rayIdAllDigits },
  { weight: 1, arbitrary: fc.uuid() },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('App AUD: ', '<b>App AUD:</b>\n', '"aud": "', '"aud":"'), hexRun(64))
      .map(([label, aud]) => `${label}${aud}${label.startsWith('"') ? '"' : ''}`),
  },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '-',
      '--',
      '_',
      '__',
      '\\',
      ' ',
      '\n',
      '-SJC',
      '-ua48',
      '-',
      'Ray ID: ',
      'ray_id',
      'cf-ray: ',
      'cfRayId',
      'instance',
      'ray',
      'array',
      '<strong>',
      '</strong>',
      '<span class="ray-id">',
      '<b>App AUD:</b> ',
      'MTLS Status: ',
      'Error 1020',
      'error code: ',
      '"status_code": 403',
      'HTTP/2 403\n',
      '<span class="cf-error-code">',
      'Sorry, you have been blocked',
      'Error ・ Cloudflare Access',
      '&lt;',
      '&gt;',
      '&amp;',
      '&#39;',
      '&nbsp;',
      '{"ray_id": "',
      '"}',
      '\\u003c',
      '\\u003e',
      '\\u003cstrong\\u003e',
      '\\n',
      '\\t',
      '\\"',
      '*',
      '`',
      '```',
      '~',
      '<@U123|boss>',
      '<https://evil.example|click>',
    ),
  },
);

const mix: fc.Arbitrary<string> = fc
  .array(piece, { maxLength: 40, size: 'max' })
  .map((parts) => parts.join(''));

/** A message of exactly 40 000 characters, built by repeating a random mix (or random units). */
const huge: fc.Arbitrary<string> = fc
  .oneof(
    fc.array(piece, { minLength: 1, maxLength: 30, size: 'max' }).map((parts) => parts.join('')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 2000, size: 'max' }),
  )
  .filter((seed) => seed.length > 0)
  .map((seed) => repeatTo(seed, 40_000));

/** Many distinct ids, enough to overflow the 100 kept in `skipped`. */
const manyIds: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(rayIdWithLetter, { maxLength: 160, size: 'max', selector: (id) => id.toLowerCase() }),
    fc.constantFrom(' ', '\n', ', ', ' | ', '\t'),
  )
  .map(([ids, separator]) => ids.join(separator));

const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200, size: 'max' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60, size: 'max' }) },
  { weight: 4, arbitrary: mix },
  { weight: 1, arbitrary: manyIds },
  { weight: 1, arbitrary: huge },
);

const maxOption: fc.Arbitrary<number | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -3, max: 20 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 2.5, -0.5),
  fc.double({ noNaN: false }),
);

/** Characters that end a word and do not join tokens: no [0-9A-Za-z_], no hyphen. */
const boundaryChar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ' ',
    '\n',
    '\t',
    '\r',
    '.',
    ',',
    ':',
    ';',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '"',
    "'",
    '/',
    '|',
    '<',
    '>',
    '*',
    '`',
    '~',
    '!',
    '?',
    '=',
    '+',
    '#',
    '@',
    '&',
    '%',
    '$',
    '^',
    '\\',
    '\u00a0',
    '\u3000',
    '\u2028',
    '\u202e',
    '\u0000',
    '\ud800',
    '\udc00',
    '🙂',
    'é',
    'ß',
    'İ',
  ),
  fc
    .integer({ min: 0, max: 0xffff })
    .map((code) => String.fromCharCode(code))
    .filter((c) => !/[0-9A-Za-z_\-\\]/.test(c)),
);
/** The same, minus backslash: `\b` + 16 hex reads, as documented, as a JSON escape then an id. */
const boundaryNoBackslash = boundaryChar.filter((c) => c !== '\\');

const separator = fc.array(boundaryChar, { minLength: 1, maxLength: 3 }).map((c) => c.join(''));
const separatorNoBackslash = fc
  .array(boundaryNoBackslash, { minLength: 1, maxLength: 3 })
  .map((c) => c.join(''));

/** Markup an id is commonly wrapped in: mrkdwn, code, links, quotes, HTML. */
const wrapper: fc.Arbitrary<readonly [string, string]> = fc.constantFrom(
  ['', ''],
  ['*', '*'],
  ['_', '_'],
  ['*_', '_*'],
  ['__', '__'],
  ['`', '`'],
  ['```', '```'],
  ['~', '~'],
  ['"', '"'],
  ["'", "'"],
  ['(', ')'],
  ['[', ']'],
  ['<https://dash.example/|', '>'],
  ['<strong>', '</strong>'],
  ['&lt;code&gt;', '&lt;/code&gt;'],
  ['Ray ID: ', ''],
  ['cf-ray: ', ''],
);

/** Documented suffixes dropped from an id: data-center codes and the WAF signature tag. */
const idSuffix = fc.constantFrom('', '', '', '-SJC', '-sea', '-ua48', '-AB', '-0123');

/** Prefixes the extractor documents as JSON escapes, not part of the id. */
const jsonEscapePrefix = fc.constantFrom('', '', '\\n', '\\t', '\\r', '\\u003e', '\\u003C');

const noise = fc.oneof(fc.string({ unit: 'binary', maxLength: 40, size: 'max' }), mix);

describe('extractRayIds on hostile and odd input', () => {
  it('never throws; returns distinct lower-case 16-hex ids, capped, consistent with total/skipped', () => {
    fc.assert(
      fc.property(anyText, maxOption, (text, max) => {
        const options: ExtractRayIdsOptions = max === undefined ? {} : { max };
        const result = extractRayIds(text, options);
        const cap = effectiveMax(max);
        const all = [...result.rayIds, ...result.skipped];

        for (const id of all) {
          expect(id).toMatch(/^[0-9a-f]{16}$/);
          expect(text.toLowerCase()).toContain(id);
        }
        expect(new Set(all).size).toBe(all.length);

        // `total` counts every distinct id: the returned ones plus those beyond the cap.
        const beyond = result.total - result.rayIds.length;
        expect(result.rayIds.length).toBe(Math.min(cap, result.total));
        expect(beyond).toBeGreaterThanOrEqual(0);
        expect(result.skipped.length).toBe(Math.min(100, beyond));

        // The capped answer is a prefix (first-seen order) of the uncapped one.
        const uncapped = extractRayIds(text, { max: Number.POSITIVE_INFINITY });
        expect(uncapped.total).toBe(result.total);
        expect(uncapped.rayIds).toHaveLength(result.total);
        expect(uncapped.skipped).toEqual([]);
        expect(uncapped.rayIds.slice(0, all.length)).toEqual(all);
      }),
      { numRuns: 250 },
    );
  });

  it('always finds an id (with an a-f letter) set off by word boundaries in random noise', () => {
    fc.assert(
      fc.property(
        noise,
        separator,
        wrapper,
        jsonEscapePrefix,
        rayIdWithLetter,
        idSuffix,
        separator,
        noise,
        (left, before, [open, close], jsonEscape, id, suffix, after, right) => {
          const text = `${left}${before}${open}${jsonEscape}${id}${suffix}${close}${after}${right}`;
          expect(extractRayIds(text, { max: Number.POSITIVE_INFINITY }).rayIds).toContain(id.toLowerCase());
        },
      ),
      { numRuns: 300 },
    );
  });

  const label = fc.constantFrom(
    'Ray ID',
    'ray id',
    'RAY ID',
    'Ray IDs',
    'ray',
    'ray_id',
    'rayId',
    'ray-id',
    'cf-ray',
    'CF-RAY',
    'cf_ray',
    'cfRayId',
    'instance',
  );
  /** Markup and punctuation the doc allows between a Ray label and an all-digit id. */
  const plainGap = fc.constantFrom(
    ':',
    ': ',
    ' ',
    '"',
    '": "',
    ':*',
    '*',
    '`',
    ' `',
    '</strong>',
    '<strong class="font-semibold">',
    '</span> <span>',
    '&lt;strong&gt;',
    '&lt;/b&gt;',
    '&#x27;',
    '&nbsp;',
    '\n',
    '\t',
  );
  const labelled = (gap: fc.Arbitrary<string>) =>
    fc
      .tuple(label, fc.array(gap, { minLength: 1, maxLength: 4 }))
      .map(([name, gaps]) => `${name}${gaps.join('')}`)
      .filter((text) => text.length <= 60);

  it('finds an all-digit id right after a Ray label, with markup and punctuation in between', () => {
    fc.assert(
      fc.property(
        noise,
        separatorNoBackslash,
        labelled(plainGap),
        rayIdAllDigits,
        separator,
        noise,
        (left, before, head, id, after, right) => {
          const text = `${left}${before}${head}${id}${after}${right}`;
          expect(extractRayIds(text, { max: Number.POSITIVE_INFINITY }).rayIds).toContain(id);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds an all-digit id after a Ray label in JSON-escaped text (escaped newlines and tags)', () => {
    // The extractor reads JSON-escaped HTML (`\u003cstrong\u003e`, `\n`) around hex ids; the same
    // markup between a label and an all-digit id must not hide it.
    const jsonGap = fc.constantFrom(
      ': ',
      ':',
      ' ',
      '\\n',
      '\\t',
      '\\u003cstrong\\u003e',
      '\\u003c/strong\\u003e',
      '\\u003cspan class=\\"ray-id\\"\\u003e',
      '\\"',
    );
    fc.assert(
      fc.property(
        noise,
        separatorNoBackslash,
        labelled(jsonGap),
        rayIdAllDigits,
        separator,
        noise,
        (left, before, head, id, after, right) => {
          const text = `${left}${before}${head}${id}${after}${right}`;
          expect(extractRayIds(text, { max: Number.POSITIVE_INFINITY }).rayIds).toContain(id);
        },
      ),
      { numRuns: 200 },
    );
  });

  /** Hex that holds 16-hex slices but no Ray ID: longer runs, SHA-1/SHA-256/AUD tags, UUIDs. */
  const notAnId: fc.Arbitrary<string> = fc.oneof(
    hexRun(17, 80),
    hexRun(40),
    hexRun(64),
    hexRun(32),
    fc.uuid(),
    fc.uuid().map((uuid) => uuid.toUpperCase()),
    // A UUID with one hyphen missing (the last one makes a 16-hex last part).
    fc.tuple(fc.uuid(), fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([uuid, drop, upper]) => {
      const parts = uuid.split('-');
      const joined = parts.map((part, index) => (index === drop + 1 ? part : `-${part}`)).join('');
      const text = joined.replace(/^-/, '');
      return upper ? text.toUpperCase() : text;
    }),
  );
  const containerWrapper = fc.constantFrom(
    ['', ''],
    ['*', '*'],
    ['_', '_'],
    ['`', '`'],
    ['"', '"'],
    ['<https://dash.example/|', '>'],
    ['<strong>', '</strong>'],
    ['Ray ID: ', ''],
    ['aud=', ''],
  );

  it('never reports a 16-hex slice of a longer hex run, a SHA, an AUD tag or a UUID', () => {
    fc.assert(
      fc.property(
        noise,
        separatorNoBackslash,
        containerWrapper,
        notAnId,
        separatorNoBackslash,
        noise,
        (left, before, [open, close], container, after, right) => {
          const text = `${left}${before}${open}${container}${close}${after}${right}`;
          const inside = container.toLowerCase();
          const elsewhere = `${left}${right}`.toLowerCase();
          const ids = extractRayIds(text, { max: Number.POSITIVE_INFINITY }).rayIds;
          const leaked = ids.filter((id) => inside.includes(id) && !elsewhere.includes(id));
          expect(leaked).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('classifyPaste on hostile and odd input', () => {
  const KINDS = ['access_block_page', 'waf_block_page', 'cloudflare_error_page', 'plain'];

  it('never throws and only fills well-formed fields', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const info = classifyPaste(text);
        expect(KINDS).toContain(info.kind);
        for (const value of Object.values(info)) expect(value).not.toBeUndefined();
        if (info.statusCode !== undefined) {
          expect(Number.isInteger(info.statusCode)).toBe(true);
          expect(info.statusCode).toBeGreaterThanOrEqual(100);
          expect(info.statusCode).toBeLessThanOrEqual(599);
        }
        if (info.errorCode !== undefined) expect(info.errorCode).toMatch(/^1\d{3}$/);
        if (info.appAud !== undefined) {
          expect(info.appAud).toMatch(/^[0-9a-f]{64}$/);
          expect(info.kind).toBe('access_block_page');
        }
        if (info.mtlsStatus !== undefined) expect(info.mtlsStatus).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);
        if (info.errorCode !== undefined) expect(info.kind).not.toBe('plain');
      }),
      { numRuns: 250 },
    );
  });

  it('reads only the first PASTE_INSPECT_LIMIT characters', () => {
    fc.assert(
      fc.property(mix, fc.string({ unit: 'binary', maxLength: 200 }), (seed, tail) => {
        const head = repeatTo(seed === '' ? ' ' : seed, PASTE_INSPECT_LIMIT);
        expect(classifyPaste(`${head}${tail}`)).toEqual(classifyPaste(head));
      }),
      { numRuns: 10 },
    );
  });
});
