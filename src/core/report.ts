import type { AccessLoginEvent, ResolvedNames } from './access-event.js';
import type { LookupFailure } from './errors.js';
import type { Explanation, PolicyDrift, PolicyExplanation, PolicyVerdict } from './explanation.js';
import type { PasteInfo } from './paste.js';
import type { FailedLogin, IdentityLogEntry, SearchedRange } from './ports.js';

/** Why a Ray ID has no Access login row, and what else could have produced the 403. */
export interface NotFoundExplanation {
  summary: string;
  /** Likely other sources of the block page, most likely first. */
  likelySources: string[];
  /** The event may be too recent to be queryable yet (Analytics ingests with about a minute's delay). */
  maybeTooRecent: boolean;
  adminFix: string;
  userMessage: string;
  /** Access's own log has the Ray ID although analytics has no row: the request did reach Access. */
  identityLog?: IdentityLogEntry;
  /** Lookups that could not run (missing permission, outage). */
  gaps?: string[];
}

export type RayIdResult =
  | {
      rayId: string;
      outcome: 'allowed' | 'denied';
      event: AccessLoginEvent;
      names: ResolvedNames;
      /** From the replay when the app was readable (with the failed rule), else from the row alone. */
      explanation: Explanation & Partial<Omit<PolicyExplanation, 'policies'>>;
      /** The app's policies in evaluation order with their replayed verdicts; absent when not replayed. */
      policies?: PolicyVerdict[];
      /** The user's recent failed logins, newest first. */
      recentFailedLogins?: FailedLogin[];
      /** The app or its policies changed after the event: who, what, and the verdict as it was then. */
      drift?: PolicyDrift;
      /** The time range searched; absent when the event came from a case file, not a search. */
      searched?: SearchedRange;
      /** True when another person's details were removed for this viewer. */
      redacted?: boolean;
    }
  | {
      rayId: string;
      outcome: 'not_found';
      searched: SearchedRange;
      notFound: NotFoundExplanation;
      redacted?: boolean;
    }
  | { rayId: string; outcome: 'error'; failure: LookupFailure };

export type Outcome = RayIdResult['outcome'];

/** Everything one request (a command, a paste, a CLI call) produced. */
export interface ExplainReport {
  results: RayIdResult[];
  /** Distinct Ray IDs seen in the text, including any beyond the cap. */
  totalRayIds: number;
  /** Ray IDs seen but not looked up because of the cap. */
  skippedRayIds: string[];
  paste: PasteInfo;
}
