import type { webApi } from '@slack/bolt';
import { extractRayIds } from '../core/ray-id.js';
import { context, section } from './blocks/compose.js';
import { BLOCK_KIT_LIMITS } from './blocks/limits.js';
import { renderCardActions } from './blocks/render-actions.js';
import { renderProgress } from './blocks/render-extras.js';
import { renderReportMessages } from './blocks/render-report.js';
import type { ListenerDependencies } from './dependencies.js';
import { lookUpFor } from './lookup.js';
import { tsToDate } from './slack-message.js';

/** Full cards per message thread before the rest is summarised one line each. */
export const THREAD_CARD_CAP = 3;

export interface ThreadRequest {
  /** Who posted the message (for the audit line and their budget share; the card is judged by the channel). */
  user: string;
  team?: string | undefined;
  surface: 'helpdesk_thread' | 'mention';
  channel: string;
  /** The message that carried the Ray IDs. */
  ts: string;
  /** Its thread, when it was itself a reply. */
  threadTs?: string | undefined;
  text: string;
  /** What the message's images gave (escaped mrkdwn), shown under the first card or on its own. */
  imageNote?: string | undefined;
}

/**
 * Answers a message in its thread: a placeholder at once, replaced in place by the first card, then
 * the remaining cards and a summary. Does nothing (and returns false) when the text has no Ray ID.
 */
export async function replyInThread(
  client: webApi.WebClient,
  deps: ListenerDependencies,
  request: ThreadRequest,
): Promise<boolean> {
  const { rayIds } = extractRayIds(request.text);
  const thread_ts = request.threadTs ?? request.ts;
  if (rayIds.length === 0) {
    if (!request.imageNote) return false;
    // A screenshot without a readable Ray ID still gets an answer: what to send instead.
    await client.chat.postMessage({
      channel: request.channel,
      thread_ts,
      text: request.imageNote,
      blocks: [section(request.imageNote)],
    });
    return true;
  }
  const placeholder = await client.chat.postMessage({
    channel: request.channel,
    thread_ts,
    ...renderProgress(rayIds),
  });
  const viewer = {
    userId: request.user,
    teamId: request.team,
    channelId: request.channel,
    surface: request.surface,
  };
  // Everyone in the channel reads the reply: it is judged by the channel, not by who posted.
  const { report } = await lookUpFor(
    deps,
    viewer,
    { text: request.text, anchor: tsToDate(request.ts) },
    { kind: 'channel', channelId: request.channel },
  );
  const [first, ...rest] = renderReportMessages(report, {
    now: deps.now(),
    cap: THREAD_CARD_CAP,
    actions: (result) =>
      renderCardActions(result, {
        codec: deps.buttons,
        anchorTs: request.ts,
        details: true,
        // Anyone may press it on a public card; the click is checked against the clicker.
        searchFurther: true,
      }),
  });
  if (first && request.imageNote && first.blocks.length < BLOCK_KIT_LIMITS.blocksPerMessage)
    first.blocks.push(context(request.imageNote));
  if (first && placeholder.ts) {
    await client.chat.update({ channel: request.channel, ts: placeholder.ts, ...first });
  } else if (first) {
    await client.chat.postMessage({ channel: request.channel, thread_ts, ...first });
  }
  for (const message of rest)
    await client.chat.postMessage({ channel: request.channel, thread_ts, ...message });
  return true;
}
