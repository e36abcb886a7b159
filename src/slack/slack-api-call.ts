import { safeErrorCode } from './slack-runtime-error.js';

/** What one Web API call came to: an answer, Slack's own refusal, or a failure worth retrying. */
export type SlackApiOutcome =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'refused'; error: string }
  | { kind: 'transient'; reason: string; retryAfterMs?: number };

export interface SlackApiCallOptions {
  /** Web API base ending with `/`, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  method: string;
  token: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * One Web API call without the WebClient: the runtime decides itself what to retry and for how long
 * (the WebClient's retry policy is for listeners and must not reach the Socket Mode reconnect — see
 * node-slack-sdk issue #2656). Slack answers HTTP 200 with `ok:false` for refusals, 429 with
 * Retry-After when rate limited, 5xx when it is failing.
 */
export async function callSlackApi(options: SlackApiCallOptions): Promise<SlackApiOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${options.apiUrl}${options.method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { kind: 'transient', reason: error instanceof Error ? error.name : 'network' };
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      kind: 'transient',
      reason: `http_${response.status}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { kind: 'transient', reason: `http_${response.status}_unreadable` };
  }
  if (typeof body !== 'object' || body === null) return { kind: 'transient', reason: 'unreadable' };
  const record = body as Record<string, unknown>;
  if (record.ok === true) return { kind: 'ok', body: record };
  const error = safeErrorCode(record.error);
  // Slack's own "try again" codes are not refusals of the token.
  if (
    error === 'ratelimited' ||
    error === 'internal_error' ||
    error === 'fatal_error' ||
    error === 'service_unavailable'
  ) {
    return { kind: 'transient', reason: error };
  }
  return { kind: 'refused', error };
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with full jitter, capped: attempt 0 waits about `minMs`. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
  return Math.round(minMs / 2 + random() * (ceiling - minMs / 2));
}
