import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { DedupeStore } from './dedupe.js';

/**
 * Slack signs `v0:<timestamp>:<body>`; Bolt refuses a timestamp more than 5 minutes in the past but
 * not one in the future, and it verifies each request on its own, so an exact copy of a signed
 * request is accepted again for as long as its timestamp is fresh. These close both gaps
 * (docs.slack.dev/authentication/verifying-requests-from-slack: "The request timestamp is more than
 * five minutes from local time", in either direction).
 */
export const MAX_SKEW_SECONDS = 300;

/** Answers 401 (and returns true) for a request whose timestamp is more than 5 minutes ahead of us. */
export function refuseFutureTimestamp(
  req: IncomingMessage,
  res: ServerResponse,
  nowMs = Date.now(),
): boolean {
  const header = req.headers['x-slack-request-timestamp'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(seconds) || seconds <= Math.floor(nowMs / 1000) + MAX_SKEW_SECONDS) return false;
  res.writeHead(401, { 'content-type': 'text/plain' });
  res.end('request timestamp is too far in the future');
  return true;
}

/** The custom property the HTTP receiver adds to each verified request: its signature. */
export function signatureOf(req: { headers: IncomingMessage['headers'] }): { requestSignature?: string } {
  const signature = req.headers['x-slack-signature'];
  return typeof signature === 'string' ? { requestSignature: signature } : {};
}

/**
 * Global middleware: a request whose exact signature was seen before (within the dedupe store's TTL,
 * longer than the 10-minute window a timestamp is accepted in) is acknowledged and dropped, so a
 * replayed command or button click gets no second answer. Socket Mode requests carry no signature.
 */
export function createReplayGuard(dedupe: DedupeStore): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const signature = args.context.requestSignature;
    if (typeof signature !== 'string' || (await dedupe.claim(`request:${signature}`))) {
      await args.next();
      return;
    }
    // Events are acknowledged by Bolt already; commands, shortcuts and actions still need it.
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
  };
}
