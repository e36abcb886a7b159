import { describe, expect, it } from 'vitest';
import { type DatasetSettings, planSearchWindows } from '../../src/core/search-window.js';

const DAY = 86_400;
const settings: DatasetSettings = {
  enabled: true,
  maxDurationSeconds: 7 * DAY,
  notOlderThanSeconds: 90 * DAY,
  maxPageSize: 10_000,
};
const now = new Date('2026-11-22T12:00:00Z');
const iso = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

describe('planSearchWindows', () => {
  it('searches newest first in windows no wider than maxDuration, back to retention', () => {
    const plan = planSearchWindows({ settings, now });
    expect(plan.windows[0] && iso(plan.windows[0])).toEqual([
      '2026-11-15T12:00:00.000Z',
      '2026-11-22T12:00:00.000Z',
    ]);
    for (const w of plan.windows)
      expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(7 * DAY * 1000);
    for (let i = 1; i < plan.windows.length; i++)
      expect(plan.windows[i]?.end).toEqual(plan.windows[i - 1]?.start);
    // 90 days less a minute of margin: 12 full weeks and a 6-day remainder.
    expect(plan.windows).toHaveLength(13);
    expect(plan.oldest.toISOString()).toBe('2026-08-24T12:01:00.000Z');
    expect(plan.limitedBy).toBe('retention');
    expect(plan.oldestReachable).toEqual(plan.oldest);
  });

  it('stops at a configured cap when it is nearer than retention', () => {
    const plan = planSearchWindows({ settings, now, maxLookbackSeconds: 10 * DAY });
    expect(plan.windows.map(iso)).toEqual([
      ['2026-11-15T12:00:00.000Z', '2026-11-22T12:00:00.000Z'],
      ['2026-11-12T12:00:00.000Z', '2026-11-15T12:00:00.000Z'],
    ]);
    expect(plan.limitedBy).toBe('configured_cap');
    expect(plan.oldestReachable.toISOString()).toBe('2026-08-24T12:01:00.000Z');
  });

  it('anchors at the message time plus a little grace, never in the future', () => {
    const anchor = new Date('2026-11-01T08:00:00Z');
    const plan = planSearchWindows({ settings, now, anchor, maxLookbackSeconds: DAY });
    expect(plan.windows.map(iso)).toEqual([['2026-10-31T08:05:00.000Z', '2026-11-01T08:05:00.000Z']]);
    const future = planSearchWindows({
      settings,
      now,
      anchor: new Date('2027-01-01T00:00:00Z'),
      maxLookbackSeconds: DAY,
    });
    expect(future.newest).toEqual(now);
  });

  it('respects a narrow maxDuration (e.g. one hour) with many small windows', () => {
    const plan = planSearchWindows({
      settings: { ...settings, maxDurationSeconds: 3600 },
      now,
      maxLookbackSeconds: DAY,
    });
    expect(plan.windows).toHaveLength(24);
  });

  it('plans nothing when the anchor is older than retention (the event has aged out)', () => {
    const plan = planSearchWindows({ settings, now, anchor: new Date('2025-01-01T00:00:00Z') });
    expect(plan.windows).toEqual([]);
    expect(plan.oldestReachable.toISOString()).toBe('2026-08-24T12:01:00.000Z');
  });
});
