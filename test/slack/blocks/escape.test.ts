import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, inlineCode, plainText, safeText, truncate } from '../../../src/slack/blocks/escape.js';
import { hasLoneSurrogate } from './assertions.js';

/** Every `&` starts one of the three entities escapeMrkdwn produces. */
function entitiesIntact(text: string): boolean {
  return text.replace(/&(?:amp|lt|gt);/g, '').includes('&') === false;
}

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<#C123|general>', '&lt;#C123|general&gt;'],
    ['<https://evil|click>', '&lt;https://evil|click&gt;'],
    ['Q&A', 'Q&amp;A'],
    ['&amp;', '&amp;amp;'],
    ['a > b < c', 'a &gt; b &lt; c'],
  ])('neutralises %j', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('strips C0/C1 controls and bidi overrides but keeps newline and tab', () => {
    expect(escapeMrkdwn('a\u0000b\u0007c\u001b[31m\u007f\u0085d\r\n\te')).toBe('abc[31md\n\te');
    expect(escapeMrkdwn('\u202emoc.live\u202c\u2066x\u2069')).toBe('moc.livex');
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    expect(escapeMrkdwn('\ud800x')).toBe('\ufffdx');
    expect(escapeMrkdwn('x\udc00')).toBe('x\ufffd');
    expect(escapeMrkdwn('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(escapeMrkdwn('ok 😀 ok')).toBe('ok 😀 ok');
    expect(escapeMrkdwn('\ud83d')).toBe('\ufffd');
  });

  it('leaves ordinary text and mrkdwn punctuation alone', () => {
    expect(escapeMrkdwn('alice@example.com *b* _i_ ~s~ "q" \'a\'')).toBe(
      'alice@example.com *b* _i_ ~s~ "q" \'a\'',
    );
  });
});

describe('inlineCode', () => {
  it('wraps escaped text in backticks with backticks removed', () => {
    expect(inlineCode('a`b')).toBe('`ab`');
    expect(inlineCode('<!here>')).toBe('`&lt;!here&gt;`');
    expect(inlineCode('two\nlines')).toBe('`two lines`');
  });

  it('is never empty', () => {
    expect(inlineCode('')).toBe('—');
    expect(inlineCode('```')).toBe('—');
    expect(inlineCode('\u0000')).toBe('—');
  });

  it('truncates inside the span', () => {
    const code = inlineCode('x'.repeat(500), 20);
    expect(code.length).toBeLessThanOrEqual(20);
    expect(code).toMatch(/^`x+…`$/);
  });
});

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 1)).toBe('…');
  });

  it('never cuts inside an entity', () => {
    const escaped = escapeMrkdwn('aaa&bbb');
    expect(escaped).toBe('aaa&amp;bbb');
    for (let max = 4; max <= 8; max++) expect(truncate(escaped, max)).toBe('aaa…');
    expect(truncate(escaped, 9)).toBe('aaa&amp;…');
    expect(truncate(escapeMrkdwn('<<<<'), 7)).toBe('&lt;…');
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
  });

  it('keeps entities and surrogate pairs whole for any input and length', () => {
    const unit = fc.oneof(
      fc.constantFrom('&', '<', '>', '\ud800', '\udc00', '😀', 'a', ' ', '\u0000', '`'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (input, max) => {
        const out = truncate(escapeMrkdwn(input), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(out)).toBe(false);
        expect(entitiesIntact(out)).toBe(true);
        expect(out).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('safeText and plainText', () => {
  it('never produce empty text', () => {
    expect(safeText('', 10)).toBe('—');
    expect(plainText('\u0000\u0001')).toEqual({ type: 'plain_text', text: '—', emoji: false });
  });

  it('escape and truncate plain_text', () => {
    expect(plainText('<!channel> & co', 12)).toEqual({
      type: 'plain_text',
      text: '&lt;!channe…',
      emoji: false,
    });
  });
});
