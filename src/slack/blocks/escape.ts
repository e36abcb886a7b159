import type { PlainTextElement } from '@slack/types';

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

/** C0 (but `\n`, `\t`), DEL, C1, and the bidi embeddings/overrides/isolates that can make text lie. */
function isStripped(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Makes untrusted text inert inside mrkdwn (and plain_text): `&`, `<`, `>` become entities, which
 * also defuses `<!channel>`, `<@U…>` and `<url|label>` spoofing; control characters go; lone UTF-16
 * surrogates become U+FFFD so Slack never receives invalid UTF-8.
 */
export function escapeMrkdwn(text: string): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHighSurrogate(code)) {
      if (isLowSurrogate(text.charCodeAt(i + 1))) {
        out.push(text.slice(i, i + 2));
        i++;
      } else {
        out.push('\uFFFD');
      }
      continue;
    }
    if (isLowSurrogate(code)) {
      out.push('\uFFFD');
      continue;
    }
    if (isStripped(code)) continue;
    if (code === 0x26) out.push('&amp;');
    else if (code === 0x3c) out.push('&lt;');
    else if (code === 0x3e) out.push('&gt;');
    else out.push(text.charAt(i));
  }
  return out.join('');
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

/** Escaped, truncated untrusted text for mrkdwn; `—` when nothing is left. */
export function safeText(text: string, max: number): string {
  const escaped = truncate(escapeMrkdwn(text), max);
  return escaped.trim() === '' ? EMPTY_VALUE : escaped;
}

/** A plain_text object (`emoji: false`, so `:name:` in data stays literal) for untrusted text. */
export function plainText(text: string, max = 3000): PlainTextElement {
  return { type: 'plain_text', text: safeText(text, max), emoji: false };
}
