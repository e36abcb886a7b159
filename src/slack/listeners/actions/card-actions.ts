import type { BlockButtonAction, RespondFn, webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { divider } from '../../blocks/compose.js';
import { checkBlockKitLimits } from '../../blocks/limits.js';
import { ACTION_IDS, type CardOffers, renderCardActions } from '../../blocks/render-actions.js';
import { isFound, renderRawEvent } from '../../blocks/render-extras.js';
import { renderReport } from '../../blocks/render-report.js';
import { renderFailedLogins } from '../../blocks/render-result.js';
import type { ButtonValue } from '../../button-codec.js';
import type { Destination, ListenerDependencies, Viewer } from '../../dependencies.js';
import { askableDenials, lookUpFor } from '../../lookup.js';
import { tsToDate } from '../../slack-message.js';
import type { ListenerRegistry } from '../listener-registry.js';

interface ButtonContext {
  value: ButtonValue;
  /** The card the button sits on is private to the clicker. */
  ephemeral: boolean;
  viewer: Viewer;
  respond: RespondFn;
  body: BlockButtonAction;
  client: webApi.WebClient;
}

type Message = { text: string; blocks: KnownBlock[] };

export const BUTTON_REFUSED =
  'This button was not made by access-why, or it was changed on the way, so nothing was done. ' +
  'Ask again with `/access-why <Ray ID>`.';
export const BUTTON_EXPIRED =
  'This button is from an older version of access-why and no longer works. Ask again with `/access-why <Ray ID>`.';
export const BUTTON_FAILED =
  'Something went wrong with that button; the bot logged it. Ask again with `/access-why <Ray ID>`.';
export const SEARCH_FURTHER_STAFF_ONLY =
  'Only helpdesk staff can search further back (each search costs several Cloudflare queries). ' +
  'Ask in the helpdesk channel and share the Ray ID.';

/** The card again for this viewer and destination, with the buttons that make sense there. */
async function card(
  deps: ListenerDependencies,
  viewer: Viewer,
  value: ButtonValue,
  destination: Destination,
  options: {
    offers: (staff: boolean, ownDenials: ReadonlySet<string>) => CardOffers;
    searchToRetention?: boolean;
  },
) {
  const { report, staff, ownDenials } = await lookUpFor(
    deps,
    viewer,
    { text: value.r, anchor: tsToDate(value.a), searchToRetention: options.searchToRetention },
    destination,
  );
  const offers = options.offers(staff, ownDenials);
  const message = renderReport(report, {
    now: deps.now(),
    actions: (result) =>
      renderCardActions(result, { codec: deps.buttons, threadTs: value.t, anchorTs: value.a, ...offers }),
  });
  return { report, message };
}

/** Replaces a private card in place; on a public card, answers only the person who clicked. */
async function answer(respond: RespondFn, ephemeralCard: boolean, message: Message) {
  await respond(
    ephemeralCard
      ? { replace_original: true, ...message }
      : { response_type: 'ephemeral', replace_original: false, ...message },
  );
}

const tellClicker = (respond: RespondFn, text: string) =>
  respond({ response_type: 'ephemeral', replace_original: false, text });

/**
 * The card's buttons: each acks at once, checks the value's signature, re-runs the (cached) lookup
 * for the clicker, and answers. What the answer shows is judged by the clicker and the channel the
 * click came from — never by anything inside the button value.
 */
export function registerCardActions(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  const on = (actionId: string, handle: (context: ButtonContext) => Promise<void>) =>
    listeners.action(actionId, async ({ ack, action, body, respond, client, logger }) => {
      await ack();
      const decoded = deps.buttons.decode(actionId, action.value);
      if (!decoded.ok) {
        logger.warn(`button ${actionId} refused: ${decoded.reason} value`);
        await tellClicker(respond, decoded.reason === 'tampered' ? BUTTON_REFUSED : BUTTON_EXPIRED).catch(
          () => undefined,
        );
        return;
      }
      const viewer: Viewer = {
        userId: body.user.id,
        teamId: body.team?.id ?? body.user.team_id,
        channelId: body.channel?.id,
        surface: 'button',
      };
      try {
        await handle({
          value: decoded.value,
          ephemeral: body.container.is_ephemeral === true,
          viewer,
          respond,
          body,
          client,
        });
      } catch (error) {
        deps.onUnexpected(error);
        await tellClicker(respond, BUTTON_FAILED).catch(() => undefined);
      }
    });

  const privately = { kind: 'private' } as const;
  const privateOffers = (share: boolean) => (staff: boolean, ownDenials: ReadonlySet<string>) => ({
    share,
    searchFurther: staff || deps.searchFurther === 'everyone',
    askHelpdesk: askableDenials(deps, ownDenials),
  });

  on(ACTION_IDS.share, async ({ value, viewer, respond, body, client }) => {
    // Only where the click happened: the private card sits in the channel it was asked in.
    const channel = body.channel?.id;
    if (!channel) {
      await tellClicker(respond, 'There is no channel to share this card in.');
      return;
    }
    const { message } = await card(
      deps,
      viewer,
      value,
      { kind: 'channel', channelId: channel },
      { offers: () => ({ details: true, searchFurther: true }) },
    );
    try {
      await client.chat.postMessage({ channel, ...(value.t ? { thread_ts: value.t } : {}), ...message });
    } catch {
      await tellClicker(
        respond,
        'I could not post in that channel. Invite @access-why to it (`/invite @access-why`) and try again.',
      );
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

  on(ACTION_IDS.details, async ({ value, viewer, respond }) => {
    const { message } = await card(deps, viewer, value, privately, { offers: privateOffers(false) });
    await answer(respond, false, message);
  });

  on(ACTION_IDS.searchFurther, async ({ value, ephemeral, viewer, respond }) => {
    if (deps.searchFurther !== 'everyone' && !(await deps.audience.isStaff(viewer.userId))) {
      await tellClicker(respond, SEARCH_FURTHER_STAFF_ONLY);
      return;
    }
    const { message } = await card(deps, viewer, value, privately, {
      offers: privateOffers(ephemeral),
      searchToRetention: true,
    });
    await answer(respond, ephemeral, message);
  });

  on(ACTION_IDS.rawEvent, async ({ value, ephemeral, viewer, respond }) => {
    const { report, message } = await card(deps, viewer, value, privately, {
      offers: privateOffers(ephemeral),
    });
    const result = report.results[0];
    // A redacted result has no raw row to show; its card says why.
    if (!isFound(result) || result.redacted) return answer(respond, ephemeral, message);
    const withRaw = { text: message.text, blocks: [...message.blocks, divider(), ...renderRawEvent(result)] };
    const raw = { text: message.text, blocks: renderRawEvent(result) };
    await answer(respond, ephemeral, checkBlockKitLimits(withRaw).length === 0 ? withRaw : raw);
  });

  on(ACTION_IDS.failedLogins, async ({ value, ephemeral, viewer, respond }) => {
    const { report, message } = await card(deps, viewer, value, privately, {
      offers: privateOffers(ephemeral),
    });
    const result = report.results[0];
    if (!isFound(result) || result.redacted) return answer(respond, ephemeral, message);
    await answer(respond, false, { text: message.text, blocks: renderFailedLogins(result) });
  });
}
