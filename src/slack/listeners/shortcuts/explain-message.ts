import { context } from '../../blocks/compose.js';
import { BLOCK_KIT_LIMITS } from '../../blocks/limits.js';
import { renderCardActions } from '../../blocks/render-actions.js';
import { renderReport } from '../../blocks/render-report.js';
import type { ListenerDependencies } from '../../dependencies.js';
import { readImages } from '../../images/message-images.js';
import { askableDenials, lookUpFor } from '../../lookup.js';
import { messageText } from '../../message-text.js';
import { replyPrivately } from '../../reply-privately.js';
import { tsToDate } from '../../slack-message.js';
import type { ListenerRegistry } from '../listener-registry.js';

export const EXPLAIN_SHORTCUT_CALLBACK_ID = 'explain_access_denial';

/** "Explain Access denial" on any message: Ray IDs from its text, blocks and attachments, answered privately. */
export function registerExplainShortcut(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  listeners.shortcut(EXPLAIN_SHORTCUT_CALLBACK_ID, async ({ shortcut, ack, respond, client, logger }) => {
    await ack();
    const { message, channel, user } = shortcut;
    const viewer = {
      userId: user.id,
      teamId: user.team_id,
      channelId: channel.id,
      surface: 'shortcut',
    } as const;
    const images = await readImages(deps, message, messageText(message));
    const { report, staff, ownDenials } = await lookUpFor(
      deps,
      viewer,
      { text: images.text, anchor: tsToDate(message.ts) },
      { kind: 'private' },
    );
    const rendered = renderReport(report, {
      now: deps.now(),
      actions: (result) =>
        renderCardActions(result, {
          codec: deps.buttons,
          share: true,
          threadTs: message.thread_ts ?? message.ts,
          anchorTs: message.ts,
          searchFurther: staff || deps.searchFurther === 'everyone',
          askHelpdesk: askableDenials(deps, ownDenials),
        }),
    });
    if (images.note && rendered.blocks.length < BLOCK_KIT_LIMITS.blocksPerMessage)
      rendered.blocks.push(context(images.note));
    if (!(await replyPrivately(respond, client, { channel: channel.id, user: user.id }, rendered))) {
      logger.warn('could not answer the shortcut: response_url and chat.postEphemeral both failed');
    }
  });
}
