import type { KnownBlock, ModalView } from '@slack/types';
import { section } from '../../blocks/compose.js';
import { ACTION_IDS } from '../../blocks/render-actions.js';
import { renderReport } from '../../blocks/render-report.js';
import type { ListenerDependencies, Viewer } from '../../dependencies.js';
import { lookUpFor } from '../../lookup.js';
import { tsToDate } from '../../slack-message.js';
import { BUTTON_EXPIRED, BUTTON_FAILED, BUTTON_REFUSED } from '../actions/card-actions.js';
import type { ListenerRegistry } from '../listener-registry.js';

const modal = (blocks: KnownBlock[]): ModalView => ({
  type: 'modal',
  title: { type: 'plain_text', text: 'Access denial' },
  close: { type: 'plain_text', text: 'Close' },
  // A modal holds 100 blocks; a card is built for a 50-block message.
  blocks: blocks.slice(0, 100),
});

/**
 * *Explain* next to a denial in the App Home. A Home tab click has no response_url, so the answer is
 * a modal only the clicker sees: opened at once (the trigger expires in 3 s), then filled with the
 * card — full for the event's subject and staff, redacted for anyone else, without buttons (a modal
 * has nowhere to reply in).
 */
export function registerExplainFromHome(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  listeners.action(ACTION_IDS.explainFailedLogin, async ({ ack, action, body, client, logger }) => {
    await ack();
    const decoded = deps.buttons.decode(ACTION_IDS.explainFailedLogin, action.value);
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: modal([
        section(
          decoded.ok
            ? `Looking up \`${decoded.value.r}\`…`
            : decoded.reason === 'tampered'
              ? BUTTON_REFUSED
              : BUTTON_EXPIRED,
        ),
      ]),
    });
    if (!decoded.ok) {
      logger.warn(`button ${ACTION_IDS.explainFailedLogin} refused: ${decoded.reason} value`);
      return;
    }
    const viewId = opened.view?.id;
    const show = async (blocks: KnownBlock[]) => {
      if (viewId) await client.views.update({ view_id: viewId, view: modal(blocks) });
    };
    const viewer: Viewer = {
      userId: body.user.id,
      teamId: body.team?.id ?? body.user.team_id,
      surface: 'home',
    };
    try {
      const { report } = await lookUpFor(
        deps,
        viewer,
        { text: decoded.value.r, anchor: tsToDate(decoded.value.a) },
        { kind: 'private' },
      );
      await show(renderReport(report, { now: deps.now() }).blocks);
    } catch (error) {
      deps.onUnexpected(error);
      await show([section(BUTTON_FAILED)]).catch(() => undefined);
    }
  });
}
