import { LRUCache } from 'lru-cache';
import { toLookupFailure } from '../../../core/errors.js';
import type { MyDenials } from '../../blocks/render-my-denials.js';
import type { ListenerDependencies, Viewer } from '../../dependencies.js';
import { lookUpFor } from '../../lookup.js';

/** Rows the Home tab lists (each explained, so each costs a share of a lookup). */
export const MY_DENIALS_MAX = 5;

/**
 * The viewer's own recent failed logins, each explained through the same use case (one lookup for
 * all of them, on the viewer's budget share), remembered per user for a minute so that reopening
 * the tab costs nothing.
 */
export function createMyDenials(deps: ListenerDependencies, ttlMs = 60_000) {
  const cache = new LRUCache<string, MyDenials>({ max: 5_000, ttl: ttlMs });

  async function load(viewer: Viewer, staff: boolean): Promise<MyDenials> {
    const email = await deps.audience.emailOf(viewer.userId);
    if (!email) return { kind: 'no_email' };
    if (!deps.recentFailedLogins) return { kind: 'unavailable', message: 'this bot was built without it.' };
    let found: Awaited<ReturnType<NonNullable<ListenerDependencies['recentFailedLogins']>>>;
    try {
      found = await deps.recentFailedLogins(email, MY_DENIALS_MAX, { id: viewer.userId, staff });
    } catch (error) {
      return { kind: 'unavailable', message: toLookupFailure(error).message };
    }
    if (found.kind === 'no_access_user') return found;
    if (found.logins.length === 0) return { kind: 'none' };
    const logins = found.logins.slice(0, MY_DENIALS_MAX);
    const { report } = await lookUpFor(
      deps,
      viewer,
      { text: logins.map((l) => l.rayId).join('\n'), requesterEmail: email },
      { kind: 'private' },
    );
    const byRay = new Map(report.results.map((r) => [r.rayId, r]));
    return {
      kind: 'listed',
      rows: logins.map((login) => ({
        rayId: login.rayId,
        datetime: login.datetime,
        appName: login.appName,
        result: byRay.get(login.rayId),
      })),
    };
  }

  return {
    async get(viewer: Viewer, staff: boolean): Promise<MyDenials> {
      const cached = cache.get(viewer.userId);
      if (cached) return cached;
      const denials = await load(viewer, staff);
      // A passing failure (rate limit, outage) is not worth keeping: the next open tries again.
      if (denials.kind !== 'unavailable') cache.set(viewer.userId, denials);
      return denials;
    },
  };
}
