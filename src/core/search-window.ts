/** What Cloudflare's `settings` node says about the Access login dataset for this account. */
export interface DatasetSettings {
  enabled: boolean;
  /** Widest time range one query may ask for, in seconds. */
  maxDurationSeconds: number;
  /** How far back data can be reached, in seconds. */
  notOlderThanSeconds: number;
  /** Largest allowed `limit`. */
  maxPageSize: number;
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface SearchPlanInput {
  settings: DatasetSettings;
  now: Date;
  /** When the Ray ID was posted (a Slack message ts); the event happened before that. */
  anchor?: Date | undefined;
  /** Operator cap on how far back to search, in seconds; retention still wins when shorter. */
  maxLookbackSeconds?: number | undefined;
}

/** Where a search plan stops, and why. */
export interface SearchPlan {
  windows: TimeWindow[];
  /** Oldest instant any window reaches. */
  oldest: Date;
  /** Newest instant any window reaches. */
  newest: Date;
  limitedBy: 'retention' | 'configured_cap';
  /** Oldest instant the dataset still holds (its retention), whatever the cap. */
  oldestReachable: Date;
}

/** Events may be stamped a little after a message quoting them (clock skew, ingestion). */
const ANCHOR_GRACE_MS = 5 * 60_000;
/** Stay clear of the retention edge: a query reaching past it is rejected outright. */
const RETENTION_MARGIN_MS = 60_000;

/**
 * Plans newest-first windows no wider than `maxDuration`, from the anchor (or now) back to the
 * dataset's retention or the configured cap, whichever is nearer.
 */
export function planSearchWindows(input: SearchPlanInput): SearchPlan {
  const { settings, now } = input;
  const nowMs = now.getTime();
  const anchorMs = input.anchor ? Math.min(input.anchor.getTime() + ANCHOR_GRACE_MS, nowMs) : nowMs;
  const retentionFloor = nowMs - settings.notOlderThanSeconds * 1000 + RETENTION_MARGIN_MS;
  const capFloor =
    input.maxLookbackSeconds === undefined
      ? Number.NEGATIVE_INFINITY
      : anchorMs - input.maxLookbackSeconds * 1000;
  const floor = Math.max(retentionFloor, capFloor);
  const limitedBy = capFloor > retentionFloor ? 'configured_cap' : 'retention';
  const stepMs = Math.max(1, settings.maxDurationSeconds) * 1000;

  const windows: TimeWindow[] = [];
  // An anchor older than the floor leaves nothing to search: the event has aged out.
  let end = anchorMs;
  while (end > floor) {
    const start = Math.max(floor, end - stepMs);
    windows.push({ start: new Date(start), end: new Date(end) });
    end = start;
  }
  const last = windows.at(-1);
  return {
    windows,
    oldest: last ? last.start : new Date(floor),
    newest: windows[0]?.end ?? now,
    limitedBy,
    oldestReachable: new Date(retentionFloor),
  };
}
