/** Which Cloudflare page a pasted text looks like; `plain` when none is recognised. */
export type PasteKind = 'access_block_page' | 'waf_block_page' | 'cloudflare_error_page' | 'plain';

export interface PasteInfo {
  kind: PasteKind;
  /** HTTP status the page reports (`Status code: 403`, `"status_code": 403`, an `HTTP/2 403` line). */
  statusCode?: number;
  /** Cloudflare 1xxx error code, e.g. `'1010'` from `Error 1010`. */
  errorCode?: string;
  /** The Access application's 64-hex audience tag, lower-cased. */
  appAud?: string;
  /** As printed on the Access block page, e.g. `NONE`. */
  mtlsStatus?: string;
}

/** Every signal sits near the top of a page; a bounded head keeps a 10 MB paste cheap. */
export const PASTE_INSPECT_LIMIT = 200_000;

// Every pattern below is built so that no two adjacent quantifiers can match the same characters:
// each runs in linear time on the bounded head, whatever the input.

/** Between a label and its value: spaces and tags (`<b>App AUD:</b> 9bb8…`). */
const GAP = String.raw`(?:\s|<[^<>]{0,60}>)*`;
/** Same, but on one line: a free-text value must not be read from the next line's label. */
const INLINE_GAP = String.raw`(?:[ \t\u00a0]|<[^<>]{0,60}>)*`;

const ACCESS_SIGNALS: readonly RegExp[] = [
  /\berror\s*(?:[-–—|:·]|&ndash;|&mdash;)\s*cloudflare\s+access\b/i,
  /\b(?:you\s+don't|you\s+do\s+not)\s+have\s+permission\s+to\s+view\s+this\b/i,
  /\bthat\s+account\s+does\s+not\s+have\s+access\b/i,
  /\bapp\s+aud\s*:/i,
  /\bmtls\s+status\s*:/i,
];

const WAF_SIGNALS: readonly RegExp[] = [
  /\bsorry,?\s+you\s+have\s+been\s+blocked\b/i,
  /\battention\s+required!?\s*\|\s*cloudflare\b/i,
  /\bdata-translate\s*=\s*["']?block_headline\b/i,
];

const ERROR_PAGE_SIGNALS: readonly RegExp[] = [
  /\bused\s+cloudflare\s+to\s+restrict\s+access\b/i,
  /\bbanned\s+your\s+access\s+based\s+on\s+your\s+browser'?s\s+signature\b/i,
];

const ERROR_CODE_PATTERNS: readonly RegExp[] = [
  // `Error 1010`, `error code: 1020`, `"error_code": 1020`, `error_code: 1020` (Markdown front matter).
  /\berror(?:[\s_-]*code)?["']?\s*(?:[:=]\s*)?["']?(1\d{3})(?![\d])/i,
  // The HTML page splits it: `<span class="cf-error-code">1020</span>`.
  /\bcf-error-code\b[^<>]{0,60}>\s*(1\d{3})\s*</i,
];

const APP_AUD_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`\bapp\s+aud\s*:${GAP}([0-9a-f]{64})(?![0-9a-z_])`, 'i'),
  /"aud"\s*:\s*"([0-9a-f]{64})"/i,
];

const MTLS_STATUS_PATTERN = new RegExp(
  String.raw`\bmtls[ _]?status"?[ \t]*[:=]${INLINE_GAP}"?([A-Za-z][A-Za-z0-9_]{0,63})`,
  'i',
);

const STATUS_CODE_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`\bstatus[\s_]?code"?\s*[:=]${GAP}"?([1-5]\d\d)(?![\d])`, 'i'),
  /"status"\s*:\s*"?([1-5]\d\d)(?![\d])/i,
];

/** A response status line from pasted headers; the last one is the final response after redirects. */
const HTTP_STATUS_LINE = /^[ \t]*HTTP\/\d(?:\.\d)?\s+([1-5]\d\d)\b/gim;

/** Slack escapes `&<>`, pages use entities and curly quotes, JSON uses `\u0027`; signals use plain text. */
const NORMALISE = /&(?:lt|gt|amp|quot|apos|#39|#x27|rsquo|lsquo|nbsp);|\\u00(?:26|27|3[cCeE]|22)|\\"|[‘’]/g;

const NORMALISED: Readonly<Record<string, string>> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
  '&#39;': "'",
  '&#x27;': "'",
  '&rsquo;': "'",
  '&lsquo;': "'",
  '&nbsp;': ' ',
  '\\u0026': '&',
  '\\u0027': "'",
  '\\u003c': '<',
  '\\u003C': '<',
  '\\u003e': '>',
  '\\u003E': '>',
  '\\u0022': '"',
  '\\"': '"',
  '‘': "'",
  '’': "'",
};

/**
 * Recognises which Cloudflare page (if any) a pasted text comes from, to explain 403s that Access did
 * not log. Only the first PASTE_INSPECT_LIMIT characters are read. An Access signal wins over a WAF
 * one, which wins over a 1xxx error-page one; the detail fields are filled whatever the kind.
 */
export function classifyPaste(text: string): PasteInfo {
  const head = normalise(text.length > PASTE_INSPECT_LIMIT ? text.slice(0, PASTE_INSPECT_LIMIT) : text);

  const errorCode = firstCapture(head, ERROR_CODE_PATTERNS);
  const appAud = firstCapture(head, APP_AUD_PATTERNS)?.toLowerCase();
  const mtlsStatus = MTLS_STATUS_PATTERN.exec(head)?.[1];
  const statusCode = findStatusCode(head);

  let kind: PasteKind = 'plain';
  if (appAud !== undefined || matchesAny(head, ACCESS_SIGNALS)) kind = 'access_block_page';
  else if (matchesAny(head, WAF_SIGNALS)) kind = 'waf_block_page';
  else if (errorCode !== undefined || matchesAny(head, ERROR_PAGE_SIGNALS)) kind = 'cloudflare_error_page';

  const info: PasteInfo = { kind };
  if (statusCode !== undefined) info.statusCode = statusCode;
  if (errorCode !== undefined) info.errorCode = errorCode;
  if (appAud !== undefined) info.appAud = appAud;
  if (mtlsStatus !== undefined) info.mtlsStatus = mtlsStatus;
  return info;
}

function normalise(head: string): string {
  return head.replace(NORMALISE, (match) => NORMALISED[match] ?? match);
}

function matchesAny(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(text));
}

function firstCapture(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const value = pattern.exec(text)?.[1];
    if (value !== undefined) return value;
  }
  return undefined;
}

function findStatusCode(text: string): number | undefined {
  const labelled = firstCapture(text, STATUS_CODE_PATTERNS);
  if (labelled !== undefined) return Number(labelled);
  let last: string | undefined;
  for (const match of text.matchAll(HTTP_STATUS_LINE)) last = match[1];
  return last === undefined ? undefined : Number(last);
}
