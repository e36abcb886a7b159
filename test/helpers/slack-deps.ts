import { createButtonCodec } from '../../src/slack/button-codec.js';
import { createMemoryDedupeStore } from '../../src/slack/dedupe.js';
import type { ListenerDependencies } from '../../src/slack/dependencies.js';

/** Listener dependencies that answer nothing; override what a test is about. */
export function fakeSlackDeps(overrides: Partial<ListenerDependencies> = {}): ListenerDependencies {
  return {
    explain: async () => ({ results: [], totalRayIds: 0, skippedRayIds: [], paste: { kind: 'plain' } }),
    now: () => new Date(),
    helpdeskChannelIds: new Set(),
    staffChannelIds: new Set(),
    buttons: createButtonCodec('test-button-key'),
    searchFurther: 'staff',
    dedupe: createMemoryDedupeStore(),
    checkConfiguration: async () => undefined,
    audit: () => undefined,
    onUnexpected: () => undefined,
    audience: { isStaff: async () => false, emailOf: async () => undefined },
    acksFirst: async () => undefined,
    ...overrides,
  };
}
