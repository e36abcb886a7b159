import type { PlainTextElement } from '@slack/types';
import { isStrippedCharacter, toOneLine } from '../../core/plain-text.js';

/** Longest entity `escapeMrkdwn` produces (`&amp;`); `truncate` never cuts inside one. */
const LONGEST_ENTITY = 5;
const ELLIPSIS = '…';
/** Shown instead of an empty value: Slack rejects empty text objects (`invalid_blocks`). */
export const EMPTY_VALUE = '—';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Slack has no escape for its formatting marks, so marks that came from data are swapped for
 * look-alikes Slack does not format (the approach of jsx-slack's `<Escape>`, yhatt/jsx-slack
 * docs/about-escape-and-exact-mode.md): bold `*`, italic `_`, strike `~` and code `` ` ``, with their
 * full-width forms, which Slack formats too.
 */
const FORMATTING_LOOKALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217',
  '\uff0a': '\ufe61',
  _: '\u02cd',
  '\uff3f': '\u2e0f',
  '~': '\u223c',
  '\uff5e': '\u301c',
  '`': '\u02cb',
  '\uff40': '\u02cb',
};
const FORMATTING_MARK = /[*\uff0a_\uff3f~\uff5e`\uff40]/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/**
 * `:name:` as Slack reads emoji codes; the first colon becomes U+2236 (ratio), which looks the same.
 * A colon right after a letter, a digit or a colon opens no emoji code, so times (`10:30:06`) and IPv6 addresses
 * stay as they are.
 */
const EMOJI_CODE = /(?<![\p{L}\p{N}:]):(?=[a-z0-9_+'\u02cd-]+:)/giu;

/**
 * Makes already-escaped text unable to format a card: formatting marks that could open or close a
 * span, and emoji codes, become look-alikes, and a leading `&gt;` (a quote) gets a soft hyphen in
 * front — so data can never add bold, italics, strike, code, quotes or emoji. A mark inside a word
 * (`cloudflare_auth`, `a*b`) cannot format in Slack and stays as it is; backticks always go. Our own
 * mrkdwn is added around the result.
 */
export function defuseFormatting(escaped: string): string {
  return escaped
    .replace(FORMATTING_MARK, (mark, offset: number) => {
      const inWord = WORD_CHAR.test(escaped.charAt(offset - 1)) && WORD_CHAR.test(escaped.charAt(offset + 1));
      return inWord && mark !== '`' && mark !== '\uff40' ? mark : (FORMATTING_LOOKALIKES[mark] ?? mark);
    })
    .replace(EMOJI_CODE, '\u2236')
    .replace(/^&gt;/gm, '\u00ad&gt;');
}

/**
 * Makes untrusted text inert inside mrkdwn (and plain_text): `&`, `<`, `>` become entities, which
 * also defuses `<!channel>`, `<@U…>` and `<url|label>` spoofing; control and invisible format
 * characters go (`isStrippedCharacter`); lone UTF-16 surrogates become U+FFFD so Slack never
 * receives invalid UTF-8.
 */
export function escapeMrkdwn(text: string): string {
  // Copies unchanged runs in one slice each (most values have nothing to escape: returned as is).
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    if (isHighSurrogate(code)) {
      if (isLowSurrogate(text.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      replacement = '\uFFFD';
    } else if (isLowSurrogate(code)) replacement = '\uFFFD';
    else if (code === 0x26) replacement = '&amp;';
    else if (code === 0x3c) replacement = '&lt;';
    else if (code === 0x3e) replacement = '&gt;';
    else if (isStrippedCharacter(code)) replacement = '';
    else continue;
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Cuts already-escaped text to at most `max` UTF-16 units, ending in `…`, never between the halves
 * of a surrogate pair and never inside an `&amp;`-style entity.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let cut = max - ELLIPSIS.length;
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const amp = cut > 0 ? text.lastIndexOf('&', cut - 1) : -1;
  if (amp !== -1 && amp > cut - LONGEST_ENTITY) {
    const semicolon = text.indexOf(';', amp);
    if (semicolon === -1 || semicolon >= cut) cut = amp;
  }
  return `${text.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/**
 * Untrusted text as an inline code span: backticks removed (they would end the span), line breaks
 * flattened (a span cannot cross lines), escaped, truncated to `max`. Empty input gives `—`.
 */
export function inlineCode(text: string, max = 200): string {
  const flat = text
    .replace(/`/g, '')
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
  const escaped = escapeMrkdwn(flat);
  if (escaped === '') return EMPTY_VALUE;
  return `\`${truncate(escaped, Math.max(1, max - 2))}\``;
}

/**
 * Untrusted text for a one-line mrkdwn value: one line, escaped, formatting defused, truncated; `—`
 * when nothing is left. Names and values from Cloudflare or a paste cannot add lines, formatting,
 * emoji, mentions or links to a card.
 */
export function safeText(text: string, max: number): string {
  const escaped = truncate(defuseFormatting(escapeMrkdwn(toOneLine(text))), max);
  return escaped.trim() === '' ? EMPTY_VALUE : escaped;
}

/** Untrusted text inside a ``` code block: escaped (no mentions or links), lines kept, nothing formats. */
export function codeBlockText(text: string, max: number): string {
  return truncate(escapeMrkdwn(text.replaceAll('`', "'")), max);
}

/** A plain_text object (`emoji: false`, so `:name:` in data stays literal) for untrusted text. */
export function plainText(text: string, max = 3000): PlainTextElement {
  const escaped = truncate(escapeMrkdwn(toOneLine(text)), max);
  return { type: 'plain_text', text: escaped.trim() === '' ? EMPTY_VALUE : escaped, emoji: false };
}
