import { createMemoryDedupeStore } from '../../src/slack/dedupe.js';
import type { ListenerDependencies } from '../../src/slack/dependencies.js';

/** Listener dependencies that answer nothing; override what a test is about. */
export function fakeSlackDeps(overrides: Partial<ListenerDependencies> = {}): ListenerDependencies {
  return {
    explain: async () => ({ results: [], totalRayIds: 0, skippedRayIds: [], paste: { kind: 'plain' } }),
    now: () => new Date(),
    helpdeskChannelIds: new Set(),
    dedupe: createMemoryDedupeStore(),
    checkConfiguration: async () => undefined,
    audit: () => undefined,
    onUnexpected: () => undefined,
    audience: { isStaff: async () => false, emailOf: async () => undefined },
    ...overrides,
  };
}
