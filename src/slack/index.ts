/** The Slack adapter's one public surface for the entry points. */
export { createSlackApp, type SlackAppOptions, type SlackRuntime } from './app.js';
export { blockKitBuilderUrl } from './blocks/preview-url.js';
export { renderReport } from './blocks/render-report.js';
export { verifyBotToken } from './bot-token.js';
export { createButtonCodec } from './button-codec.js';
export { createMemoryDedupeStore, type DedupeStore } from './dedupe.js';
export type { AuditEntry, SlackDependencies, Spender } from './dependencies.js';
export type { CloudflareHealth, HealthSnapshot } from './health.js';
export { createImageRayIdReader, type ImageRayIdReader } from './images/read-image-ray-ids.js';
export { createTesseractReader } from './images/tesseract-ocr.js';
export { createRedisDedupeStore, type DedupeRedis } from './redis-dedupe-store.js';
export { callSlackApi } from './slack-api-call.js';
export { PERMANENT_TOKEN_ERRORS, SlackRuntimeError } from './slack-runtime-error.js';
export type { SocketTimings } from './socket-connection.js';
export { checkStaffChannels, type StaffChannelCheck } from './staff-channels.js';
