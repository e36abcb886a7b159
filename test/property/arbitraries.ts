import fc from 'fast-check';

/** Strings that have broken chat renderers before: mentions, links, entities, markup, bidi, lone surrogates. */
export const HOSTILE_CONSTANTS: readonly string[] = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123|devs>',
  '<@U123|boss>',
  '<@U123>',
  '<#C123|general>',
  '<#C123>',
  '<https://evil.example|click>',
  '<http://evil.example>',
  '<mailto:x@evil.example|x>',
  '<!date^1^{date}|fake date>',
  '<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13:20 UTC>',
  '&lt;',
  '&gt;',
  '&amp;',
  '&lt;!channel&gt;',
  '&#60;',
  '&',
  '<',
  '>',
  '`',
  '```',
  '*_~',
  '*bold* _it_ ~strike~',
  '> quote',
  '\u202e',
  '\u2066',
  '\u200b',
  '\u00a0',
  '\u2028\u2029',
  '\u0000\u202e',
  '\ufeff',
  '\ud800',
  '\udc00',
  '\udbff\udfff',
  '🙂',
  '\u0000',
  '\u001b[31m',
  '\u0085',
  '\u007f',
  '\r\n',
  '\n',
  '\t',
  '   ',
  '',
  ':skull:',
  '@channel',
  'javascript:alert(1)',
  '—',
  '…',
];

/** A repetition of a short seed cut to `length` (the cut may split a surrogate pair or an entity). */
export function repeatTo(seed: string, length: number): string {
  if (seed === '') return '';
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

const hostileConstant = fc.constantFrom(...HOSTILE_CONSTANTS);

/** 3000–6000 characters, as a hostile name or message from an API would be. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      hostileConstant.filter((s) => s !== ''),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.constant('A'),
    ),
    fc.integer({ min: 3000, max: 6000 }),
  )
  .map(([seed, length]) => repeatTo(seed, length));

/** Arbitrary untrusted text with the classic hostile strings injected at a decent rate. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 30, size: 'max' }) },
  { weight: 3, arbitrary: hostileConstant },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(hostileConstant, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 })
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: longString },
);

const HEX = '0123456789abcdef';
const hexDigit = fc.constantFrom(...HEX);
const hexDigitAnyCase = fc.constantFrom(...`${HEX}ABCDEF`);

/** Between `minLength` and `maxLength` hex digits, in any case. */
export function hexRun(minLength: number, maxLength = minLength): fc.Arbitrary<string> {
  return fc.string({ unit: hexDigitAnyCase, minLength, maxLength, size: 'max' });
}

/** A lower-case 16-hex Ray ID. */
export const rayIdLower: fc.Arbitrary<string> = fc.string({ unit: hexDigit, minLength: 16, maxLength: 16 });

/** A 16-hex Ray ID in any case with at least one a-f letter (so no Ray label is needed). */
export const rayIdWithLetter: fc.Arbitrary<string> = hexRun(16).filter((id) => /[a-f]/i.test(id));

/** A 16-digit Ray ID (it counts only after a Ray label). */
export const rayIdAllDigits: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...'0123456789'),
  minLength: 16,
  maxLength: 16,
});
