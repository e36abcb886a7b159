import type { App } from '@slack/bolt';
import { renderHome } from '../../blocks/render-home.js';
import type { ListenerDependencies } from '../../dependencies.js';
import { checkStaffChannels } from '../../staff-channels.js';

/** The App Home tab: usage and a live check of the Cloudflare token and watched channels (staff: staff channels too). */
export function registerAppHome(app: App, deps: ListenerDependencies): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const [checks, staff] = await Promise.all([deps.checkConfiguration(), deps.audience.isStaff(event.user)]);
    const staffChannels = staff ? await checkStaffChannels(client, [...deps.staffChannelIds]) : undefined;
    await client.views.publish({
      user_id: event.user,
      view: renderHome({
        checks,
        helpdeskChannelIds: [...deps.helpdeskChannelIds],
        checkedAt: deps.now(),
        staffChannels,
      }),
    });
  });
}
