import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractRayIds } from '../../src/core/ray-id.js';
import { extractRayIdsByWords } from './ray-id-reference.js';

// The stride scan skips most characters and reads words only around 16-hex runs; these tests pin it to
// the word-by-word reference on the inputs where skipping could go wrong.

const ID = '230b030023ae2822';
const all = { max: Number.POSITIVE_INFINITY };
const ids = (text: string): string[] => extractRayIds(text, all).rayIds;

const agree = (text: string, max?: number): void => {
  const options = max === undefined ? {} : { max };
  expect(extractRayIds(text, options)).toEqual(extractRayIdsByWords(text, options));
};

/** Characters where the scan makes decisions: hex of both cases, word and non-word, escapes, markup. */
const char = fc.constantFrom(
  ...'0123456789abcdefABCDEF',
  ...'gzSJCuUnbtrxX',
  '-',
  '-',
  '_',
  '\\',
  ' ',
  '\n',
  '<',
  '>',
  '&',
  ';',
  ':',
  '"',
  'é',
  '\ud800',
  '🙂',
);

/** Pieces that put 16-hex runs next to those characters. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: char, maxLength: 6 }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9a-fA-F]{16}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{16}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{1,40}$/) },
  // Hyphen-joined tokens: UUID-like all-hex ones, ids with suffixes, ids after other words.
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[0-9a-zA-Z]{1,5}$/)), {
        minLength: 2,
        maxLength: 5,
      })
      .map((parts) => parts.join('-')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-SJC',
      '-ua48',
      '-0123',
      'Ray ID: ',
      'cf-ray=',
      '<strong>',
      '\\u003e',
      '\\u003c',
      '\\n',
      '\\b',
      '\\f',
      '_',
      '&lt;b&gt;',
      'instance ',
    ),
  },
);

const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

describe('extractRayIds: stride scan agrees with the word-by-word reference', () => {
  it('on random mixes of ids, hex runs, hyphens, underscores, escapes and labels', () => {
    fc.assert(
      fc.property(text, fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }), (input, max) => {
        agree(input, max);
      }),
      { numRuns: 2000 },
    );
  });

  it('on large pastes, where the skipped stretches are long', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 2000, maxLength: 4000 }), (pieces) => {
        agree(pieces.join(' '));
        agree(pieces.join(''));
        agree(pieces.join('-'));
      }),
      { numRuns: 20 },
    );
  });
});

describe('extractRayIds: stride scan edges', () => {
  it('finds an id at the very start and the very end of the text', () => {
    expect(ids(ID)).toEqual([ID]);
    expect(ids(`${ID} x`)).toEqual([ID]);
    expect(ids(`x ${ID}`)).toEqual([ID]);
    expect(ids(`x ${ID}-SJC`)).toEqual([ID]);
  });

  it('finds nothing in text shorter than an id', () => {
    expect(ids('')).toEqual([]);
    expect(ids(ID.slice(1))).toEqual([]);
  });

  it('restarts right after a hex run that falls one short', () => {
    // The probe lands on hex inside the 15-run; the run is cut, and the next id must still be seen.
    for (const separator of [' ', 'g', '-', '.', 'é']) {
      expect(ids(`${ID.slice(1)}${separator}${ID}`)).toEqual(separator === 'g' ? [] : [ID]);
    }
  });

  it('finds ids at every offset after a stretch the probe skips', () => {
    for (let offset = 0; offset < 40; offset++) {
      const input = `${'z'.repeat(offset)} ${ID} ${'q'.repeat(offset)}`;
      expect(ids(input)).toEqual([ID]);
    }
  });

  it('skips hex runs of every length but 16, wherever they start', () => {
    for (let length = 17; length <= 48; length++) {
      expect(ids('a'.repeat(length))).toEqual([]);
      expect(ids(`${'b'.repeat(length)}.${ID}`)).toEqual([ID]);
    }
  });

  it('reads the whole word around a run, on both sides', () => {
    expect(ids(`xyz${ID}`)).toEqual([]);
    expect(ids(`${ID}xyz`)).toEqual([]);
    expect(ids(`_${ID}_`)).toEqual([ID]);
    expect(ids(`__${ID}`)).toEqual([ID]);
  });

  it('strips a JSON escape whose letters are hex (a 17-hex word after a backslash)', () => {
    expect(ids(`\\b${ID}`)).toEqual([ID]);
    expect(ids(`\\f${ID}`)).toEqual([ID]);
    expect(ids(`\\u003e${ID}\\u003c`)).toEqual([ID]);
    expect(ids(`b${ID}`)).toEqual([]);
  });

  it('walks the whole token left of an id to tell a UUID-like token from a labelled one', () => {
    expect(ids(`abcd-ef01-${ID}`)).toEqual([]);
    expect(ids(`abcd-ef01-${ID}-SJC`)).toEqual([ID]);
    expect(ids(`abcd-ef01-${ID}-abc`)).toEqual([]);
    expect(ids(`zone-ef01-${ID}`)).toEqual([ID]);
    expect(ids(`${'ab-'.repeat(5000)}${ID}`)).toEqual([]);
    expect(ids(`x-${'ab-'.repeat(5000)}${ID}`)).toEqual([ID]);
  });

  it('takes the last id of a token of ids, or the one before a suffix', () => {
    const other = '0123456789abcdef';
    expect(ids(`${ID}-${other}`)).toEqual([other]);
    expect(ids(`${ID}-${other}-SJC`)).toEqual([other]);
    expect(ids(`${ID}-${other}-abc`)).toEqual([]);
    expect(ids(`zz-${ID}-${other}`)).toEqual([other]);
  });
});

describe('extractRayIds: de-duplication across many ids', () => {
  it('counts thousands of distinct ids exactly and keeps the first ones in order', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      (0xa000000000000000n + BigInt(i) * 7919n).toString(16),
    );
    const input = [...many, ...many.map((id) => id.toUpperCase())].join(' ');
    const result = extractRayIds(input);
    expect(result.total).toBe(5000);
    expect(result.rayIds).toEqual(many.slice(0, 10));
    expect(result.skipped).toEqual(many.slice(10, 110));
    agree(input);
  });

  it('treats ids that differ only in the lowest or highest digit as distinct', () => {
    const input = [
      '0000000000000000',
      '0000000000000001',
      '1000000000000000',
      'ffffffffffffffff',
      'FFFFFFFFFFFFFFFE',
    ]
      .map((id) => `Ray ID: ${id}`)
      .join('\n');
    expect(ids(input)).toEqual([
      '0000000000000000',
      '0000000000000001',
      '1000000000000000',
      'ffffffffffffffff',
      'fffffffffffffffe',
    ]);
  });
});
