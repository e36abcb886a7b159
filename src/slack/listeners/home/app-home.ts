import { renderHome } from '../../blocks/render-home.js';
import { renderMyDenials } from '../../blocks/render-my-denials.js';
import type { ListenerDependencies } from '../../dependencies.js';
import { checkStaffChannels } from '../../staff-channels.js';
import type { ListenerRegistry } from '../listener-registry.js';
import { createMyDenials } from './my-denials.js';

/**
 * The App Home tab: usage, the viewer's own recent Access denials (each with *Explain*), and for
 * staff a live check of the Cloudflare token and the staff channels.
 */
export function registerAppHome(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  const myDenials = createMyDenials(deps);
  listeners.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const staff = await deps.audience.isStaff(event.user);
    const viewer = { userId: event.user, teamId: body.team_id, surface: 'home' } as const;
    const [denials, configuration] = await Promise.all([
      myDenials.get(viewer, staff),
      staff
        ? Promise.all([
            deps.checkConfiguration(),
            checkStaffChannels(client, [...deps.staffChannelIds]),
          ]).then(([checks, staffChannels]) => ({ checks, staffChannels }))
        : undefined,
    ]);
    await client.views.publish({
      user_id: event.user,
      view: renderHome({
        helpdeskChannelIds: [...deps.helpdeskChannelIds],
        checkedAt: deps.now(),
        myDenials: renderMyDenials(denials, deps.buttons),
        configuration,
      }),
    });
  });
}
