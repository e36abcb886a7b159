import type { KnownBlock } from '@slack/types';
import type { PasteInfo } from '../../core/paste.js';
import type { SearchedRange } from '../../core/ports.js';
import type { RayIdResult } from '../../core/report.js';
import type { RenderResultOptions } from './card-parts.js';
import { BUDGET, EMOJI, footer, titled } from './card-parts.js';
import { bulletList, context, header, section, slackDate } from './compose.js';
import { inlineCode, safeText } from './escape.js';

type NotFoundResult = Extract<RayIdResult, { outcome: 'not_found' }>;

function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

function searchedText(searched: SearchedRange): string {
  const windows = `${searched.windows} query window${searched.windows === 1 ? '' : 's'}`;
  const span = humanDuration(searched.newest.getTime() - searched.oldest.getTime());
  const lines = [
    `From ${slackDate(searched.oldest)} to ${slackDate(searched.newest)} (${span}, ${windows}).`,
  ];
  if (searched.limitedBy === 'retention') {
    lines.push("Stopped at the dataset's retention: Cloudflare holds no older Access login data.");
  } else {
    const further =
      searched.oldestReachable.getTime() < searched.oldest.getTime()
        ? `; Cloudflare still holds data back to ${slackDate(searched.oldestReachable)}, so raising the cap searches further`
        : '';
    lines.push(`Stopped at the bot's configured look-back cap${further}.`);
  }
  return lines.join('\n');
}

/** The page details a paste carried, as escaped "HTTP 403 · app AUD `…`" text; empty when none. */
function pasteDetails(paste: PasteInfo): string {
  const parts: string[] = [];
  if (paste.statusCode !== undefined && Number.isInteger(paste.statusCode))
    parts.push(`HTTP ${paste.statusCode}`);
  if (paste.appAud !== undefined && paste.appAud !== '')
    parts.push(`app AUD ${inlineCode(paste.appAud, 70)}`);
  if (paste.mtlsStatus !== undefined && paste.mtlsStatus !== '')
    parts.push(`mTLS ${inlineCode(paste.mtlsStatus, 40)}`);
  return parts.join(' · ');
}

/**
 * An escaped note on what the pasted page was, when that explains a missing Access row (WAF and
 * 1xxx pages) or helps find the app (an Access page's AUD); `undefined` when it adds nothing.
 */
export function pasteNote(paste: PasteInfo | undefined): string | undefined {
  if (paste === undefined) return undefined;
  const details = pasteDetails(paste);
  const suffix = details === '' ? '' : ` (${details})`;
  switch (paste.kind) {
    case 'waf_block_page':
      return (
        `The pasted page is a Cloudflare WAF block page, not an Access page${suffix}: a WAF rule blocked ` +
        'the request (look the Ray ID up in Security › Events).'
      );
    case 'cloudflare_error_page': {
      const code =
        paste.errorCode !== undefined && paste.errorCode !== ''
          ? `Cloudflare error ${inlineCode(paste.errorCode, 12)}`
          : 'a Cloudflare 1xxx error page';
      return `The pasted page is ${code}, not an Access page${suffix}: the error number names the cause.`;
    }
    case 'access_block_page':
      return details === '' ? undefined : `The pasted page is a Cloudflare Access block page (${details}).`;
    case 'plain':
      return undefined;
  }
}

export function renderNotFound(result: NotFoundResult, options: RenderResultOptions): KnownBlock[] {
  const { notFound } = result;
  const blocks: KnownBlock[] = [
    header(`${EMOJI.not_found} No Access login for Ray ${result.rayId}`),
    section(safeText(notFound.summary, BUDGET.summary), { verbatim: true }),
    titled('Searched', searchedText(result.searched), 1000),
  ];
  const sources = notFound.likelySources.filter((source) => source.trim() !== '');
  if (sources.length > 0) {
    const lines = sources.map((source) => safeText(source, 300));
    blocks.push(titled('Likely other sources', bulletList(lines, 1400), 1500));
  }
  const note = pasteNote(options.paste);
  if (note !== undefined) blocks.push(context(`📋 ${note}`, { verbatim: true, max: BUDGET.note }));
  if (notFound.maybeTooRecent) {
    blocks.push(context("⏱️ Cloudflare's analytics lag about a minute — try again shortly."));
  }
  blocks.push(titled('Fix (admin)', safeText(notFound.adminFix, BUDGET.fix), BUDGET.fix));
  blocks.push(titled('Tell the user', safeText(notFound.userMessage, BUDGET.tell), BUDGET.tell));
  const gaps = (notFound.gaps ?? []).filter((gap) => gap.trim() !== '');
  if (gaps.length > 0) {
    const text = gaps.map((gap) => safeText(gap, 200)).join('; ');
    blocks.push(context(`Not searched: ${text}`, { verbatim: true, max: BUDGET.note }));
  }
  blocks.push(footer(result.rayId));
  return blocks;
}
