import type { App, MessageShortcut } from '@slack/bolt';
import type { SlackDependencies } from '../../app.js';
import { renderCardActions } from '../../blocks/render-actions.js';
import { renderReport } from '../../blocks/render-report.js';
import { messageText } from '../../message-text.js';
import { tsToDate } from '../../slack-message.js';

export const EXPLAIN_SHORTCUT_CALLBACK_ID = 'explain_access_denial';

/** "Explain Access denial" on any message: Ray IDs from its text, blocks and attachments, answered privately. */
export function registerExplainShortcut(app: App, deps: SlackDependencies): void {
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: EXPLAIN_SHORTCUT_CALLBACK_ID },
    async ({ shortcut, ack, respond, logger }) => {
      await ack();
      const { message, channel } = shortcut;
      const report = await deps.explain({ text: messageText(message), anchor: tsToDate(message.ts) });
      const shareTo = { channel: channel.id, threadTs: message.thread_ts ?? message.ts };
      const rendered = renderReport(report, {
        now: deps.now(),
        actions: (result) => renderCardActions(result, { shareTo, anchorTs: message.ts }),
      });
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, ...rendered });
      } catch (error) {
        logger.warn(
          `could not answer the shortcut: ${error instanceof Error ? error.name : 'unknown error'}`,
        );
      }
    },
  );
}
