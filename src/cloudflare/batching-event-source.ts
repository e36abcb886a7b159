import type { EventLookup, FindEventsOptions } from '../core/ports.js';
import type { ScopedEventSource } from './scoped-ports.js';
import { type CallScope, isShareRefusal } from './upstream-guard.js';

export interface BatchingOptions {
  /**
   * How long the first call of a batch waits for company while lookups keep coming, in ms. Default 2.
   * A batch opened when none was sent in the last `busyMs` closes at `setImmediate` instead (it
   * gathers what this turn of the event loop started), so a lone card waits for no timer; in a
   * burst, lookups arrive over many turns and the window merges them (measured: 200 commands, 112
   * distinct Ray IDs: 14 GraphQL calls with the window, 50 with `setImmediate` alone).
   */
  windowMs?: number;
  /** How recent the last batch must be for the next to wait `windowMs`. Default 50 ms. */
  busyMs?: number;
  /** Monotonic milliseconds (tests inject one). Default `performance.now`. */
  now?: () => number;
  /** Most Ray IDs in one upstream call; a fuller batch goes out at once. Default 100. */
  maxRayIds?: number;
}

/**
 * An anchor this recent plans exactly like no anchor, because the search window starts
 * `min(anchor + grace, now)` and the grace in core/search-window is 5 minutes. Were the grace to
 * shrink, merging would only search a little closer to now than asked; never less.
 */
const RECENT_ANCHOR_MS = 5 * 60_000;
/** Older anchors share a batch when they fall in the same minute. */
const ANCHOR_BUCKET_MS = 60_000;

/**
 * Which lookups can share one upstream search: those that plan the same windows. Lookups anchored
 * at "now" (or a moment ago) share one bucket; older anchors share per minute; a search back to the
 * retention never shares with a capped one.
 */
export function searchBucket(options: FindEventsOptions): string {
  const reach = options.searchToRetention ? 'retention' : 'capped';
  const anchor = options.anchor?.getTime();
  if (anchor === undefined || anchor >= options.now.getTime() - RECENT_ANCHOR_MS) return `${reach}:recent`;
  return `${reach}:${Math.floor(anchor / ANCHOR_BUCKET_MS)}`;
}

interface Waiter {
  rayIds: readonly string[];
  resolve(lookups: Map<string, EventLookup>): void;
  reject(error: unknown): void;
  scope: CallScope | undefined;
}

interface Batch {
  bucket: string;
  rayIds: Set<string>;
  now: Date;
  /** Undefined for lookups anchored at "now" or a moment ago. */
  anchor: Date | undefined;
  searchToRetention: boolean;
  /**
   * The scope of the lookup that opened the batch: the shared request runs within its deadline and
   * spends its budget share (as it did when the deadline lived in an async context, which the batch's
   * scheduled flush inherited from the opener); when that share is spent, a joiner's scope is tried.
   * A lookup that joins later started later, so the batch never outlasts the joiner's own deadline;
   * at worst it ends that much sooner.
   */
  scope: CallScope | undefined;
  waiters: Waiter[];
  /** Cancels the scheduled flush. */
  cancel: () => void;
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * Merges lookups that arrive within a few milliseconds and plan the same search into one upstream
 * call (`cfRayId_in`), so a burst of pastes costs one GraphQL query per window instead of one per
 * paste. Each caller gets a Map of its own Ray IDs; an upstream failure fails every caller in the batch.
 */
export function createBatchingEventSource(
  inner: ScopedEventSource,
  options: BatchingOptions = {},
): ScopedEventSource {
  const windowMs = options.windowMs ?? 2;
  const busyMs = options.busyMs ?? 50;
  const now = options.now ?? (() => performance.now());
  let lastOpened = Number.NEGATIVE_INFINITY;
  const schedule = (run: () => void): (() => void) => {
    const busy = now() - lastOpened < busyMs;
    lastOpened = now();
    if (!busy || windowMs <= 0) {
      const immediate = setImmediate(run);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(run, windowMs);
    return () => clearTimeout(timer);
  };
  const maxRayIds = Math.max(1, options.maxRayIds ?? 100);
  const open = new Map<string, Batch>();

  function flush(batch: Batch): void {
    batch.cancel();
    if (open.get(batch.bucket) === batch) open.delete(batch.bucket);
    // The newest `now` and anchor cover every caller: windows reach back from the latest of them.
    const findOptions: FindEventsOptions = {
      now: batch.now,
      ...(batch.anchor === undefined ? {} : { anchor: batch.anchor }),
      ...(batch.searchToRetention ? { searchToRetention: true } : {}),
    };
    // The opener's share pays; if it is spent, the next asker's (staff have a reserve), so one
    // asker's spent share never refuses the others' Ray IDs.
    const scopes = [...new Set([batch.scope, ...batch.waiters.map((w) => w.scope)])];
    const rayIds = [...batch.rayIds];
    const attempt = (i: number): Promise<Map<string, EventLookup>> =>
      inner
        .findByRayIds(rayIds, findOptions, scopes[i])
        .catch((error: unknown) =>
          isShareRefusal(error) && i + 1 < scopes.length ? attempt(i + 1) : Promise.reject(error),
        );
    attempt(0).then(
      (lookups) => {
        for (const waiter of batch.waiters) {
          const own = new Map<string, EventLookup>();
          for (const rayId of waiter.rayIds) {
            const lookup = lookups.get(rayId);
            if (lookup) own.set(rayId, lookup);
          }
          waiter.resolve(own);
        }
      },
      (error: unknown) => {
        for (const waiter of batch.waiters) waiter.reject(error);
      },
    );
  }

  function openBatch(bucket: string, findOptions: FindEventsOptions, scope: CallScope | undefined): Batch {
    const batch: Batch = {
      bucket,
      rayIds: new Set(),
      now: findOptions.now,
      anchor: bucket.endsWith(':recent') ? undefined : findOptions.anchor,
      searchToRetention: findOptions.searchToRetention === true,
      scope,
      waiters: [],
      cancel: () => undefined,
    };
    batch.cancel = schedule(() => flush(batch));
    open.set(bucket, batch);
    return batch;
  }

  return {
    findByRayIds(rayIds, findOptions, scope) {
      if (rayIds.length === 0) return Promise.resolve(new Map());
      const bucket = searchBucket(findOptions);
      let batch = open.get(bucket) ?? openBatch(bucket, findOptions, scope);
      const fresh = new Set(rayIds.filter((id) => !batch.rayIds.has(id)));
      if (batch.rayIds.size > 0 && batch.rayIds.size + fresh.size > maxRayIds) {
        flush(batch);
        batch = openBatch(bucket, findOptions, scope);
      }
      for (const rayId of rayIds) batch.rayIds.add(rayId);
      batch.now = later(batch.now, findOptions.now);
      if (batch.anchor && findOptions.anchor) batch.anchor = later(batch.anchor, findOptions.anchor);
      const joined = batch;
      const result = new Promise<Map<string, EventLookup>>((resolve, reject) => {
        joined.waiters.push({ rayIds, resolve, reject, scope });
      });
      if (joined.rayIds.size >= maxRayIds) flush(joined);
      return result;
    },
  };
}
