import type { KnownBlock, SectionBlock } from '@slack/types';
import type { RayIdResult } from '../../core/report.js';
import type { ButtonCodec } from '../button-codec.js';
import { CAUSE_LABELS } from './cause-labels.js';
import { section, slackDateFromIso } from './compose.js';
import { inlineCode, safeText } from './escape.js';
import { ACTION_IDS } from './render-actions.js';

/** One of the viewer's recent failed logins, with what the use case made of it. */
export interface DenialRow {
  rayId: string;
  datetime: string;
  /** From Cloudflare: untrusted, escaped here. */
  appName?: string | undefined;
  /** The lookup's result for this Ray ID; absent when it was not looked up. */
  result?: RayIdResult | undefined;
}

/** What the Home tab can say about the viewer's own recent denials. */
export type MyDenials =
  | { kind: 'no_email' }
  | { kind: 'no_access_user' }
  | { kind: 'none' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'listed'; rows: DenialRow[] };

const TITLE = '*My recent Access denials*';

/** The one-line cause of a row: plain, unescaped. */
export function toCauseLine(result: RayIdResult | undefined): string {
  if (!result) return 'Not explained yet: press Explain.';
  switch (result.outcome) {
    case 'allowed':
    case 'denied':
      return `${CAUSE_LABELS[result.explanation.cause]}: ${result.explanation.userMessage}`;
    case 'not_found':
      return result.notFound.maybeTooRecent
        ? 'Not in Access analytics yet (it lags about a minute): press Explain again soon.'
        : 'No Access login row for it in the searched range.';
    case 'error':
      return result.failure.message;
  }
}

/** A Slack-style `seconds.micros` ts for a login time, so the Explain button's search starts there. */
export function toAnchorTs(datetime: string): string | undefined {
  const ms = Date.parse(datetime);
  return Number.isFinite(ms) && ms > 0 ? `${Math.floor(ms / 1000)}.000000` : undefined;
}

function row(denial: DenialRow, codec: ButtonCodec): SectionBlock {
  const anchor = toAnchorTs(denial.datetime);
  const app = denial.appName ? safeText(denial.appName, 80) : 'an Access app';
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      verbatim: true,
      text:
        `🚫 *${app}* · ${slackDateFromIso(denial.datetime)} · ${inlineCode(denial.rayId, 40)}\n` +
        safeText(toCauseLine(denial.result), 300),
    },
    accessory: {
      type: 'button',
      action_id: ACTION_IDS.explainFailedLogin,
      text: { type: 'plain_text', text: 'Explain', emoji: true },
      value: codec.encode(ACTION_IDS.explainFailedLogin, {
        r: denial.rayId,
        ...(anchor ? { a: anchor } : {}),
      }),
    },
  };
}

/** The Home tab's section on the viewer's own failed logins; every case says plainly what it found. */
export function renderMyDenials(denials: MyDenials, codec: ButtonCodec): KnownBlock[] {
  switch (denials.kind) {
    case 'no_email':
      return [
        section(
          `${TITLE}\nYour Slack profile shows the bot no email address, so it cannot find your Access logins.`,
        ),
      ];
    case 'no_access_user':
      return [
        section(
          `${TITLE}\nCloudflare Access has no user with your Slack email: you have not signed in through Access with it yet.`,
        ),
      ];
    case 'none':
      return [section(`${TITLE}\nNo recent failed Access logins for you. 🎉`)];
    case 'unavailable':
      return [section(`${TITLE}\nCould not read them just now: ${safeText(denials.message, 300)}`)];
    case 'listed':
      return [
        section(`${TITLE}\nNewest first. *Explain* shows the full card (only you see it).`),
        ...denials.rows.map((denial) => row(denial, codec)),
      ];
  }
}
