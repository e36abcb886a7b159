import type { ListenerDependencies } from '../../dependencies.js';
import { readImages } from '../../images/message-images.js';
import { messageText } from '../../message-text.js';
import { toHumanPost } from '../../slack-message.js';
import { replyInThread } from '../../thread-reply.js';
import type { ListenerRegistry } from '../listener-registry.js';

/**
 * New posts with Ray IDs in helpdesk channels, and @-mentions anywhere, get one threaded answer —
 * once, even when Slack re-delivers the event or sends both a message and an app_mention for it.
 */
export function registerHelpdeskMessages(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  const answer = async (
    surface: 'helpdesk_thread' | 'mention',
    event: unknown,
    eventId: string | undefined,
    teamId: string | undefined,
    botUserId: string | undefined,
    client: Parameters<typeof replyInThread>[0],
  ) => {
    const post = toHumanPost(event, botUserId);
    if (!post) return;
    const freshEvent = eventId === undefined || (await deps.dedupe.claim(`event:${eventId}`));
    const freshMessage = await deps.dedupe.claim(`message:${post.channel}:${post.ts}`);
    if (!freshEvent || !freshMessage) return;
    const text = messageText(event);
    const images = await readImages(deps, event, text);
    await replyInThread(client, deps, {
      user: post.user ?? '',
      team: teamId,
      surface,
      channel: post.channel,
      ts: post.ts,
      threadTs: post.thread_ts,
      text: images.text,
      imageNote: images.note,
    });
  };

  listeners.event('message', async ({ event, body, context, client }) => {
    if (!('channel' in event) || !deps.helpdeskChannelIds.has(event.channel)) return;
    await answer('helpdesk_thread', event, body.event_id, body.team_id, context.botUserId, client);
  });

  listeners.event('app_mention', async ({ event, body, context, client }) => {
    await answer('mention', event, body.event_id, body.team_id, context.botUserId, client);
  });
}
