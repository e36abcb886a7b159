/**
 * Text from Cloudflare and pastes that any renderer (Slack, terminal) must tame: invisible format
 * characters that can hide or reorder words, and line breaks inside what should be one line.
 */

/**
 * C0 (but `\n`, `\t`), DEL, C1, and the invisible format characters that can make text lie or hide
 * a word: zero-width space/joiners and LRM/RLM (U+200B–U+200F), bidi embeddings and overrides
 * (U+202A–U+202E), word joiner, invisible operators and bidi isolates (U+2060–U+2069), the BOM
 * (U+FEFF) and the Arabic letter mark (U+061C).
 */
export function isStrippedCharacter(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    code === 0x061c
  );
}

/** Line breaks and tabs (also U+2028/2029/0085) as single spaces: one value can never start a new line. */
export function toOneLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029\u0085]+/g, ' ');
}

/** One line, without control or invisible format characters: safe to print in a terminal. */
export function toPlainLine(text: string): string {
  let out = '';
  for (const char of toOneLine(text)) if (!isStrippedCharacter(char.charCodeAt(0))) out += char;
  return out;
}
