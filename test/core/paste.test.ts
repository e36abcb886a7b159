import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPaste, PASTE_INSPECT_LIMIT } from '../../src/core/paste.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/pastes/${name}`, import.meta.url), 'utf8');

const kind = (text: string): string => classifyPaste(text).kind;

const AUD = '6f02c82c255cf9fcf878bcdedfd7075324dca94668c5b2bf6f93167f94943635';

describe('classifyPaste: fixture pages', () => {
  // toStrictEqual also fails on a property present with the value undefined.
  it('reads the Access 403 HTML page', () => {
    expect(classifyPaste(fixture('access-403.html'))).toStrictEqual({
      kind: 'access_block_page',
      statusCode: 403,
      appAud: AUD,
      mtlsStatus: 'NONE',
    });
  });

  it('reads the Access 403 JSON body', () => {
    expect(classifyPaste(fixture('access-403.json'))).toStrictEqual({
      kind: 'access_block_page',
      statusCode: 403,
      appAud: '0887658682df1d6d492441688ee5477ca1724830561a106bd902c37ca036838d',
    });
  });

  it('reads the copied text of the Access 401 page', () => {
    expect(classifyPaste(fixture('access-401.txt'))).toStrictEqual({
      kind: 'access_block_page',
      statusCode: 401,
      appAud: '5f521dcda78a2038d1ef3f2c9c11e82b43d7fce4072dd91d43620c1651fd66e0',
      mtlsStatus: 'NONE',
    });
  });

  it('reads the WAF block page', () => {
    expect(classifyPaste(fixture('waf-block.html'))).toStrictEqual({ kind: 'waf_block_page' });
  });

  it('reads the copied text of an Error 1010 page', () => {
    expect(classifyPaste(fixture('error-1010.txt'))).toStrictEqual({
      kind: 'cloudflare_error_page',
      errorCode: '1010',
    });
  });

  it('reads a structured (JSON) Error 1020 response', () => {
    expect(classifyPaste(fixture('error-1020.json'))).toStrictEqual({
      kind: 'cloudflare_error_page',
      statusCode: 403,
      errorCode: '1020',
    });
  });

  it('reads pasted response headers as plain, with the final status', () => {
    expect(classifyPaste(fixture('headers.txt'))).toStrictEqual({ kind: 'plain', statusCode: 403 });
  });

  it('reads a Slack message quoting the App AUD as an Access page', () => {
    expect(classifyPaste(fixture('slack-mrkdwn.txt'))).toStrictEqual({
      kind: 'access_block_page',
      statusCode: 403,
      appAud: '9d27c41f6b0e8a35d7c2f9e1b4a60d38c5e7f2a1b9d4c6e0f8a3b5d7c9e1f2a4',
    });
  });
});

describe('classifyPaste: Access block page signals, one at a time', () => {
  it.each([
    ['the page title', '<title>Error – Cloudflare Access</title>'],
    ['the title with a plain hyphen', 'Error - Cloudflare Access'],
    ['the title from HTML source', 'Error &ndash; Cloudflare Access'],
    ['the sentence', "You don't have permission to view this."],
    ['the Forbidden sentence', "Forbidden. You don't have permission to view this."],
    ['the Unauthorized sentence', "Unauthorized. You don't have permission to view this."],
    ['the sentence with a curly apostrophe', 'You don’t have permission to view this'],
    ['the sentence with an HTML entity', 'You don&#39;t have permission to view this'],
    ['the sentence JSON-escaped', String.raw`"You don\u0027t have permission to view this"`],
    ['the identity-failure message', 'That account does not have access.'],
    ['an empty MTLS Status line', 'MTLS Status:'],
  ])('%s', (_name, text) => {
    expect(classifyPaste(text)).toStrictEqual({ kind: 'access_block_page' });
  });

  it('takes the App AUD, lower-cased', () => {
    expect(classifyPaste(`App AUD: ${AUD.toUpperCase()}`)).toStrictEqual({
      kind: 'access_block_page',
      appAud: AUD,
    });
  });

  it('takes the App AUD across tags', () => {
    expect(classifyPaste(`<b>App AUD:</b> <code>${AUD}</code>`)).toStrictEqual({
      kind: 'access_block_page',
      appAud: AUD,
    });
  });

  it('takes a JSON "aud" string, with or without spaces', () => {
    expect(classifyPaste(`{"aud":"${AUD}"}`)).toStrictEqual({ kind: 'access_block_page', appAud: AUD });
    expect(classifyPaste(`{ "aud" : "${AUD}" }`)).toStrictEqual({ kind: 'access_block_page', appAud: AUD });
  });

  it('ignores an aud that is not exactly 64 hex digits', () => {
    expect(classifyPaste(`{"aud":"${AUD}0"}`)).toStrictEqual({ kind: 'plain' });
    expect(classifyPaste(`{"aud":"${AUD.slice(1)}"}`)).toStrictEqual({ kind: 'plain' });
    expect(classifyPaste(`{"aud":["${AUD}"]}`)).toStrictEqual({ kind: 'plain' });
  });

  it('keeps the "App AUD:" label as a signal even when its value is cut off', () => {
    expect(classifyPaste(`App AUD: ${AUD}ff`)).toStrictEqual({ kind: 'access_block_page' });
  });

  it('takes the MTLS status, but never from the next line', () => {
    expect(classifyPaste('MTLS Status: SUCCESS\n')).toStrictEqual({
      kind: 'access_block_page',
      mtlsStatus: 'SUCCESS',
    });
    expect(classifyPaste('<p>MTLS Status: <b>NONE</b></p>')).toStrictEqual({
      kind: 'access_block_page',
      mtlsStatus: 'NONE',
    });
    expect(classifyPaste('MTLS Status:\nRay ID: 0adccef92b466a17')).toStrictEqual({
      kind: 'access_block_page',
    });
  });

  it('reads a Slack-escaped Access page', () => {
    const escaped =
      '&lt;title&gt;Error – Cloudflare Access&lt;/title&gt; &lt;p&gt;Status code: 403&lt;/p&gt;' +
      `&lt;p&gt;App AUD: ${AUD}&lt;/p&gt;`;
    expect(classifyPaste(escaped)).toStrictEqual({ kind: 'access_block_page', statusCode: 403, appAud: AUD });
  });

  it('wins over WAF wording in the same paste', () => {
    expect(kind("Sorry, you have been blocked. You don't have permission to view this.")).toBe(
      'access_block_page',
    );
  });
});

describe('classifyPaste: WAF block page signals', () => {
  it.each([
    ['the headline', 'Sorry, you have been blocked'],
    ['the headline across a line break', 'Sorry, you have\n   been blocked'],
    ['the title', '<title>Attention Required! | Cloudflare</title>'],
    ['the translate key', '<h1 data-translate="block_headline">Blocked</h1>'],
  ])('%s', (_name, text) => {
    expect(classifyPaste(text)).toStrictEqual({ kind: 'waf_block_page' });
  });

  it('wins over an error code in the same page', () => {
    expect(classifyPaste('<title>Attention Required! | Cloudflare</title> Error 1020')).toStrictEqual({
      kind: 'waf_block_page',
      errorCode: '1020',
    });
  });
});

describe('classifyPaste: Cloudflare 1xxx error page signals', () => {
  it.each([
    ['Error 1010 Ray ID: ad9d0eb799fca9cd', '1010'],
    ['error code: 1020', '1020'],
    ['{"error_code": 1020}', '1020'],
    ['{"error_code":"1015"}', '1015'],
    ['---\nerror_code: 1006\nray_id: 420710aabfcaf4cb\n---', '1006'],
    ['<span class="cf-error-type">Error</span> <span class="cf-error-code">1009</span>', '1009'],
  ])('takes the code from %j', (text, code) => {
    expect(classifyPaste(text)).toStrictEqual({ kind: 'cloudflare_error_page', errorCode: code });
  });

  it.each([
    ['the restrict-access title', 'Access denied | shop.example.com used Cloudflare to restrict access'],
    [
      'the browser-signature ban',
      "has banned your access based on your browser's signature (ad9d0eb799fca9cd-ub17)",
    ],
  ])('%s', (_name, text) => {
    expect(classifyPaste(text)).toStrictEqual({ kind: 'cloudflare_error_page' });
  });

  it('ignores numbers that are not a 1xxx code', () => {
    expect(classifyPaste('Error 522')).toStrictEqual({ kind: 'plain' });
    expect(classifyPaste('Error 10101')).toStrictEqual({ kind: 'plain' });
    expect(classifyPaste('Error 2010')).toStrictEqual({ kind: 'plain' });
  });
});

describe('classifyPaste: plain text', () => {
  it.each([
    ['an empty paste', ''],
    ['a bare Ray ID', '0adccef92b466a17'],
    ['"Access denied" alone, which 1xxx pages also say', 'Access denied'],
    ['a mention of the product', 'Cloudflare Access blocked me again, ray 0adccef92b466a17'],
    ['the login interstitial', '<title>Sign in ・ Cloudflare Access</title>'],
  ])('%s', (_name, text) => {
    expect(classifyPaste(text)).toStrictEqual({ kind: 'plain' });
  });

  it('still reports a status code a user typed', () => {
    expect(classifyPaste('I get Status code: 403 on /admin')).toStrictEqual({
      kind: 'plain',
      statusCode: 403,
    });
  });

  it('prefers a labelled status code over an HTTP status line', () => {
    expect(classifyPaste('HTTP/1.1 200 OK\n{"status_code": 401}')).toStrictEqual({
      kind: 'plain',
      statusCode: 401,
    });
  });

  it('takes the last HTTP status line, the one after redirects', () => {
    expect(classifyPaste('HTTP/1.1 302 Found\nlocation: /x\n\nHTTP/1.1 403 Forbidden\n')).toStrictEqual({
      kind: 'plain',
      statusCode: 403,
    });
  });
});

describe('classifyPaste: bounded and hostile input', () => {
  const MB = 1 << 20;

  it('only inspects the first PASTE_INSPECT_LIMIT characters', () => {
    const signal = "You don't have permission to view this";
    expect(kind(`${' '.repeat(PASTE_INSPECT_LIMIT - signal.length)}${signal}`)).toBe('access_block_page');
    expect(kind(`${' '.repeat(PASTE_INSPECT_LIMIT)}${signal}`)).toBe('plain');
  });

  it('does not throw on lone surrogates, control characters and NUL', () => {
    expect(classifyPaste('\uD800\u0000Error 1010\uDFFF\u0007')).toStrictEqual({
      kind: 'cloudflare_error_page',
      errorCode: '1010',
    });
  });

  const error1020 = { kind: 'cloudflare_error_page', errorCode: '1020' } as const;
  const accessAnd1020 = { kind: 'access_block_page', errorCode: '1020' } as const;

  // Each would take minutes with a backtracking pattern; only the head is read, so the signal goes first.
  it.each([
    ['a label followed by a megabyte of spaces', `error${' '.repeat(MB)}`, error1020],
    ['a megabyte of blank lines', '\n'.repeat(MB), error1020],
    ['an HTTP line followed by a megabyte of spaces', `HTTP/1.1${' '.repeat(MB)}`, error1020],
    [
      'a megabyte of repeated labels',
      'App AUD: Status code: MTLS Status: error '.repeat(MB / 40),
      { ...accessAnd1020, mtlsStatus: 'error' },
    ],
    ['a megabyte of unclosed tags after a label', `App AUD: ${'<b '.repeat(MB / 3)}`, accessAnd1020],
    ['a megabyte of tags after a label', `Status code: ${'<b>'.repeat(MB / 3)}`, error1020],
    ['a megabyte of hex after a label', `App AUD: ${'a'.repeat(MB)}`, accessAnd1020],
    ['a megabyte of entities', '&amp;lt;'.repeat(MB / 8), error1020],
  ])('survives %s', (_name, text, expected) => {
    expect(classifyPaste(`Error 1020\n${text}`)).toStrictEqual(expected);
  });

  it('never throws and never sets a property to undefined', () => {
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    const piece = fc.oneof(
      anyCodeUnit,
      fc.constantFrom(
        ' ',
        '\n',
        '<',
        '>',
        '&lt;',
        '"',
        ':',
        'App AUD:',
        'MTLS Status:',
        'Error ',
        '1020',
        AUD,
      ),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')),
        (text) => {
          const info = classifyPaste(text);
          for (const value of Object.values(info)) expect(value).not.toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
