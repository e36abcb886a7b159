import type { KnownBlock } from '@slack/types';
import type { PasteInfo } from '../../core/paste.js';
import type { ExplainReport, RayIdResult } from '../../core/report.js';
import { context, divider, header, section } from './compose.js';
import { inlineCode, safeText, truncate } from './escape.js';
import { BLOCK_KIT_LIMITS, totalBlockText } from './limits.js';
import { pasteNote } from './render-not-found.js';
import { appLabel, causeAndPolicy, renderResultBlocks, toFallbackLine, userLabel } from './render-result.js';

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Stay below the checker's ceilings, which are themselves below Slack's observed ones. */
const TEXT_BUDGET = 11_000;
const MAX_BLOCKS = BLOCK_KIT_LIMITS.blocksPerMessage;
const FALLBACK_MAX = BLOCK_KIT_LIMITS.messageText;
const COMPACT_LINE_MAX = 280;
const COMPACT_SECTION_MAX = 2900;
/** Shown in the help and "no Ray ID" cards; any 16 hex digits would do. */
export const EXAMPLE_RAY_ID = '74e4ac510dfdc44f';

const ICON: Record<RayIdResult['outcome'], string> = {
  allowed: '✅',
  denied: '🚫',
  not_found: '🔎',
  error: '⚠️',
};

/** One escaped line per Ray ID for results that did not fit as full cards. */
export function toCompactLine(result: RayIdResult): string {
  const ray = inlineCode(result.rayId, 40);
  let rest: string;
  switch (result.outcome) {
    case 'allowed':
    case 'denied': {
      const { explanation, event, names } = result;
      rest =
        `*${result.outcome}*: ${safeText(causeAndPolicy(explanation), 120)} — ` +
        `${safeText(appLabel(event, names), 60)}, ${safeText(userLabel(event, names), 60)}: ` +
        safeText(explanation.summary, COMPACT_LINE_MAX);
      break;
    }
    case 'not_found':
      rest = `no Access login found: ${safeText(result.notFound.summary, COMPACT_LINE_MAX)}`;
      break;
    case 'error':
      rest = `lookup failed: ${safeText(result.failure.message, COMPACT_LINE_MAX)}`;
      break;
  }
  return truncate(`${ICON[result.outcome]} ${ray} ${rest.replace(/\s+/g, ' ')}`, COMPACT_LINE_MAX);
}

/** Room kept for the closing "…and N more" line. */
const MORE_RESERVE = 32;

/**
 * Compact lines packed into as few sections as the remaining block and text budget allow, ending in
 * "…and N more" when some do not fit, with how many lines were shown; `undefined` when not even the
 * title fits.
 */
function compactSections(
  results: readonly RayIdResult[],
  budget: { blocks: number; text: number },
): { blocks: KnownBlock[]; shown: number } | undefined {
  if (results.length === 0) return { blocks: [], shown: 0 };
  const s = results.length === 1 ? '' : 's';
  const title = `*${results.length} more Ray ID${s}, in brief* (too many for full cards in one message)`;
  if (budget.blocks < 1 || budget.text < title.length + MORE_RESERVE) return undefined;

  const lines = results.map((result) => `• ${toCompactLine(result)}`);
  const done: string[] = [];
  let current = title;
  let used = title.length;
  let shown = 0;
  for (const line of lines) {
    const reserve = shown + 1 < lines.length ? MORE_RESERVE : 0;
    if (used + 1 + line.length + reserve > budget.text) break;
    if (current.length + 1 + line.length + reserve <= COMPACT_SECTION_MAX) {
      current += `\n${line}`;
      used += 1 + line.length;
    } else if (done.length + 2 <= budget.blocks) {
      done.push(current);
      current = line;
      used += line.length;
    } else {
      break;
    }
    shown++;
  }
  if (shown < lines.length) current += `\n• …and ${lines.length - shown} more`;
  return { blocks: [...done, current].map((text) => section(text, { verbatim: true })), shown };
}

function skippedNote(report: ExplainReport): KnownBlock | undefined {
  if (report.skippedRayIds.length === 0) return undefined;
  const looked = report.results.length;
  const total = Math.max(report.totalRayIds, looked + report.skippedRayIds.length);
  const shown = report.skippedRayIds.slice(0, 20).map((ray) => inlineCode(ray, 40));
  const more = report.skippedRayIds.length - shown.length;
  const list = more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
  return context(
    `${looked} of ${total} Ray IDs looked up; the rest were skipped: ${list}. Ask again with those Ray IDs to look them up.`,
    { verbatim: true },
  );
}

function noRayIdCard(paste: PasteInfo): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header('🔎 No Ray ID found'),
    section(
      "I couldn't find a Cloudflare Ray ID in that message. A Ray ID is *16 hex digits* (0–9, a–f), " +
        `e.g. \`${EXAMPLE_RAY_ID}\`. It's at the bottom of the 403 page, as \`Ray ID: ${EXAMPLE_RAY_ID}\`.`,
    ),
  ];
  const note = pasteNote(paste);
  if (note !== undefined) blocks.push(context(`📋 ${note}`, { verbatim: true }));
  blocks.push(
    context(`Try \`/access-why ${EXAMPLE_RAY_ID}\`, paste the whole 403 page, or \`/access-why help\`.`),
  );
  return blocks;
}

function fallbackText(report: ExplainReport): string {
  if (report.results.length === 0) {
    return 'No Ray ID found in that message. A Ray ID is 16 hex digits, shown as "Ray ID: …" at the bottom of the 403 page.';
  }
  const lines: string[] = [];
  let used = 0;
  const skipped = report.skippedRayIds.length;
  const tail = skipped > 0 ? `${skipped} more Ray ID${skipped === 1 ? '' : 's'} skipped.` : '';
  for (const [index, result] of report.results.entries()) {
    const line = toFallbackLine(result);
    const reserve = 40 + tail.length;
    if (used + line.length + 1 + reserve > FALLBACK_MAX) {
      lines.push(`…and ${report.results.length - index} more results.`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  if (tail !== '') lines.push(tail);
  return truncate(lines.join('\n'), FALLBACK_MAX);
}

function fits(blocks: readonly KnownBlock[]): boolean {
  return blocks.length <= MAX_BLOCKS && totalBlockText(blocks) <= TEXT_BUDGET;
}

/**
 * The whole answer to one request: a card per Ray ID (as many as fit in one message, the rest as
 * one line each), a note on Ray IDs skipped by the cap, and a top-level `text` for notifications.
 */
export interface RenderReportOptions {
  now: Date;
  /** Buttons under each full card (absent: no buttons). */
  actions?: (result: RayIdResult) => KnownBlock | undefined;
}

/** The whole report as one message: full cards while they fit, then one line per remaining Ray ID. */
export function renderReport(report: ExplainReport, options: RenderReportOptions): RenderedMessage {
  const note = skippedNote(report);
  const tail: KnownBlock[] = note === undefined ? [] : [note];
  const text = fallbackText(report);

  if (report.results.length === 0) return { text, blocks: [...noRayIdCard(report.paste), ...tail] };

  const cards = report.results.map((result) => {
    const buttons = options.actions?.(result);
    const blocks = renderResultBlocks(result, { now: options.now, paste: report.paste });
    return buttons === undefined ? blocks : [...blocks, buttons];
  });
  // As many full cards as fit while every other result still gets its line; when no split lets every
  // result show, the one that shows the most (then the most cards).
  let best: { blocks: KnownBlock[]; shown: number } | undefined;
  for (let full = cards.length; full >= 1; full--) {
    const blocks: KnownBlock[] = [];
    cards.slice(0, full).forEach((card, index) => {
      if (index > 0) blocks.push(divider());
      blocks.push(...card);
    });
    const rest = report.results.slice(full);
    const dividerCost = rest.length > 0 ? 1 : 0;
    const compact = compactSections(rest, {
      blocks: MAX_BLOCKS - blocks.length - tail.length - dividerCost,
      text: TEXT_BUDGET - totalBlockText(blocks) - totalBlockText(tail),
    });
    if (compact === undefined) continue;
    if (compact.blocks.length > 0) blocks.push(divider(), ...compact.blocks);
    blocks.push(...tail);
    if (!fits(blocks)) continue;
    const shown = full + compact.shown;
    if (shown === report.results.length) return { text, blocks };
    if (best === undefined || shown > best.shown) best = { blocks, shown };
  }
  if (best !== undefined) return { text, blocks: best.blocks };
  // Unreachable with the per-card budgets in render-result.ts; kept so a regression degrades, not fails.
  const fallback = compactSections(report.results, { blocks: MAX_BLOCKS - tail.length, text: TEXT_BUDGET });
  return { text, blocks: [...(fallback?.blocks ?? [section(text)]), ...tail] };
}

/**
 * A report as thread replies: one card per Ray ID up to `cap`, then one summary message with a line per
 * remaining Ray ID (outcome and cause). Every message stays inside Block Kit limits.
 */
export function renderReportMessages(
  report: ExplainReport,
  options: RenderReportOptions & { cap: number },
): RenderedMessage[] {
  if (report.results.length <= 1) return [renderReport(report, options)];
  const single = (result: RayIdResult): ExplainReport => ({
    ...report,
    results: [result],
    skippedRayIds: [],
  });
  const cards = report.results.slice(0, options.cap).map((result) => renderReport(single(result), options));
  const rest = report.results.slice(options.cap);
  const note = skippedNote(report);
  if (rest.length === 0) {
    const last = cards.at(-1);
    if (last && note) last.blocks.push(note);
    return cards;
  }
  const compact = compactSections(rest, { blocks: MAX_BLOCKS - 1, text: TEXT_BUDGET });
  const blocks = [...(compact?.blocks ?? []), ...(note ? [note] : [])];
  return [...cards, { text: fallbackText({ ...report, results: rest }), blocks }];
}
