import type { AccessLoginEvent } from '../core/access-event.js';
import type {
  AccessDirectory,
  AccessEventSource,
  AuditEntry,
  AuditSearch,
  Enrichment,
  EventLookup,
  FindEventsOptions,
  IdentityLogEntry,
  LogSearch,
} from '../core/ports.js';
import type { CallScope } from './upstream-guard.js';

/*
 * The core's ports know nothing of deadlines or budgets. Inside this adapter every port method takes
 * one more, optional, parameter: the `CallScope` of the lookup it serves, which it hands down to every
 * Cloudflare call it makes (through caches' loaders, batches, the REST and GraphQL clients). The use
 * case gets per-lookup port objects with the scope bound (`bindScope`), so it never sees one either.
 * Without a scope a method makes one of its own: one deadline for that call, the bot's own budget.
 */

/** The event source port, with the lookup's scope. */
export interface ScopedEventSource extends AccessEventSource {
  findByRayIds(
    rayIds: readonly string[],
    options: FindEventsOptions,
    scope?: CallScope,
  ): Promise<Map<string, EventLookup>>;
}

/** The directory port, with the lookup's scope. */
export interface ScopedDirectory extends AccessDirectory {
  enrich(event: AccessLoginEvent, now: Date, scope?: CallScope): Promise<Enrichment>;
  findInLogs(
    rayIds: readonly string[],
    search: LogSearch,
    scope?: CallScope,
  ): Promise<{ found: Map<string, IdentityLogEntry>; gaps: string[] }>;
  auditEntries?(search: AuditSearch, scope?: CallScope): Promise<{ entries: AuditEntry[]; gaps: string[] }>;
}

/** The ports one lookup uses: every call they make shares `scope`'s deadline and spends its spender's share. */
export interface LookupPorts {
  events: AccessEventSource;
  directory: AccessDirectory;
  scope: CallScope;
}

/** Binds `scope` into per-lookup port objects (two small closures each, no copies of any cache). */
export function bindScope(
  events: ScopedEventSource,
  directory: ScopedDirectory,
  scope: CallScope,
): LookupPorts {
  const { auditEntries } = directory;
  return {
    events: { findByRayIds: (rayIds, options) => events.findByRayIds(rayIds, options, scope) },
    directory: {
      enrich: (event, now) => directory.enrich(event, now, scope),
      findInLogs: (rayIds, search) => directory.findInLogs(rayIds, search, scope),
      ...(auditEntries
        ? { auditEntries: (search: AuditSearch) => auditEntries.call(directory, search, scope) }
        : {}),
    },
    scope,
  };
}
