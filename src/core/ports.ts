import type { AccessLoginEvent, ResolvedNames } from './access-event.js';
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
}

/** Finds Access login events by Ray ID (Cloudflare GraphQL Analytics in production). */
export interface AccessEventSource {
  /** One entry per requested Ray ID. Throws a `LookupError` when the source itself fails. */
  findByRayIds(rayIds: readonly string[], options: FindEventsOptions): Promise<Map<string, EventLookup>>;
}

/** Resolves ids in an event to names (Cloudflare REST in production). Never throws: unknown stays unknown. */
export interface AccessDirectory {
  resolveNames(event: AccessLoginEvent): Promise<ResolvedNames>;
}

export type { TimeWindow };
