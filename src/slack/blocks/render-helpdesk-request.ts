import type { ActionsBlock, KnownBlock } from '@slack/types';
import { type CauseCategory, causeCategory, redactResult } from '../../core/explain/redact.js';
import type { RayIdResult } from '../../core/report.js';
import type { ButtonCodec } from '../button-codec.js';
import { CAUSE_LABELS } from './cause-labels.js';
import { context, fieldsSection, section, slackDateFromIso } from './compose.js';
import { inlineCode, safeText } from './escape.js';
import { ACTION_IDS } from './render-actions.js';
import type { RenderedMessage } from './render-report.js';
import { appLabel } from './render-result.js';

/** Plain words per cause category, for a public post that names no person's details. */
const CATEGORY_LABELS: Record<CauseCategory, string> = {
  allowed: 'not an Access denial',
  identity: 'account, groups or sign-in method',
  device: 'device (WARP, Gateway, certificate or posture)',
  network: 'network or country',
  service_token: 'service token',
  blocked: 'a Block or Exclude rule',
  unknown: 'needs an admin to look',
};

/** Slack user ids as Slack sends them; anything else is never put inside `<@…>`. */
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

export interface HelpdeskRequest {
  /** The clicker, as Slack verified them (never taken from a button value or an API row). */
  requesterId: string;
  /** The denial they ask about; it is redacted here whatever the caller passes. */
  result: Extract<RayIdResult, { outcome: 'allowed' | 'denied' }>;
  codec: ButtonCodec;
  /** Where the Ray ID's search starts (the ts of the message it came from). */
  anchorTs?: string | undefined;
}

/**
 * The public post "Ask the helpdesk" makes: who asks (a mention built from the verified clicker id),
 * the app, the cause category and the Ray ID — nothing identifying beyond the requester — and a
 * *Details* button that shows staff (and the requester) the full card privately.
 */
export function renderHelpdeskRequest(request: HelpdeskRequest): RenderedMessage {
  if (!USER_ID.test(request.requesterId)) throw new Error('not a Slack user id');
  const mention = `<@${request.requesterId}>`;
  const hidden = redactResult(request.result);
  const shown = hidden.outcome === 'denied' || hidden.outcome === 'allowed' ? hidden : request.result;
  const cause = shown.explanation.cause;
  const app = safeText(appLabel(shown.event, shown.names), 150);
  const details: ActionsBlock = {
    type: 'actions',
    block_id: `helpdesk_request_${shown.rayId}`,
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.details,
        text: { type: 'plain_text', text: 'Details (staff and the user)', emoji: true },
        style: 'primary',
        value: request.codec.encode(ACTION_IDS.details, {
          r: shown.rayId,
          ...(request.anchorTs ? { a: request.anchorTs } : {}),
        }),
      },
    ],
  };
  const blocks: KnownBlock[] = [
    section(`🙋 ${mention} asks the helpdesk about an Access denial.`),
    fieldsSection([
      `*App*\n${app}`,
      `*Cause*\n${safeText(CAUSE_LABELS[cause], 100)} (${CATEGORY_LABELS[causeCategory(cause)]})`,
      `*Ray ID*\n${inlineCode(shown.rayId, 40)}`,
      `*When*\n${shown.event.datetime ? slackDateFromIso(shown.event.datetime) : '—'}`,
    ]),
    details,
    context('Helpdesk: *Details* shows you the full card privately. Answer in this thread.'),
  ];
  return {
    text: `${mention} asks the helpdesk about Access denial ${shown.rayId} (${safeText(appLabel(shown.event, shown.names), 80)})`,
    blocks,
  };
}
