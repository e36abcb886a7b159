import type { AccessLoginEvent } from '../core/access-event.js';
import { LookupError } from '../core/errors.js';
import type { ListResult } from './rest-client.js';

// How the directory words what it could not read, for the card's "Not resolved" line.

/** A failed lookup as a gap: the permission that would fill it, a 404, a rate limit, or an outage. */
export function gapFor(what: string, consequence: string, error: unknown): string {
  if (error instanceof LookupError && error.code === 'cloudflare_permission') {
    return `${what}: add the “${error.permission}” permission to the token ${consequence}`;
  }
  if (error instanceof LookupError && error.status === 404) return `${what}: Cloudflare no longer has it`;
  if (error instanceof LookupError && error.code === 'upstream_rate_limited') {
    const wait = error.retryAfterSeconds === undefined ? '' : ` for ${error.retryAfterSeconds} s`;
    return `${what}: not read, Cloudflare's rate limit is holding the bot back${wait}`;
  }
  return `${what}: Cloudflare did not answer (${error instanceof LookupError ? error.code : 'error'})`;
}

/** What the card says about row fields the source could not give. */
export function unavailableGaps(event: AccessLoginEvent): string[] {
  const fields = event.unavailableFields ?? [];
  if (event.source === 'identity_log') {
    return [
      `Login details: this Ray ID is only in Access's identity log, which does not record ${fields.join(', ')}; rules on them stay unproven`,
    ];
  }
  if (fields.length === 0) return [];
  return [
    `Login details: ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} not available on this account's plan`,
  ];
}

export function isListResult(value: unknown): value is ListResult<unknown> {
  return typeof value === 'object' && value !== null && 'items' in value && 'skipped' in value;
}

/** What a partly read list means for the card: entries skipped, or a list cut by a cap. */
export function listGaps(what: string, list: ListResult<unknown>): string[] {
  const gaps: string[] = [];
  if (list.skipped > 0) {
    const entries = list.skipped === 1 ? '1 entry' : `${list.skipped} entries`;
    gaps.push(`${what}: ${entries} could not be read`);
  }
  if (list.cut) {
    const why = list.cut === 'bytes' ? 'the answers grew too large' : 'the list has too many pages';
    gaps.push(`${what}: only the first ${list.items.length} were read (${why})`);
  }
  return gaps;
}
