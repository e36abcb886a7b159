import type { ContextBlock, DividerBlock, HeaderBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import { EMPTY_VALUE, escapeMrkdwn, plainText, truncate } from './escape.js';
import { BLOCK_KIT_LIMITS } from './limits.js';

/**
 * A mrkdwn object from text the caller already escaped (it may carry our own `*bold*`, code spans
 * and date tokens). `verbatim` stops Slack from auto-linking URLs and names found in API data.
 */
export function mrkdwn(escaped: string, options: { verbatim?: boolean; max?: number } = {}): MrkdwnElement {
  const text = truncate(escaped, options.max ?? BLOCK_KIT_LIMITS.textObject);
  const element: MrkdwnElement = { type: 'mrkdwn', text: text.trim() === '' ? EMPTY_VALUE : text };
  if (options.verbatim) element.verbatim = true;
  return element;
}

export function header(untrusted: string): HeaderBlock {
  return { type: 'header', text: plainText(untrusted, BLOCK_KIT_LIMITS.headerText) };
}

export function section(escaped: string, options: { verbatim?: boolean; max?: number } = {}): SectionBlock {
  return { type: 'section', text: mrkdwn(escaped, options) };
}

/** Two-column fields; at most 10 are kept (the Block Kit ceiling). */
export function fieldsSection(
  fields: readonly string[],
  max: number = BLOCK_KIT_LIMITS.sectionField,
): SectionBlock {
  return {
    type: 'section',
    fields: fields
      .slice(0, BLOCK_KIT_LIMITS.sectionFields)
      .map((field) => mrkdwn(field, { verbatim: true, max })),
  };
}

export function context(escaped: string, options: { verbatim?: boolean; max?: number } = {}): ContextBlock {
  return { type: 'context', elements: [mrkdwn(escaped, options)] };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * A Slack date token that shows in each reader's own time zone, with a UTC fallback for clients that
 * cannot render it. Built only from a parsed Date, so no user text can reach inside the `<…>`.
 */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return EMPTY_VALUE;
  const year = date.getUTCFullYear();
  // Outside 1970–9999 the token would not parse; show the plain ISO text instead.
  if (year < 1970 || year > 9999) return date.toISOString();
  const fallback =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/** `slackDate` for an ISO string from an API; an unparsable value is shown escaped instead. */
export function slackDateFromIso(iso: string): string {
  const date = new Date(iso);
  return Number.isFinite(date.getTime()) ? slackDate(date) : truncate(escapeMrkdwn(iso), 60) || EMPTY_VALUE;
}

/**
 * Bullet lines (already escaped) that fit in `max` characters together, at most `maxItems` of them;
 * the rest is counted in a closing "…and N more" line rather than cut mid-item.
 */
export function bulletList(
  lines: readonly string[],
  max: number,
  itemMax = 500,
  maxItems = Number.POSITIVE_INFINITY,
): string {
  const out: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const bullet = `• ${truncate(line, itemMax)}`;
    const remaining = lines.length - index - 1;
    const reserve = remaining > 0 ? 24 : 0;
    if (index >= maxItems || used + bullet.length + 1 + reserve > max) {
      out.push(`• …and ${lines.length - index} more`);
      break;
    }
    out.push(bullet);
    used += bullet.length + 1;
  }
  return out.join('\n');
}
