import type { KnownBlock } from '@slack/types';
import type { LookupErrorCode, LookupFailure } from '../../core/errors.js';
import type { RayIdResult } from '../../core/report.js';
import type { RenderResultOptions } from './card-parts.js';
import { BUDGET, EMOJI, footer } from './card-parts.js';
import { header, section, slackDate } from './compose.js';
import { inlineCode, safeText } from './escape.js';

type ErrorResult = Extract<RayIdResult, { outcome: 'error' }>;

function waitText(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

const STATUS_PAGE = 'https://www.cloudflarestatus.com';

/** One admin action per failure code; a new code fails to compile until it has one. */
const ADMIN_ACTIONS: Record<LookupErrorCode, (failure: LookupFailure, now: Date) => string> = {
  cloudflare_auth: () =>
    'Cloudflare rejected the API token (wrong, expired or revoked). Create or roll the token in the ' +
    'Cloudflare dashboard (My Profile › API Tokens), update the bot’s configuration and restart it.',
  cloudflare_permission: (failure) => {
    const permission =
      failure.permission !== undefined && failure.permission.trim() !== ''
        ? `*${safeText(failure.permission, 150)}*`
        : 'the permission named above';
    return (
      'Edit the API token in the Cloudflare dashboard (My Profile › API Tokens) and add ' +
      `${permission}, scoped to this account. No restart is needed.`
    );
  },
  upstream_rate_limited: (failure, now) => {
    const seconds = failure.retryAfterSeconds;
    // A Retry-After beyond a day is noise, not a schedule; don't turn it into a date.
    const when =
      seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 && seconds <= 86_400
        ? `try again in ${waitText(Math.ceil(seconds))} (after ${slackDate(new Date(now.getTime() + Math.ceil(seconds) * 1000), '{time_secs}')})`
        : 'try again in a few minutes';
    return (
      `Cloudflare's rate limit (or the bot's own budget that keeps it under it) is used up; ${when}. ` +
      'If this happens often, other tools may share the token: give the bot its own, or raise ' +
      'CLOUDFLARE_GRAPHQL_BUDGET / CLOUDFLARE_REST_BUDGET if the account allows.'
    );
  },
  upstream_unavailable: () => `Cloudflare's API is failing; check ${STATUS_PAGE} and retry.`,
  upstream_timeout: () =>
    `Cloudflare didn't answer in time. Retry in a minute; if it keeps happening, check ${STATUS_PAGE} ` +
    'or lower the bot’s look-back so each lookup needs fewer queries.',
  upstream_bad_response: () =>
    'Cloudflare sent an answer the bot could not read. Retry; if it persists, the bot’s logs hold the ' +
    'detail (kept out of Slack) — report it to whoever runs the bot.',
  upstream_query_error: () =>
    'Cloudflare rejected the bot’s analytics query. This usually means the account’s plan or the dataset ' +
    'settings changed; the bot’s logs hold the detail (kept out of Slack).',
  dataset_unavailable: () =>
    'The Access login dataset (`accessLoginRequestsAdaptiveGroups`) is not available to this token or ' +
    'account. Check that Zero Trust is enabled on the account and that the token has *Account Analytics: Read*.',
  config_invalid: () =>
    'The bot’s configuration is invalid; the message above names the setting. Fix it in the bot’s ' +
    'environment and restart the bot.',
  interrupted: () =>
    'Nothing to fix: the bot was restarted (a deploy or its supervisor) while this lookup ran. Ask again; ' +
    'if restarts cut lookups short often, raise SHUTDOWN_DRAIN_MS.',
};

export function renderError(result: ErrorResult, options: RenderResultOptions): KnownBlock[] {
  const { failure } = result;
  return [
    header(`${EMOJI.error} Couldn't look up Ray ${result.rayId}`),
    section(safeText(failure.message, BUDGET.summary), { verbatim: true }),
    // Only the permission name is API data; the other texts are ours and may auto-link the status page.
    section(`*What the admin can do*\n${ADMIN_ACTIONS[failure.code](failure, options.now)}`, {
      verbatim: failure.code === 'cloudflare_permission',
    }),
    footer(result.rayId, `error ${inlineCode(failure.code, 40)}`),
  ];
}

/** The card for one Ray ID: found (allowed/denied), not found, or a failed lookup. */
/** A card's worth of the user's recent failed logins (the "Recent failed logins" button). */
