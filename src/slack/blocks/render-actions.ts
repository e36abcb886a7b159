import type { ActionsBlock, Button } from '@slack/types';
import type { RayIdResult } from '../../core/report.js';
import type { ButtonCodec, ButtonValue } from '../button-codec.js';

/** Button action ids; the manifest needs no entry for them, but the registration test checks them. */
export const ACTION_IDS = {
  share: 'share_in_thread',
  details: 'show_details',
  searchFurther: 'search_further_back',
  rawEvent: 'show_raw_event',
  failedLogins: 'recent_failed_logins',
  askHelpdesk: 'ask_helpdesk',
  explainFailedLogin: 'explain_failed_login',
} as const;

/** Which buttons a card may carry where it is shown. */
export interface CardOffers {
  /** A private card: "Share in thread" posts it (judged for that channel) where it was asked. */
  share?: boolean;
  /** A public card: a redacted one offers "Details", which answers each clicker privately. */
  details?: boolean;
  /** "Search further back" (staff only unless configured otherwise; checked again on click). */
  searchFurther?: boolean;
  /**
   * A private card: the Ray IDs of the viewer's own denials, which get "Ask the helpdesk" (absent
   * when no helpdesk channel takes requests). Checked again on click.
   */
  askHelpdesk?: ReadonlySet<string> | undefined;
}

export interface CardActionsContext extends CardOffers {
  /** Signs every button value, so a click can be trusted to carry what the bot wrote. */
  codec: ButtonCodec;
  /** Thread a shared card replies in (the shortcut's message thread). */
  threadTs?: string | undefined;
  /** ts of the message the Ray ID came from: where the search starts. */
  anchorTs?: string | undefined;
}

function button(
  codec: ButtonCodec,
  actionId: string,
  text: string,
  value: ButtonValue,
  primary = false,
): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text, emoji: true },
    value: codec.encode(actionId, value),
    ...(primary ? { style: 'primary' as const } : {}),
  };
}

/** The buttons under one card, or nothing when none applies. */
export function renderCardActions(
  result: RayIdResult,
  context: CardActionsContext,
): ActionsBlock | undefined {
  const value: ButtonValue = {
    r: result.rayId,
    ...(context.threadTs ? { t: context.threadTs } : {}),
    ...(context.anchorTs ? { a: context.anchorTs } : {}),
  };
  const add = (actionId: string, text: string, primary = false) =>
    buttons.push(button(context.codec, actionId, text, value, primary));
  const buttons: Button[] = [];
  const redacted = result.outcome !== 'error' && result.redacted === true;
  if (context.share && result.outcome !== 'error') add(ACTION_IDS.share, 'Share in thread', true);
  if (result.outcome === 'denied' && context.askHelpdesk?.has(result.rayId))
    add(ACTION_IDS.askHelpdesk, 'Ask the helpdesk', !context.share);
  if (context.details && redacted) add(ACTION_IDS.details, 'Details (staff and the user)', true);
  if (
    context.searchFurther &&
    result.outcome === 'not_found' &&
    result.searched.limitedBy === 'configured_cap'
  )
    add(ACTION_IDS.searchFurther, 'Search further back');
  if ((result.outcome === 'allowed' || result.outcome === 'denied') && !redacted) {
    add(ACTION_IDS.rawEvent, 'Show raw event');
    if (result.event.userUuid !== '') add(ACTION_IDS.failedLogins, 'Recent failed logins');
  }
  if (buttons.length === 0) return undefined;
  return { type: 'actions', block_id: `card_actions_${result.rayId}`, elements: buttons };
}
