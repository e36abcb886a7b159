import type { KnownBlock } from '@slack/types';
import type { RayIdResult } from '../../core/report.js';
import { context, header, section } from './compose.js';
import { codeBlockText, inlineCode, safeText } from './escape.js';
import type { RenderedMessage } from './render-report.js';
import type { FoundResult } from './render-result.js';

/** Shown at once while a lookup runs, then replaced in place by the card. */
export function renderProgress(rayIds: readonly string[]): RenderedMessage {
  const first = rayIds[0] ?? '';
  const more = rayIds.length > 1 ? ` and ${rayIds.length - 1} more` : '';
  const text = `🔎 Looking up ${first.slice(0, 8)}…${more} in Cloudflare Access`;
  return { text, blocks: [context(safeText(text, 300))] };
}

const RAW_MAX = 2_900;

/** The login row as Cloudflare's GraphQL API returned it (mapped names), in a code block. */
export function renderRawEvent(result: FoundResult): KnownBlock[] {
  // Escaping keeps pasted or API text inert; nothing formats inside a code block.
  const body = codeBlockText(JSON.stringify(result.event, null, 1), RAW_MAX - 8);
  return [
    header(`🧾 Raw login event — Ray ${result.rayId}`),
    section(`\`\`\`${body}\`\`\``, { verbatim: true, max: RAW_MAX }),
    context(`Dataset \`accessLoginRequestsAdaptiveGroups\` · Ray ID ${inlineCode(result.rayId, 40)}`, {
      verbatim: true,
    }),
  ];
}

/** True when the result carries a login row. */
export function isFound(result: RayIdResult | undefined): result is FoundResult {
  return result?.outcome === 'allowed' || result?.outcome === 'denied';
}
