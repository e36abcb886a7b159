/** The Slack adapter's one public surface for the entry points. */
export { createSlackApp, type SlackAppOptions, type SlackRuntime } from './app.js';
export { createButtonCodec } from './button-codec.js';
export { createMemoryDedupeStore, type DedupeStore } from './dedupe.js';
export type { AuditEntry, SlackDependencies, Spender } from './dependencies.js';
export { createRedisDedupeStore, type DedupeRedis } from './redis-dedupe-store.js';
export { checkStaffChannels, type StaffChannelCheck } from './staff-channels.js';
