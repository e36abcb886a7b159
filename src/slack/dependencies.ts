import type { PermissionCheck } from '../core/ports.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';
import type { ExplainRequest } from '../usecases/explain-ray-ids.js';
import type { Audience } from './audience.js';
import type { DedupeStore } from './dedupe.js';

/**
 * The leaf of the Slack adapter: the types every listener, the lookup and the app share. It imports
 * no other Slack module's values, so the app, listeners and helpers never form an import cycle.
 */

export type Surface = 'command' | 'shortcut' | 'helpdesk_thread' | 'mention' | 'button';

export interface Viewer {
  /** Who asked (or clicked, or shared). */
  userId: string;
  teamId?: string | undefined;
  channelId?: string | undefined;
  surface: Surface;
}

/** One structured audit line per lookup: who, where, which Ray IDs, what came out. No text, no tokens. */
export interface AuditEntry {
  time: string;
  event: 'lookup';
  user: string;
  team?: string;
  channel?: string;
  surface: Surface;
  rayIds: string[];
  results: Array<{ rayId: string; outcome: RayIdResult['outcome']; cause: string }>;
  redacted: boolean;
}

export interface SlackDependencies {
  explain(request: ExplainRequest): Promise<ExplainReport>;
  now(): Date;
  /** Channels whose new messages with Ray IDs get a threaded answer. */
  helpdeskChannelIds: ReadonlySet<string>;
  /** Remembers answered events and messages so Slack's re-deliveries get no second reply. */
  dedupe: DedupeStore;
  /** Which Cloudflare permissions work (for the App Home); undefined when the check could not run. */
  checkConfiguration(): Promise<PermissionCheck[] | undefined>;
  /** Writes one audit line per lookup. */
  audit(entry: AuditEntry): void;
  /** The one error sink for what should never happen (a bug in a lookup); logs without secrets. */
  onUnexpected(error: unknown): void;
}

/** What listeners get: the dependencies plus who may see what (built on the app's own Web API client). */
export interface ListenerDependencies extends SlackDependencies {
  audience: Audience;
}
