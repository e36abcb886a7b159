import type { App, BlockButtonAction, RespondFn, webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { divider } from '../../blocks/compose.js';
import { checkBlockKitLimits } from '../../blocks/limits.js';
import {
  ACTION_IDS,
  type ButtonValue,
  parseButtonValue,
  renderCardActions,
} from '../../blocks/render-actions.js';
import { isFound, renderRawEvent } from '../../blocks/render-extras.js';
import { renderReport } from '../../blocks/render-report.js';
import { renderFailedLogins } from '../../blocks/render-result.js';
import type { ListenerDependencies, Viewer } from '../../dependencies.js';
import { lookUpFor } from '../../lookup.js';
import { tsToDate } from '../../slack-message.js';

interface ButtonContext {
  value: ButtonValue;
  /** The card the button sits on is private to the clicker. */
  ephemeral: boolean;
  viewer: Viewer;
  respond: RespondFn;
  body: BlockButtonAction;
  client: webApi.WebClient;
}

/** The card again for this viewer, with the buttons that still make sense (`share: false` once public). */
async function card(
  deps: ListenerDependencies,
  viewer: Viewer,
  value: ButtonValue,
  options: { share: boolean; searchToRetention?: boolean },
) {
  const report = await lookUpFor(deps, viewer, {
    text: value.r,
    anchor: tsToDate(value.a),
    searchToRetention: options.searchToRetention,
  });
  const shareTo = options.share && value.c ? { channel: value.c, threadTs: value.t } : undefined;
  const message = renderReport(report, {
    now: deps.now(),
    actions: (result) => renderCardActions(result, { ...(shareTo ? { shareTo } : {}), anchorTs: value.a }),
  });
  return { report, message };
}

/** Replaces a private card in place; on a public card, answers only the person who clicked. */
async function answer(
  respond: RespondFn,
  ephemeralCard: boolean,
  message: { text: string; blocks: KnownBlock[] },
) {
  await respond(
    ephemeralCard
      ? { replace_original: true, ...message }
      : { response_type: 'ephemeral', replace_original: false, ...message },
  );
}

/** The card's buttons: each acks at once, re-runs the (cached) lookup for the clicker, and updates the message. */
export function registerCardActions(app: App, deps: ListenerDependencies): void {
  const on = (actionId: string, handle: (context: ButtonContext) => Promise<void>) =>
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, respond, client, logger }) => {
      await ack();
      const value = parseButtonValue(action.value);
      if (!value) return;
      const viewer: Viewer = {
        userId: body.user.id,
        teamId: body.team?.id,
        channelId: body.channel?.id,
        surface: 'button',
      };
      try {
        await handle({
          value,
          ephemeral: body.container.is_ephemeral === true,
          viewer,
          respond,
          body,
          client,
        });
      } catch (error) {
        logger.warn(`button ${actionId} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
    });

  on(ACTION_IDS.share, async ({ value, viewer, respond, body, client }) => {
    if (!value.c) return;
    // What the channel will see is judged for the sharer in that channel, as if they had posted it.
    const { message } = await card(deps, { ...viewer, channelId: value.c }, value, { share: false });
    try {
      await client.chat.postMessage({
        channel: value.c,
        ...(value.t ? { thread_ts: value.t } : {}),
        ...message,
      });
    } catch {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'I could not post in that channel. Invite @access-why to it (`/invite @access-why`) and try again.',
      });
      return;
    }
    const note: KnownBlock = {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `✅ Shared by <@${body.user.id}>.` }],
    };
    await respond({
      replace_original: true,
      text: message.text,
      blocks: [...message.blocks.slice(0, 49), note],
    });
  });

  on(ACTION_IDS.searchFurther, async ({ value, ephemeral, viewer, respond }) => {
    const { message } = await card(deps, viewer, value, { share: ephemeral, searchToRetention: true });
    await answer(respond, ephemeral, message);
  });

  on(ACTION_IDS.rawEvent, async ({ value, ephemeral, viewer, respond }) => {
    const { report, message } = await card(deps, viewer, value, { share: ephemeral });
    const result = report.results[0];
    // A redacted result has no raw row to show; its card says why.
    if (!isFound(result) || result.redacted) return answer(respond, ephemeral, message);
    const withRaw = { text: message.text, blocks: [...message.blocks, divider(), ...renderRawEvent(result)] };
    const raw = { text: message.text, blocks: renderRawEvent(result) };
    await answer(respond, ephemeral, checkBlockKitLimits(withRaw).length === 0 ? withRaw : raw);
  });

  on(ACTION_IDS.failedLogins, async ({ value, ephemeral, viewer, respond }) => {
    const { report, message } = await card(deps, viewer, value, { share: ephemeral });
    const result = report.results[0];
    if (!isFound(result) || result.redacted) return answer(respond, ephemeral, message);
    await answer(respond, false, { text: message.text, blocks: renderFailedLogins(result) });
  });
}
