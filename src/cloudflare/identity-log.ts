import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import type { IdentityLogEntry, LogSearch } from '../core/ports.js';
import { PER_PAGE } from './list-limits.js';
import type { ListCut, RestClient } from './rest-client.js';
import type { CallScope } from './upstream-guard.js';

/**
 * One `access_requests` row. Every field is optional in the published spec (cloudflare-typescript
 * `AccessRequest`, developers.cloudflare.com/api/resources/zero_trust/subresources/access/
 * subresources/logs): a row without a Ray ID cannot answer a search and is counted, not fatal.
 */
const rowSchema = z.looseObject({
  action: z.string().nullish().catch(undefined),
  allowed: z.boolean().nullish().catch(undefined),
  app_domain: z.string().nullish().catch(undefined),
  app_uid: z.string().nullish().catch(undefined),
  connection: z.string().nullish().catch(undefined),
  created_at: z.string().nullish().catch(undefined),
  ip_address: z.string().nullish().catch(undefined),
  ray_id: z.string().nullish().catch(undefined),
  user_email: z.string().nullish().catch(undefined),
});
type Row = z.infer<typeof rowSchema>;

/** Pages read per walk of the window: 10 × 1 000 rows, enough for a busy account's day. */
const MAX_WALK_PAGES = 10;

export interface IdentityLogResult {
  found: Map<string, IdentityLogEntry>;
  /** Rows that could not be read (no Ray ID, or not an object). */
  skipped: number;
  /** Set when a walk stopped at its page or byte cap before the end of the window. */
  cut?: ListCut;
}

export interface IdentityLogSearch {
  /** Every request of the search runs within `scope` (see `RestClient`). */
  search(rayIds: readonly string[], search: LogSearch, scope?: CallScope): Promise<IdentityLogResult>;
}

const bareRayId = (rayId: string) => rayId.toLowerCase().replace(/-[a-z]{3}$/, '');

function toEntry(row: Row & { ray_id: string }): IdentityLogEntry {
  return {
    source: 'access_requests',
    rayId: bareRayId(row.ray_id),
    datetime: row.created_at ?? '',
    ...(row.allowed == null ? {} : { allowed: row.allowed }),
    ...(row.app_domain ? { appDomain: row.app_domain } : {}),
    ...(row.app_uid ? { appUid: row.app_uid } : {}),
    ...(row.user_email ? { userEmail: row.user_email } : {}),
    ...(row.ip_address ? { ipAddress: row.ip_address } : {}),
    ...(row.connection ? { connection: row.connection } : {}),
  };
}

/**
 * Searches Access's identity log (`/access/logs/access_requests`) for Ray IDs, as cheaply as the API
 * allows. The current API documents `page`/`per_page`, `email` with `email_exact`, and `eq`/`neq`
 * operators (`ray_idOp`, `app_uidOp`, …) for filters it names (cloudflare-typescript
 * `AccessRequestListParams`); a `ray_id` value parameter is not spelled out, so the bot tries
 * `ray_id` + `ray_idOp=eq` once, and if Cloudflare refuses it (HTTP 400) or ignores it (rows with
 * other Ray IDs come back), it remembers that for the life of the process and walks the window
 * instead: first the asker's own rows (`email` + `email_exact=true`), then every row, newest first.
 */
export function createIdentityLogSearch(
  rest: RestClient,
  accessPath: string,
  permission: string,
): IdentityLogSearch {
  const path = `${accessPath}/logs/access_requests`;
  /** Whether Cloudflare applies a `ray_id` filter: unknown until tried, then remembered. */
  let rayFilter: 'unknown' | 'works' | 'refused' = 'unknown';

  const window = (search: LogSearch) => ({
    since: search.since.toISOString(),
    until: search.until.toISOString(),
    direction: 'desc',
  });

  /** Keeps the wanted rows; `count` says whether unreadable rows are reported (walks only). */
  function collect(
    result: { items: Row[]; skipped: number },
    wanted: ReadonlySet<string>,
    into: IdentityLogResult,
    count: boolean,
  ) {
    if (count) into.skipped += result.skipped;
    for (const row of result.items) {
      if (!row.ray_id) {
        if (count) into.skipped += 1;
        continue;
      }
      const entry = toEntry({ ...row, ray_id: row.ray_id });
      if (wanted.has(entry.rayId) && !into.found.has(entry.rayId)) into.found.set(entry.rayId, entry);
    }
  }

  /** One filtered call per Ray ID; false when the filter turned out not to work. */
  async function byRayId(
    rayIds: readonly string[],
    search: LogSearch,
    into: IdentityLogResult,
    scope: CallScope | undefined,
  ) {
    const answers = await Promise.all(
      rayIds.map((rayId) =>
        rest
          .list(
            path,
            rowSchema,
            permission,
            {
              query: { ...window(search), ray_id: rayId, ray_idOp: 'eq' },
              perPage: PER_PAGE.accessRequests,
              maxPages: 1,
            },
            scope,
          )
          .then(
            (result) => ({ rayId, result }),
            (error: unknown) => {
              if (error instanceof LookupError && error.status === 400)
                return { rayId, refused: true as const };
              throw error;
            },
          ),
      ),
    );
    let works = true;
    for (const answer of answers) {
      if ('refused' in answer) {
        works = false;
        continue;
      }
      if (answer.result.items.some((row) => row.ray_id && bareRayId(row.ray_id) !== answer.rayId))
        works = false;
      collect(answer.result, new Set([answer.rayId]), into, false);
    }
    rayFilter = works ? 'works' : 'refused';
    return works;
  }

  async function walk(
    wanted: ReadonlySet<string>,
    query: Record<string, string>,
    into: IdentityLogResult,
    scope: CallScope | undefined,
  ): Promise<void> {
    const missing = () => [...wanted].some((rayId) => !into.found.has(rayId));
    const result = await rest.list(
      path,
      rowSchema,
      permission,
      {
        query,
        perPage: PER_PAGE.accessRequests,
        maxPages: MAX_WALK_PAGES,
        stopWhen: (rows) =>
          [...wanted].every(
            (rayId) => into.found.has(rayId) || rows.some((r) => r.ray_id && bareRayId(r.ray_id) === rayId),
          ),
      },
      scope,
    );
    collect(result, wanted, into, true);
    if (result.cut && missing()) into.cut = result.cut;
  }

  return {
    async search(rayIds, search, scope) {
      const into: IdentityLogResult = { found: new Map(), skipped: 0 };
      const wanted = new Set(rayIds.map(bareRayId));
      if (rayFilter !== 'refused' && (await byRayId([...wanted], search, into, scope))) return into;
      const pending = () => new Set([...wanted].filter((rayId) => !into.found.has(rayId)));
      if (search.userEmail && pending().size > 0) {
        const own = { ...window(search), email: search.userEmail, email_exact: 'true' };
        await walk(pending(), own, into, scope);
      }
      if (pending().size > 0) await walk(pending(), window(search), into, scope);
      return into;
    },
  };
}
