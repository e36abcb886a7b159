import type { KnownBlock } from '@slack/types';

/** A Block Kit Builder link that opens the blocks for manual review (keep under ~8 KB to be safe). */
export function blockKitBuilderUrl(blocks: KnownBlock[]): string {
  return `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify({ blocks }))}`;
}
