import type { webApi } from '@slack/bolt';

/** One finding about a `HELPDESK_STAFF_CHANNEL_IDS` channel; `ok: false` means full cards there may leak. */
export interface StaffChannelCheck {
  channelId: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks with `conversations.info` that every staff channel is private: full cards are posted there,
 * so anyone who can read it sees every detail. A public channel, one the bot cannot see, or a failed
 * check is reported (the operator fixes the setting); the channels stay configured as given.
 */
export async function checkStaffChannels(
  client: webApi.WebClient,
  channelIds: readonly string[],
): Promise<StaffChannelCheck[]> {
  return Promise.all(
    channelIds.map(async (channelId): Promise<StaffChannelCheck> => {
      try {
        const { channel } = await client.conversations.info({ channel: channelId });
        if (channel?.is_private === true)
          return { channelId, ok: true, detail: 'private: full cards are posted here' };
        return {
          channelId,
          ok: false,
          detail:
            'is not private: everyone in the workspace can read it. Full cards with emails and IPs are ' +
            'posted there — remove it from HELPDESK_STAFF_CHANNEL_IDS or make it a private staff channel',
        };
      } catch (error) {
        const code = (error as { data?: { error?: unknown } }).data?.error;
        return {
          channelId,
          ok: false,
          detail:
            `could not be checked (${typeof code === 'string' ? code : 'no answer from Slack'}): invite ` +
            '@access-why to the channel and make sure the app has the groups:read scope',
        };
      }
    }),
  );
}
