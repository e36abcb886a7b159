import type { AccessLoginEvent, ResolvedNames } from './access-event.js';
import type { PolicySnapshot } from './explanation.js';
import type { AccessApp, PolicyContext } from './policy/types.js';
import type { TimeWindow } from './search-window.js';

/** The time range a search covered, for "not found" answers. */
export interface SearchedRange {
  oldest: Date;
  newest: Date;
  windows: number;
  limitedBy: 'retention' | 'configured_cap';
  /** Oldest instant the dataset still holds; older than `oldest` when a cap stopped the search. */
  oldestReachable: Date;
}

export type EventLookup =
  | { kind: 'found'; event: AccessLoginEvent; searched: SearchedRange }
  | { kind: 'not_found'; searched: SearchedRange };

export interface FindEventsOptions {
  now: Date;
  /** When the Ray IDs were posted; searches start there instead of now. */
  anchor?: Date | undefined;
  /** Ignore the configured look-back cap and search back to the dataset's retention. */
  searchToRetention?: boolean | undefined;
}

/** Finds Access login events by Ray ID (Cloudflare GraphQL Analytics in production). */
export interface AccessEventSource {
  /** One entry per requested Ray ID. Throws a `LookupError` when the source itself fails. */
  findByRayIds(rayIds: readonly string[], options: FindEventsOptions): Promise<Map<string, EventLookup>>;
}

/** One of the user's recent failed logins (Cloudflare's `failed_logins` seed endpoint). */
export interface FailedLogin {
  rayId: string;
  datetime: string;
  appName?: string;
}

/** A person's own recent failed logins, found by their email: no such Access user, or the list (newest first). */
export type OwnFailedLogins = { kind: 'no_access_user' } | { kind: 'found'; logins: FailedLogin[] };

/** Reads a person's recent failed logins by email (Cloudflare REST: Access users, then their `failed_logins`). */
export interface FailedLoginsByEmail {
  /** At most `max`, newest first. Throws a `LookupError` when Cloudflare cannot be read. */
  recentFailedLoginsForEmail(email: string, max: number): Promise<OwnFailedLogins>;
}

/** What the directory found around one event: names, the app with its policies, lookup data. */
export interface Enrichment {
  names: ResolvedNames;
  /** Absent when the app could not be read (permission, deleted app, outage): no replay then. */
  app?: AccessApp;
  context: PolicyContext;
  /** The user's recent failed logins, newest first; absent for non-identity events or when unreadable. */
  recentFailedLogins?: FailedLogin[];
}

/** A Ray ID found in Access's own logs (identity log or a user's failed logins) rather than in analytics. */
export interface IdentityLogEntry {
  source: 'access_requests' | 'failed_logins';
  rayId: string;
  datetime: string;
  allowed?: boolean;
  appDomain?: string;
  appName?: string;
  /** The Access app's id (`app_uid` in the identity log): lets a log-only hit load the app and replay. */
  appUid?: string;
  /** The app's AUD tag (`metadata.aud` of a failed login). */
  aud?: string;
  /** The Access user's id, when the directory could resolve the entry's email to one. */
  userUuid?: string;
  userEmail?: string;
  ipAddress?: string;
  /** The identity provider (connection) used. */
  connection?: string;
}

export interface LogSearch {
  since: Date;
  until: Date;
  /** The requester's email when known: their failed logins are searched too. */
  userEmail?: string | undefined;
}

/** One change to an app or policy, from the account audit log. */
export interface AuditEntry {
  resourceId: string;
  /** ISO time of the change. */
  when: string;
  /** The log's action type (`update`, `create`, `delete`, … as Cloudflare spells it). */
  action?: string;
  actorEmail?: string;
  /** The object before the change, when the log carried a previous value that reads as one. */
  before?: PolicySnapshot;
}

/** Which objects' changes to read, and over what time. */
export interface AuditSearch {
  since: Date;
  until: Date;
  resources: Array<{ id: string; what: 'app' | 'policy' }>;
}

/** Resolves an event's ids (Cloudflare REST in production). Never throws: what it cannot read becomes a gap. */
export interface AccessDirectory {
  enrich(event: AccessLoginEvent, now: Date): Promise<Enrichment>;
  /** Looks Ray IDs up in Access's identity log (and a user's failed logins) for the ones analytics lacks. */
  findInLogs(
    rayIds: readonly string[],
    search: LogSearch,
  ): Promise<{ found: Map<string, IdentityLogEntry>; gaps: string[] }>;
  /**
   * Changes to the named objects over the window, oldest first (the account audit log in
   * production). Optional: without it a card still flags drift, just not who changed what.
   */
  auditEntries?(search: AuditSearch): Promise<{ entries: AuditEntry[]; gaps: string[] }>;
}

export type { TimeWindow };

/** Whether one token permission works, for the App Home's configuration check. */
export interface PermissionCheck {
  permission: string;
  ok: boolean;
  /** What the permission adds, or why the check failed. */
  detail: string;
}

/** Probes the Cloudflare token: which permissions work on the configured account. */
export interface ConfigurationProbe {
  check(): Promise<PermissionCheck[]>;
}
