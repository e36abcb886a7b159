import type { HomeView, KnownBlock } from '@slack/types';
import type { PermissionCheck } from '../../core/ports.js';
import { context, divider, header, section } from './compose.js';
import { safeText } from './escape.js';

/** What only helpdesk staff see: whether the bot's configuration works. */
export interface HomeConfiguration {
  /** Permission checks, or undefined when the check itself could not run. */
  checks: PermissionCheck[] | undefined;
  staffChannels: ReadonlyArray<{ channelId: string; ok: boolean; detail: string }>;
}

export interface HomeState {
  /** Watched helpdesk channel ids (validated config, safe to mention). */
  helpdeskChannelIds: readonly string[];
  checkedAt: Date;
  /** The viewer's own recent denials (render-my-denials.ts). */
  myDenials: KnownBlock[];
  /** Staff only; absent for everyone else. */
  configuration?: HomeConfiguration | undefined;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

function configurationBlocks(configuration: HomeConfiguration): KnownBlock[] {
  const checks =
    configuration.checks === undefined
      ? 'Could not reach Cloudflare to check the token; see the bot’s log.'
      : configuration.checks
          .map((c) => `${c.ok ? '✅' : '❌'} *${safeText(c.permission, 100)}* — ${safeText(c.detail, 200)}`)
          .join('\n');
  return [
    divider(),
    section('*Configuration* (shown to helpdesk staff)'),
    section(`*Cloudflare token*\n${checks}`, { verbatim: true }),
    section(
      configuration.staffChannels.length === 0
        ? '*Staff channels (full cards)*\nNone: every card posted in a channel is redacted (set `HELPDESK_STAFF_CHANNEL_IDS`).'
        : `*Staff channels (full cards)*\n${configuration.staffChannels
            .filter((c) => CHANNEL_ID.test(c.channelId))
            .map((c) => `${c.ok ? '✅' : '⚠️'} <#${c.channelId}> ${safeText(c.detail, 300)}`)
            .join('\n')}`,
    ),
  ];
}

/** The App Home tab: how to use the bot, the viewer's own recent denials, and (staff) whether the configuration works. */
export function renderHome(state: HomeState): HomeView {
  const channels = state.helpdeskChannelIds.filter((id) => CHANNEL_ID.test(id));
  const blocks: KnownBlock[] = [
    header('access-why — why did Cloudflare Access block this?'),
    section(
      [
        '*Use it*',
        '• `/access-why 74e4ac510dfdc44f` — or `/access-why` followed by a whole pasted 403 page. Only you see the answer.',
        '• On any message: *More actions › Explain Access denial* (the message shortcut).',
        '• In a watched helpdesk channel: post or paste a 403 page, or a screenshot of it; the bot answers in the thread.',
        '• Mention `@access-why` with a Ray ID anywhere it is invited.',
        'The Ray ID is the 16 hex digits at the bottom of the 403 page (“Ray ID: …”).',
      ].join('\n'),
    ),
    divider(),
    ...state.myDenials.slice(0, 12),
    divider(),
    section(
      channels.length > 0
        ? `*Watched helpdesk channels*\n${channels.map((id) => `<#${id}>`).join(' ')}`
        : '*Watched helpdesk channels*\nNone (set `HELPDESK_CHANNEL_IDS` and invite the bot).',
    ),
    ...(state.configuration ? configurationBlocks(state.configuration) : []),
    context(
      `Checked ${state.checkedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC · reopen this tab to check again`,
    ),
  ];
  return { type: 'home', blocks };
}
