import type { ActionsBlock, Button } from '@slack/types';
import { z } from 'zod';
import type { RayIdResult } from '../../core/report.js';

/** Button action ids; the manifest needs no entry for them, but the registration test checks them. */
export const ACTION_IDS = {
  share: 'share_in_thread',
  searchFurther: 'search_further_back',
  rawEvent: 'show_raw_event',
  failedLogins: 'recent_failed_logins',
} as const;

/** What a button carries back: the Ray ID and where the card may be shared. Short keys: values are ≤ 2000. */
const buttonValueSchema = z.object({
  /** Ray ID */
  r: z.string().regex(/^[0-9a-f]{16}$/),
  /** channel to share into */
  c: z
    .string()
    .regex(/^[A-Z0-9]{1,32}$/)
    .optional(),
  /** thread ts to share into */
  t: z
    .string()
    .regex(/^\d{1,12}\.\d{1,8}$/)
    .optional(),
  /** ts of the message the Ray ID came from: where the search starts */
  a: z
    .string()
    .regex(/^\d{1,12}\.\d{1,8}$/)
    .optional(),
});
export type ButtonValue = z.infer<typeof buttonValueSchema>;

/** Reads a button's value; `undefined` for anything this bot did not write. */
export function parseButtonValue(value: string | undefined): ButtonValue | undefined {
  if (value === undefined || value.length > 2000) return undefined;
  try {
    const parsed = buttonValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface CardActionsContext {
  /** Where "Share in thread" posts; absent on a card that is already public. */
  shareTo?: { channel: string; threadTs?: string | undefined };
  /** ts of the message the Ray ID came from. */
  anchorTs?: string | undefined;
}

function button(actionId: string, text: string, value: ButtonValue, style?: 'primary'): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text, emoji: true },
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

/** The buttons under one card, or nothing when none applies. */
export function renderCardActions(
  result: RayIdResult,
  context: CardActionsContext,
): ActionsBlock | undefined {
  const value: ButtonValue = {
    r: result.rayId,
    ...(context.shareTo ? { c: context.shareTo.channel } : {}),
    ...(context.shareTo?.threadTs ? { t: context.shareTo.threadTs } : {}),
    ...(context.anchorTs ? { a: context.anchorTs } : {}),
  };
  const buttons: Button[] = [];
  if (context.shareTo && result.outcome !== 'error')
    buttons.push(button(ACTION_IDS.share, 'Share in thread', value, 'primary'));
  if (result.outcome === 'not_found' && result.searched.limitedBy === 'configured_cap') {
    buttons.push(button(ACTION_IDS.searchFurther, 'Search further back', value));
  }
  if (result.outcome === 'allowed' || result.outcome === 'denied') {
    buttons.push(button(ACTION_IDS.rawEvent, 'Show raw event', value));
    if (result.event.userUuid !== '')
      buttons.push(button(ACTION_IDS.failedLogins, 'Recent failed logins', value));
  }
  if (buttons.length === 0) return undefined;
  return { type: 'actions', block_id: `card_actions_${result.rayId}`, elements: buttons };
}
