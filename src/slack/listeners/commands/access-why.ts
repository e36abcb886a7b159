import type { App } from '@slack/bolt';
import type { SlackDependencies } from '../../app.js';
import { renderCardActions } from '../../blocks/render-actions.js';
import { renderHelp } from '../../blocks/render-help.js';
import { renderReport } from '../../blocks/render-report.js';

export const ACCESS_WHY_COMMAND = '/access-why';

const HELP_WORDS = new Set(['', 'help', '-h', '--help', '?']);

/** `/access-why <Ray ID or pasted 403 page>`: ack at once, then answer privately with a card. */
export function registerAccessWhyCommand(app: App, deps: SlackDependencies): void {
  app.command(ACCESS_WHY_COMMAND, async ({ command, ack, respond, logger }) => {
    if (HELP_WORDS.has(command.text.trim().toLowerCase())) {
      await ack({ response_type: 'ephemeral', ...renderHelp() });
      return;
    }
    await ack();
    const report = await deps.explain({ text: command.text });
    const shareTo = { channel: command.channel_id };
    const message = renderReport(report, {
      now: deps.now(),
      actions: (r) => renderCardActions(r, { shareTo }),
    });
    try {
      await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    } catch (error) {
      logger.warn(`could not answer /access-why: ${error instanceof Error ? error.name : 'unknown error'}`);
    }
  });
}
