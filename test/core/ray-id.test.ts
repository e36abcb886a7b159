import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractRayIds, MAX_RAY_IDS } from '../../src/core/ray-id.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/pastes/${name}`, import.meta.url), 'utf8');

const ids = (text: string): string[] => extractRayIds(text).rayIds;

const ID = '230b030023ae2822';

describe('extractRayIds: what a Ray ID is', () => {
  it('takes a bare 16-hex word', () => {
    expect(ids(ID)).toEqual([ID]);
    expect(ids(`see ${ID}, thanks`)).toEqual([ID]);
  });

  it('lower-cases upper-case and mixed-case hex', () => {
    expect(ids('74E4AC510DFDC44F')).toEqual(['74e4ac510dfdc44f']);
    expect(ids('74e4Ac510dFdc44F')).toEqual(['74e4ac510dfdc44f']);
  });

  it('rejects runs shorter or longer than 16 hex digits', () => {
    expect(ids('230b030023ae282')).toEqual([]);
    expect(ids('230b030023ae28221')).toEqual([]);
  });

  it('rejects a 16-character word with a non-hex letter', () => {
    expect(ids('230b030023ae282g')).toEqual([]);
    expect(ids('5y1250bcjd621y99 yzrCqUhRd6DVz72a')).toEqual([]);
  });
});

describe('extractRayIds: data-center and signature suffixes', () => {
  it('strips a 3-letter data-center code in any case', () => {
    expect(ids(`cf-ray: ${ID}-SJC`)).toEqual([ID]);
    expect(ids('CF-RAY: 6d8f59d27ed25ff2-SEA')).toEqual(['6d8f59d27ed25ff2']);
    expect(ids('--ray-id 9f1970365cde7e49-anc')).toEqual(['9f1970365cde7e49']);
    expect(ids(`${ID}-Ams.`)).toEqual([ID]);
  });

  it('reads the browser-signature form as the same id, once', () => {
    expect(ids("browser's signature (4e9ad1735f4ac99d-ua48). Ray ID: 4e9ad1735f4ac99d")).toEqual([
      '4e9ad1735f4ac99d',
    ]);
  });

  it('accepts a 2- to 4-character letter/digit suffix, hex or not', () => {
    expect(ids(`${ID}-ab ${ID.replace('2', '3')}-ACC 0123456789abcdef-0123`)).toEqual([
      ID,
      '330b030023ae2822',
      '0123456789abcdef',
    ]);
  });

  it('rejects a suffix that is too short, too long or has an underscore', () => {
    expect(ids(`${ID}-S`)).toEqual([]);
    expect(ids(`${ID}-SJCXY`)).toEqual([]);
    expect(ids('0123456789abcdef-01234')).toEqual([]);
    expect(ids(`${ID}-S_C`)).toEqual([]);
  });

  it('rejects an id whose hyphenated token goes on past the suffix', () => {
    expect(ids('0123456789abcdef-0123-4567')).toEqual([]);
    expect(ids(`${ID}-SJC-extra`)).toEqual([]);
    expect(ids(`${ID}-requests`)).toEqual([]);
  });

  it('treats a hyphen not followed by a word as a plain boundary', () => {
    expect(ids(`${ID}- next`)).toEqual([ID]);
    expect(ids(`${ID}--SJC`)).toEqual([ID]);
  });
});

describe('extractRayIds: never a slice of a longer token', () => {
  it('ignores a 64-hex App AUD tag', () => {
    expect(ids('App AUD: 9bb8182c1d75191d35338987fc8e24db3191376290337de0b709e2cc496e4e9c')).toEqual([]);
  });

  it('ignores a 40-hex git SHA', () => {
    expect(ids('fixed in 3e1f2a9c0d4b5e6f7a8b9c0d1e2f3a4b5c6d7e8f')).toEqual([]);
  });

  it('ignores UUIDs, including one with a 16-hex group from a dropped hyphen', () => {
    expect(ids('5717d1a0-1111-4a2b-8c3d-0123456789ab')).toEqual([]);
    expect(ids('5717d1a0-1111-4a2b-8c3d0123456789ab')).toEqual([]);
    expect(ids('0123456789abcdef-0123-4567-89ab-cdef01234567')).toEqual([]);
  });

  it('ignores runs glued to letters, digits or an inner underscore', () => {
    expect(ids(`x${ID} ${ID}abc 9${ID} ${ID}_abc foo_${ID}`)).toEqual([]);
  });

  it('accepts a hyphen before the id as a boundary', () => {
    expect(ids(`foo-${ID}`)).toEqual([ID]);
    expect(ids(`request-${ID}-SJC`)).toEqual([ID]);
  });

  it('accepts a two-part all-hex token (only 3+ hex parts look like a UUID)', () => {
    expect(ids(`01234567-${ID}`)).toEqual([ID]);
  });

  it('accepts any non-word character, including non-ASCII, as a boundary', () => {
    expect(ids(`é${ID}é (${ID.replace('0', '1')}) [${ID.replace('0', '2')}]`)).toEqual([
      ID,
      '231b030023ae2822',
      '232b030023ae2822',
    ]);
  });
});

describe('extractRayIds: Slack mrkdwn', () => {
  it('finds ids in links, code spans, code blocks, bold and italics', () => {
    const text = [
      `<https://example.com/cdn-cgi/trace?ray=${ID}|Ray ${ID}>`,
      '`1a2b3c4d5e6f7a8b`',
      '```\ncf-ray: 2b3c4d5e6f7a8b9c-LHR\n```',
      '*3c4d5e6f7a8b9c0d*',
      '_4d5e6f7a8b9c0d1e_',
      '__5e6f7a8b9c0d1e2f__',
      '~6f7a8b9c0d1e2f3a~',
    ].join(' ');
    expect(ids(text)).toEqual([
      ID,
      '1a2b3c4d5e6f7a8b',
      '2b3c4d5e6f7a8b9c',
      '3c4d5e6f7a8b9c0d',
      '4d5e6f7a8b9c0d1e',
      '5e6f7a8b9c0d1e2f',
      '6f7a8b9c0d1e2f3a',
    ]);
  });

  it('treats underscores only at the edges of a word as italics', () => {
    expect(ids(`_my ray is ${ID}_`)).toEqual([ID]);
    expect(ids(`_${ID}`)).toEqual([ID]);
    expect(ids(`a_${ID}_b`)).toEqual([]);
  });

  it("reads through Slack's escaping of <, > and &", () => {
    expect(ids(`&lt;strong&gt;${ID}&lt;/strong&gt; &amp;9f140b785e57c458&amp;`)).toEqual([
      ID,
      '9f140b785e57c458',
    ]);
  });

  it('is not confused by broadcast and user mentions', () => {
    expect(ids(`<!channel> <@U04ABCD1234> <!subteam^S0123ABCD> blocked: Ray ID: ${ID} <@U123>`)).toEqual([
      ID,
    ]);
  });

  it('extracts every id of a realistic helpdesk message, in order, once each', () => {
    expect(extractRayIds(fixture('slack-mrkdwn.txt'))).toEqual({
      rayIds: [
        'eb413bdb546ab29d',
        '0c82350569d31b9a',
        'fbd521c584471f65',
        '5ea1d67a38d912b5',
        'f503fe68f8e6c31d',
        '831ea545d3c09fef',
        '6bd00aaac5a8d758',
      ],
      total: 7,
      skipped: [],
    });
  });
});

describe('extractRayIds: pages, JSON and headers', () => {
  it('reads the WAF footer markup', () => {
    expect(ids('Cloudflare Ray ID: <strong>410b277bea3a116b</strong>')).toEqual(['410b277bea3a116b']);
    expect(ids(fixture('waf-block.html'))).toEqual(['81a4457f54840b81']);
  });

  it('reads JSON keys, with or without spaces', () => {
    expect(
      ids('{"ray_id": "9a58038ffebd2687", "instance": "9f140b785e57c458", "cfRayId":"744927037ce06d68"}'),
    ).toEqual(['9a58038ffebd2687', '9f140b785e57c458', '744927037ce06d68']);
  });

  it('reads ids out of JSON-escaped HTML', () => {
    expect(ids(String.raw`"body":"\u003cstrong\u003e${ID}\u003c/strong\u003e\n74E4AC510DFDC44F\t"`)).toEqual([
      ID,
      '74e4ac510dfdc44f',
    ]);
  });

  it('keeps a real 16-hex word after a backslash', () => {
    expect(ids(String.raw`C:\logs\bcdef0123456789a \0123456789abcdef`)).toEqual([
      'bcdef0123456789a',
      '0123456789abcdef',
    ]);
  });

  it('reads copied page text with the bullet separator', () => {
    expect(ids('Ray ID: 4e9ad1735f4ac99d • 2019-06-20 03:57:21 UTC')).toEqual(['4e9ad1735f4ac99d']);
  });

  it('reads every fixture page to exactly its ids', () => {
    expect(ids(fixture('access-403.html'))).toEqual(['0adccef92b466a17']);
    expect(ids(fixture('access-403.json'))).toEqual(['6fae8a971d95bd81']);
    expect(ids(fixture('access-401.txt'))).toEqual([]);
    expect(ids(fixture('error-1010.txt'))).toEqual(['ad9d0eb799fca9cd']);
    expect(ids(fixture('error-1020.json'))).toEqual(['420710aabfcaf4cb']);
    expect(ids(fixture('headers.txt'))).toEqual(['edbbebcf70a8d612', '0122df4e60083303']);
  });
});

describe('extractRayIds: all-digit runs need a Ray label', () => {
  const DIGITS = '1234567890123456';

  it('rejects an unlabelled 16-digit number (card, phone)', () => {
    expect(ids('card 4111111111111111, phone 5551234567890123')).toEqual([]);
  });

  it.each([
    ['Ray ID: 1234567890123456'],
    ['ray 1234567890123456'],
    ['"ray_id": "1234567890123456"'],
    ['cf-ray: 1234567890123456-SJC'],
    ['CF-RAY:1234567890123456'],
    ['{"cfRayId":"1234567890123456"}'],
    ['"instance": "1234567890123456"'],
    ['*Ray ID:* `1234567890123456`'],
    ['Cloudflare Ray ID: <strong class="font-semibold">1234567890123456</strong>'],
    ['Ray ID: &lt;strong&gt;1234567890123456&lt;/strong&gt;'],
    ['<span class="ray-id">1234567890123456</span>'],
  ])('accepts it after a label: %s', (text) => {
    expect(ids(text)).toEqual([DIGITS]);
  });

  it('rejects it when words stand between the label and the number', () => {
    expect(ids(`Ray ID is not ${DIGITS}`)).toEqual([]);
    expect(ids(`Ray ID: ${ID}. My card: ${DIGITS}`)).toEqual([ID]);
  });

  it('rejects a label that is only part of a longer word', () => {
    expect(ids(`array: ${DIGITS}`)).toEqual([]);
    expect(ids(`rays: ${DIGITS}`)).toEqual([]);
  });

  it('rejects a label too far back', () => {
    expect(ids(`Ray ID:${' '.repeat(80)}${DIGITS}`)).toEqual([]);
  });

  it('needs no label once a single a-f letter is present', () => {
    expect(ids('1234567890123a56')).toEqual(['1234567890123a56']);
  });
});

describe('extractRayIds: de-duplication and the cap', () => {
  const distinct = (count: number): string[] =>
    Array.from({ length: count }, (_, i) => `a${i.toString(16).padStart(15, '0')}`);

  it('de-duplicates in first-seen order, across case and suffix forms', () => {
    expect(extractRayIds(`b${ID.slice(1)} ${ID} ${ID.toUpperCase()}-SJC b${ID.slice(1)}-ua48`)).toEqual({
      rayIds: [`b${ID.slice(1)}`, ID],
      total: 2,
      skipped: [],
    });
  });

  it('caps at MAX_RAY_IDS and reports the rest', () => {
    const twelve = distinct(12);
    expect(MAX_RAY_IDS).toBe(10);
    expect(extractRayIds(twelve.join('\n'))).toEqual({
      rayIds: twelve.slice(0, 10),
      total: 12,
      skipped: twelve.slice(10),
    });
  });

  it('does not count repeats beyond the cap twice', () => {
    const twelve = distinct(12);
    expect(extractRayIds([...twelve, ...twelve].join(' '))).toEqual({
      rayIds: twelve.slice(0, 10),
      total: 12,
      skipped: twelve.slice(10),
    });
  });

  it('honours a custom max, including zero', () => {
    const five = distinct(5);
    expect(extractRayIds(five.join(' '), { max: 2 })).toEqual({
      rayIds: five.slice(0, 2),
      total: 5,
      skipped: five.slice(2),
    });
    expect(extractRayIds(five.join(' '), { max: 0 })).toEqual({ rayIds: [], total: 5, skipped: five });
  });

  it('falls back to a sane cap for odd max values', () => {
    const twelve = distinct(12).join(' ');
    expect(extractRayIds(twelve, { max: Number.NaN }).rayIds).toEqual(distinct(10));
    expect(extractRayIds(twelve, { max: -3 }).rayIds).toEqual([]);
    expect(extractRayIds(twelve, { max: 2.9 }).rayIds).toEqual(distinct(2));
  });

  it('keeps only the first 100 skipped ids but counts them all', () => {
    const many = distinct(250);
    expect(extractRayIds(many.join(' '))).toEqual({
      rayIds: many.slice(0, 10),
      total: 250,
      skipped: many.slice(10, 110),
    });
  });
});

describe('extractRayIds: hostile input', () => {
  const MB = 1 << 20;

  it('does not throw on lone surrogates, control characters and NUL', () => {
    expect(ids(`\uD800${ID}\u0000\uDFFF\u0007 \uDBFF\uDC00${ID.toUpperCase()}\r\n`)).toEqual([ID]);
    expect(extractRayIds('')).toEqual({ rayIds: [], total: 0, skipped: [] });
  });

  it('survives a megabyte of 15-hex parts joined by hyphens', () => {
    const text = `${'aaaaaaaaaaaaaaa-'.repeat(MB / 16)} ${ID}`;
    expect(ids(text)).toEqual([ID]);
  });

  it('survives a megabyte of 15-, 17- and 63-hex runs', () => {
    const unit = `${'b'.repeat(15)} ${'c'.repeat(17)} ${'d'.repeat(63)}\n`;
    const text = `${unit.repeat(Math.ceil(MB / unit.length))}Ray ID: ${ID}`;
    expect(ids(text)).toEqual([ID]);
  });

  it('survives a megabyte of labels with no id', () => {
    const text = `${'cf-ray: '.repeat(MB / 8)}${ID}`;
    expect(ids(text)).toEqual([ID]);
  });

  it('survives alternating hex and hyphens (quadratic for a naive token regex)', () => {
    // A pattern like /(?:\w+-)*[0-9a-f]{16}/ rescans this whole chain from every start position.
    expect(ids(`${'a-'.repeat(MB / 2)}`)).toEqual([]);
    expect(ids(`${'0123456789abcdef-'.repeat(MB / 17)}`)).toEqual([]);
  });

  it('survives a megabyte-long word and a megabyte of underscores', () => {
    expect(ids(`${'a'.repeat(MB)} ${'_'.repeat(MB)} ${ID}`)).toEqual([ID]);
  });

  it('survives a megabyte of labelled all-digit ids and keeps counting', () => {
    const count = 50_000;
    const digits = (i: number): string => String(i).padStart(16, '0');
    const text = Array.from({ length: count }, (_, i) => `ray ${digits(i)}`).join(' ');
    expect(text.length).toBeGreaterThan(MB);
    const result = extractRayIds(text);
    expect(result.rayIds).toEqual(Array.from({ length: 10 }, (_, i) => digits(i)));
    expect(result.total).toBe(count);
    expect(result.skipped).toEqual(Array.from({ length: 100 }, (_, i) => digits(i + 10)));
  });

  it('survives a megabyte of unlabelled digits next to label fragments', () => {
    const text = `${'ray-x 4111111111111111 '.repeat(Math.ceil(MB / 23))}${ID}`;
    expect(ids(text)).toEqual([ID]);
  });

  it('never throws and only returns distinct 16-hex ids that occur in the text', () => {
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const piece = fc.oneof(
      anyCodeUnit,
      fc.constantFrom(
        '-',
        '_',
        '\\',
        ' ',
        '<',
        '>',
        '&lt;',
        'ray ',
        'SJC',
        'ua48',
        'u003e',
        ID,
        '1234567890123456',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')),
        (text) => {
          const result = extractRayIds(text, { max: 3 });
          expect(result.rayIds.length).toBeLessThanOrEqual(3);
          expect(new Set([...result.rayIds, ...result.skipped]).size).toBe(result.total);
          for (const id of [...result.rayIds, ...result.skipped]) {
            expect(id).toMatch(/^[0-9a-f]{16}$/);
            expect(text.toLowerCase()).toContain(id);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('all-digit Ray IDs after a label in JSON-escaped text (found by property testing)', () => {
  it.each([
    'Ray ID:\\n1234567890123456',
    'Ray ID:\\u003cstrong\\u003e1234567890123456\\u003c/strong\\u003e',
    '"Ray ID: \\"1234567890123456\\""',
  ])('%s', (text) => {
    expect(extractRayIds(text).rayIds).toEqual(['1234567890123456']);
  });
});
