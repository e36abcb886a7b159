import type { webApi } from '@slack/bolt';
import { extractRayIds } from '../core/ray-id.js';
import { renderCardActions } from './blocks/render-actions.js';
import { renderProgress } from './blocks/render-extras.js';
import { renderReportMessages } from './blocks/render-report.js';
import type { ListenerDependencies } from './dependencies.js';
import { lookUpFor } from './lookup.js';
import { tsToDate } from './slack-message.js';

/** Full cards per message thread before the rest is summarised one line each. */
export const THREAD_CARD_CAP = 3;

export interface ThreadRequest {
  /** Who posted the message: the answer is public, so it is redacted for them like a share. */
  user: string;
  surface: 'helpdesk_thread' | 'mention';
  channel: string;
  /** The message that carried the Ray IDs. */
  ts: string;
  /** Its thread, when it was itself a reply. */
  threadTs?: string | undefined;
  text: string;
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
  if (rayIds.length === 0) return false;
  const thread_ts = request.threadTs ?? request.ts;
  const placeholder = await client.chat.postMessage({
    channel: request.channel,
    thread_ts,
    ...renderProgress(rayIds),
  });
  const viewer = { userId: request.user, channelId: request.channel, surface: request.surface };
  const report = await lookUpFor(deps, viewer, { text: request.text, anchor: tsToDate(request.ts) });
  const [first, ...rest] = renderReportMessages(report, {
    now: deps.now(),
    cap: THREAD_CARD_CAP,
    actions: (result) => renderCardActions(result, { anchorTs: request.ts }),
  });
  if (first && placeholder.ts) {
    await client.chat.update({ channel: request.channel, ts: placeholder.ts, ...first });
  } else if (first) {
    await client.chat.postMessage({ channel: request.channel, thread_ts, ...first });
  }
  for (const message of rest)
    await client.chat.postMessage({ channel: request.channel, thread_ts, ...message });
  return true;
}
