import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import type { PolicySnapshot } from '../core/explanation.js';
import type { AuditEntry, AuditSearch } from '../core/ports.js';
import { appWireSchema, policyWireSchema, toAccessApp, toAppPolicy } from './access-schemas.js';
import type { ListResult, RestClient } from './rest-client.js';
import type { CallScope } from './upstream-guard.js';

/**
 * The account audit log (v1), `GET /accounts/{account_id}/audit_logs`: "Account Settings Read" (or
 * Write) is the token permission it takes (`x-api-token-group` of `audit-logs-get-account-audit-logs`,
 * cloudflare/api-schemas openapi.json @c92b9b0f) — not "Access: Audit Logs Read", which covers
 * Access's own login logs.
 */
export const AUDIT_LOG_PERMISSION = 'Account Settings Read';

/**
 * Same operation: `per_page` default 100, maximum 1000; `direction` default `desc`; `since`/`before`
 * take an RFC 3339 date or date-time; filters are `id` (of the log entry), `action.type`,
 * `actor.ip`, `actor.email`, `zone.name`, `hide_user_logs` — no filter by resource, so the entries
 * are read oldest first from the event and matched on `resource.id` here.
 */
const PER_PAGE = 1000;
/** Pages read at most: 5 000 account changes between the event and the newest policy change. */
const MAX_PAGES = 5;

const optStr = z.string().nullish().catch(undefined);

/**
 * One entry, every field optional as in the SDKs (cloudflare-go `shared.AuditLog`, cloudflare-typescript
 * `audit-logs.ts`): `action{type,result}`, `actor{id,email,ip,type}`, `resource{id,type}`, `when`,
 * `oldValue`/`newValue` as strings, and — as the live API answers (cloudflare-go issue #513) —
 * `oldValueJson`/`newValueJson` as objects.
 */
const entrySchema = z.looseObject({
  action: z.looseObject({ type: optStr }).nullish().catch(undefined),
  actor: z.looseObject({ email: optStr }).nullish().catch(undefined),
  resource: z.looseObject({ id: optStr }).nullish().catch(undefined),
  when: optStr,
  oldValue: optStr,
  oldValueJson: z.unknown().optional(),
});
type EntryWire = z.infer<typeof entrySchema>;

/** The previous value as JSON: the object form, else a string holding a JSON object. */
function previousValue(wire: EntryWire): unknown {
  if (wire.oldValueJson !== null && typeof wire.oldValueJson === 'object') return wire.oldValueJson;
  if (!wire.oldValue?.trim().startsWith('{')) return undefined;
  try {
    return JSON.parse(wire.oldValue);
  } catch {
    return undefined;
  }
}

/** The previous value read as the object it was; undefined when it is not a whole policy or app. */
function snapshotOf(what: 'app' | 'policy', previous: unknown): PolicySnapshot | undefined {
  if (what === 'policy') {
    const policy = policyWireSchema.safeParse(previous);
    return policy.success ? { what, policy: toAppPolicy(policy.data, 1) } : undefined;
  }
  const app = appWireSchema.safeParse(previous);
  if (!app.success) return undefined;
  const { policies: _p, ...settings } = toAccessApp(app.data, []);
  return { what, app: settings };
}

export interface AuditLogReader {
  /** The entries of the named objects, oldest first, and what could not be read. Never rejects. */
  entries(search: AuditSearch, scope?: CallScope): Promise<{ entries: AuditEntry[]; gaps: string[] }>;
}

/** What the card says when the log could not be read. */
function gapFor(error: unknown): string {
  if (error instanceof LookupError && error.code === 'cloudflare_permission') {
    return `Who changed it and what changed: add the “${error.permission ?? AUDIT_LOG_PERMISSION}” permission to the token to read the account audit log`;
  }
  return `Who changed it and what changed: the account audit log did not answer (${error instanceof LookupError ? error.code : 'error'})`;
}

/** Reads the account audit log for changes to an app and its policies, with the shared REST client. */
export function createAuditLogReader(rest: RestClient, accountId: string): AuditLogReader {
  const path = `/accounts/${encodeURIComponent(accountId)}/audit_logs`;
  return {
    async entries(search, scope) {
      const kinds = new Map(search.resources.map((r) => [r.id, r.what]));
      const resourceOf = (wire: EntryWire) => wire.resource?.id ?? '';
      let listed: ListResult<EntryWire>;
      try {
        listed = await rest.list(
          path,
          entrySchema,
          AUDIT_LOG_PERMISSION,
          {
            query: {
              since: search.since.toISOString(),
              before: search.until.toISOString(),
              direction: 'asc',
            },
            perPage: PER_PAGE,
            maxPages: MAX_PAGES,
            // Oldest first: the first entry of each object after the event holds its version at the event.
            stopWhen: (items) => [...kinds.keys()].every((id) => items.some((i) => resourceOf(i) === id)),
          },
          scope,
        );
      } catch (error) {
        return { entries: [], gaps: [gapFor(error)] };
      }
      const entries = listed.items.flatMap((wire): AuditEntry[] => {
        const id = resourceOf(wire);
        const what = kinds.get(id);
        if (!what || !wire.when) return [];
        const before = snapshotOf(what, previousValue(wire));
        return [
          {
            resourceId: id,
            when: wire.when,
            ...(wire.action?.type ? { action: wire.action.type } : {}),
            ...(wire.actor?.email ? { actorEmail: wire.actor.email } : {}),
            ...(before ? { before } : {}),
          },
        ];
      });
      const found = new Set(entries.map((e) => e.resourceId));
      const gaps =
        listed.cut && [...kinds.keys()].some((id) => !found.has(id))
          ? [
              'Who changed it and what changed: the account audit log has too many changes since the request to read them all',
            ]
          : [];
      return { entries, gaps };
    },
  };
}
