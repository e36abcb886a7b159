import { z } from 'zod';

/** The fields of a Slack `message` or `app_mention` event the bot reads; Slack sends many more. */
const slackMessageSchema = z.looseObject({
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
});
export type SlackMessage = z.infer<typeof slackMessageSchema>;

/** Subtypes that are a person posting something new; edits, deletions, joins and bot posts are not. */
const NEW_POST_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** The message when it is a new post by a person (not a bot, not this app, not an edit); else undefined. */
export function toHumanPost(event: unknown, botUserId: string | undefined): SlackMessage | undefined {
  const parsed = slackMessageSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const message = parsed.data;
  if (!NEW_POST_SUBTYPES.has(message.subtype)) return undefined;
  if (message.bot_id !== undefined || 'bot_profile' in message) return undefined;
  if (message.user === undefined || message.user === botUserId) return undefined;
  return message;
}

/** A Slack timestamp (`1700000000.000100`) as a Date. */
export function tsToDate(ts: string | undefined): Date | undefined {
  if (ts === undefined) return undefined;
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined;
}
