import type { OwnFailedLogins, PermissionCheck } from '../core/ports.js';
import type { ExplainReport, RayIdResult } from '../core/report.js';
import type { ExplainRequest } from '../usecases/explain-ray-ids.js';
import type { Audience } from './audience.js';
import type { ButtonCodec } from './button-codec.js';
import type { DedupeStore } from './dedupe.js';
import type { ImageRayIdReader } from './images/read-image-ray-ids.js';

/**
 * The leaf of the Slack adapter: the types every listener, the lookup and the app share. It imports
 * no other Slack module's values, so the app, listeners and helpers never form an import cycle.
 */

export type Surface = 'command' | 'shortcut' | 'helpdesk_thread' | 'mention' | 'button' | 'home';

export interface Viewer {
  /** Who asked (or clicked, or shared). */
  userId: string;
  teamId?: string | undefined;
  channelId?: string | undefined;
  surface: Surface;
}

/**
 * Where an answer goes. `private`: only the viewer sees it (response_url, an ephemeral message, a
 * private card replaced in place). `channel`: a post everyone who can read that channel sees.
 */
export type Destination = { kind: 'private' } | { kind: 'channel'; channelId: string };

/** Whose share of the Cloudflare budget a lookup spends. */
export interface Spender {
  /** Slack user id. */
  id: string;
  /** Helpdesk staff may also spend the part of the budget reserved for them. */
  staff: boolean;
}

/** One structured audit line per lookup: who, where, which Ray IDs, what came out. No text, no tokens. */
export interface AuditEntry {
  time: string;
  event: 'lookup';
  user: string;
  /** The asker's workspace (`unknown` only when Slack sent none). */
  team: string;
  /** Where the request came from. */
  channel?: string;
  /** Where the answer went: a channel id, or `private` (only the asker saw it). */
  target: string;
  surface: Surface;
  rayIds: string[];
  results: Array<{ rayId: string; outcome: RayIdResult['outcome']; cause: string }>;
  redacted: boolean;
}

export interface SlackDependencies {
  /** Runs the use case, spending the Cloudflare budget on `spender`'s share. */
  explain(request: ExplainRequest, spender: Spender): Promise<ExplainReport>;
  now(): Date;
  /** Channels whose new messages with Ray IDs get a threaded answer. */
  helpdeskChannelIds: ReadonlySet<string>;
  /** Private channels of helpdesk staff only: the one place a public post shows the full card. */
  staffChannelIds: ReadonlySet<string>;
  /**
   * Where "Ask the helpdesk" posts a user's request (HELPDESK_REQUESTS_CHANNEL_ID, else the first
   * helpdesk channel); absent: the button is not offered.
   */
  helpdeskRequestsChannelId?: string | undefined;
  /** Signs and checks button values. */
  buttons: ButtonCodec;
  /** Who may press "Search further back". */
  searchFurther: 'staff' | 'everyone';
  /** Remembers answered events and messages so Slack's re-deliveries get no second reply. */
  dedupe: DedupeStore;
  /**
   * The App Home's "My recent Access denials": a person's recent failed logins by their email, at
   * most `max`, spending `spender`'s share. Throws a `LookupError` when Cloudflare cannot be read.
   */
  recentFailedLogins?(email: string, max: number, spender: Spender): Promise<OwnFailedLogins>;
  /** Which Cloudflare permissions work (for the App Home); undefined when the check could not run. */
  checkConfiguration(): Promise<PermissionCheck[] | undefined>;
  /** Reads Ray IDs from screenshots attached to messages (OCR); absent: images are ignored. */
  images?: ImageRayIdReader | undefined;
  /** Writes one audit line per lookup. */
  audit(entry: AuditEntry): void;
  /** The one error sink for what should never happen (a bug in a lookup); logs without secrets. */
  onUnexpected(error: unknown): void;
}

/** What listeners get: the dependencies plus who may see what (built on the app's own Web API client). */
export interface ListenerDependencies extends SlackDependencies {
  audience: Audience;
  /** Resolves once every Slack request already received has been acked (post-ack work waits on it). */
  acksFirst(): Promise<void>;
}
