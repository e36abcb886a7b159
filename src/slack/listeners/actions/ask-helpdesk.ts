import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { context } from '../../blocks/compose.js';
import { ACTION_IDS, renderCardActions } from '../../blocks/render-actions.js';
import { renderHelpdeskRequest } from '../../blocks/render-helpdesk-request.js';
import { renderReport } from '../../blocks/render-report.js';
import type { ListenerDependencies, Viewer } from '../../dependencies.js';
import { lookUpFor } from '../../lookup.js';
import { tsToDate } from '../../slack-message.js';
import type { ListenerRegistry } from '../listener-registry.js';
import { BUTTON_EXPIRED, BUTTON_FAILED, BUTTON_REFUSED } from './card-actions.js';

export const ASK_NOT_OWN =
  'You can ask the helpdesk only about your own Access denial. Post the Ray ID in the helpdesk channel instead.';
export const ASK_NO_CHANNEL =
  'No helpdesk channel takes requests here; ask your helpdesk directly with the Ray ID.';

const tellClicker = (respond: RespondFn, text: string) =>
  respond({ response_type: 'ephemeral', replace_original: false, text });

/** The note that replaces the button on the user's card. Channel ids come from validated config. */
const sentNote = (channel: string, already: boolean): KnownBlock =>
  context(
    already
      ? `✅ Already sent to the helpdesk in <#${channel}>; they answer in its thread.`
      : `✅ Sent to the helpdesk in <#${channel}>; they answer in its thread.`,
  );

/**
 * *Ask the helpdesk* on a private card about the clicker's own denial: posts one redacted request in
 * the helpdesk requests channel (with *Details* for staff), however often it is clicked, and updates
 * the card to say so. Ownership is checked again by a fresh (cached) lookup for the clicker.
 */
export function registerAskHelpdesk(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  listeners.action(ACTION_IDS.askHelpdesk, async ({ ack, action, body, respond, client, logger }) => {
    await ack();
    const decoded = deps.buttons.decode(ACTION_IDS.askHelpdesk, action.value);
    if (!decoded.ok) {
      logger.warn(`button ${ACTION_IDS.askHelpdesk} refused: ${decoded.reason} value`);
      await tellClicker(respond, decoded.reason === 'tampered' ? BUTTON_REFUSED : BUTTON_EXPIRED).catch(
        () => undefined,
      );
      return;
    }
    const channel = deps.helpdeskRequestsChannelId;
    try {
      if (!channel) {
        await tellClicker(respond, ASK_NO_CHANNEL);
        return;
      }
      const value = decoded.value;
      const viewer: Viewer = {
        userId: body.user.id,
        teamId: body.team?.id ?? body.user.team_id,
        channelId: body.channel?.id,
        surface: 'button',
      };
      const { report, ownDenials } = await lookUpFor(
        deps,
        viewer,
        { text: value.r, anchor: tsToDate(value.a) },
        { kind: 'private' },
      );
      const result = report.results[0];
      if (result?.outcome !== 'denied' || !ownDenials.has(result.rayId)) {
        await tellClicker(respond, ASK_NOT_OWN);
        return;
      }
      // One request per user and Ray ID, however often (or however fast) the button is pressed.
      const claimKey = `ask_helpdesk:${viewer.userId}:${result.rayId}`;
      const fresh = await deps.dedupe.claim(claimKey);
      if (fresh) {
        try {
          await client.chat.postMessage({
            channel,
            ...renderHelpdeskRequest({
              requesterId: viewer.userId,
              result,
              codec: deps.buttons,
              anchorTs: value.a,
            }),
          });
        } catch {
          // Nothing was posted: the next click may try again.
          await deps.dedupe.release(claimKey);
          await tellClicker(
            respond,
            `I could not post in <#${channel}>. Post the Ray ID \`${result.rayId}\` there yourself, or ask an admin to invite @access-why.`,
          );
          return;
        }
      }
      // The card again, its buttons minus this one, and the note.
      const card = renderReport(report, {
        now: deps.now(),
        actions: (r) =>
          renderCardActions(r, {
            codec: deps.buttons,
            threadTs: value.t,
            anchorTs: value.a,
            share: body.container.is_ephemeral === true && body.channel?.id !== undefined,
          }),
      });
      await respond({
        replace_original: true,
        text: card.text,
        blocks: [...card.blocks.slice(0, 49), sentNote(channel, !fresh)],
      });
    } catch (error) {
      deps.onUnexpected(error);
      await tellClicker(respond, BUTTON_FAILED).catch(() => undefined);
    }
  });
}
