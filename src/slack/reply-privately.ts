import type { RespondFn, webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';

/**
 * Answers only the asker through `response_url`; when that fails (expired after 30 minutes or 5 uses),
 * falls back to `chat.postEphemeral` in the same channel. Returns false when neither worked.
 */
export async function replyPrivately(
  respond: RespondFn,
  client: webApi.WebClient,
  where: { channel: string; user: string },
  message: { text: string; blocks: KnownBlock[] },
): Promise<boolean> {
  try {
    await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    return true;
  } catch {
    try {
      await client.chat.postEphemeral({ channel: where.channel, user: where.user, ...message });
      return true;
    } catch {
      return false;
    }
  }
}
