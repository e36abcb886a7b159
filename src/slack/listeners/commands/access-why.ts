import { renderCardActions } from '../../blocks/render-actions.js';
import { renderHelp } from '../../blocks/render-help.js';
import { renderReport } from '../../blocks/render-report.js';
import type { ListenerDependencies } from '../../dependencies.js';
import { askableDenials, lookUpFor } from '../../lookup.js';
import { replyPrivately } from '../../reply-privately.js';
import type { ListenerRegistry } from '../listener-registry.js';

export const ACCESS_WHY_COMMAND = '/access-why';

const HELP_WORDS = new Set(['', 'help', '-h', '--help', '?']);

/** `/access-why <Ray ID or pasted 403 page>`: ack at once, then answer privately with a card. */
export function registerAccessWhyCommand(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  listeners.command(ACCESS_WHY_COMMAND, async ({ command, ack, respond, client, logger }) => {
    if (HELP_WORDS.has(command.text.trim().toLowerCase())) {
      await ack({ response_type: 'ephemeral', ...renderHelp() });
      return;
    }
    await ack();
    const viewer = {
      userId: command.user_id,
      teamId: command.team_id,
      channelId: command.channel_id,
      surface: 'command',
    } as const;
    const { report, staff, ownDenials } = await lookUpFor(
      deps,
      viewer,
      { text: command.text },
      { kind: 'private' },
    );
    const message = renderReport(report, {
      now: deps.now(),
      actions: (r) =>
        renderCardActions(r, {
          codec: deps.buttons,
          share: true,
          searchFurther: staff || deps.searchFurther === 'everyone',
          askHelpdesk: askableDenials(deps, ownDenials),
        }),
    });
    if (
      !(await replyPrivately(
        respond,
        client,
        { channel: command.channel_id, user: command.user_id },
        message,
      ))
    ) {
      logger.warn('could not answer /access-why: response_url and chat.postEphemeral both failed');
    }
  });
}
