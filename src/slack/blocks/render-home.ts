import type { HomeView, KnownBlock } from '@slack/types';
import type { PermissionCheck } from '../../core/ports.js';
import { context, divider, header, section } from './compose.js';
import { safeText } from './escape.js';

export interface HomeState {
  /** Permission checks, or undefined when the check itself could not run. */
  checks: PermissionCheck[] | undefined;
  /** Watched helpdesk channel ids (validated config, safe to mention). */
  helpdeskChannelIds: readonly string[];
  checkedAt: Date;
  /** Staff-channel checks (shown to staff only; absent for everyone else). */
  staffChannels?: ReadonlyArray<{ channelId: string; ok: boolean; detail: string }> | undefined;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

/** The App Home tab: how to use the bot and whether its configuration works. */
export function renderHome(state: HomeState): HomeView {
  const checks =
    state.checks === undefined
      ? 'Could not reach Cloudflare to check the token; see the bot’s log.'
      : state.checks
          .map((c) => `${c.ok ? '✅' : '❌'} *${safeText(c.permission, 100)}* — ${safeText(c.detail, 200)}`)
          .join('\n');
  const channels = state.helpdeskChannelIds.filter((id) => CHANNEL_ID.test(id));
  const blocks: KnownBlock[] = [
    header('access-why — why did Cloudflare Access block this?'),
    section(
      [
        '*Use it*',
        '• `/access-why 74e4ac510dfdc44f` — or `/access-why` followed by a whole pasted 403 page. Only you see the answer.',
        '• On any message: *More actions › Explain Access denial* (the message shortcut).',
        '• In a watched helpdesk channel: post or paste a 403 page; the bot answers in the thread.',
        '• Mention `@access-why` with a Ray ID anywhere it is invited.',
        'The Ray ID is the 16 hex digits at the bottom of the 403 page (“Ray ID: …”).',
      ].join('\n'),
    ),
    divider(),
    section(`*Cloudflare token*\n${checks}`, { verbatim: true }),
    section(
      channels.length > 0
        ? `*Watched helpdesk channels*\n${channels.map((id) => `<#${id}>`).join(' ')}`
        : '*Watched helpdesk channels*\nNone (set `HELPDESK_CHANNEL_IDS` and invite the bot).',
    ),
    ...(state.staffChannels === undefined
      ? []
      : [
          section(
            state.staffChannels.length === 0
              ? '*Staff channels (full cards)*\nNone: every card posted in a channel is redacted (set `HELPDESK_STAFF_CHANNEL_IDS`).'
              : `*Staff channels (full cards)*\n${state.staffChannels
                  .filter((c) => CHANNEL_ID.test(c.channelId))
                  .map((c) => `${c.ok ? '✅' : '⚠️'} <#${c.channelId}> ${safeText(c.detail, 300)}`)
                  .join('\n')}`,
          ),
        ]),
    context(
      `Checked ${state.checkedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC · reopen this tab to check again`,
    ),
  ];
  return { type: 'home', blocks };
}
