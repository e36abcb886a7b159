import { LookupError } from '../core/errors.js';

/** Most bytes one Cloudflare response may have; a real page of 1 000 items or 10 000 rows is a few MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** The error an over-sized answer becomes: the same card as any unreadable answer, saying why. */
export function tooLarge(what: string, maxBytes: number): LookupError {
  return new LookupError('upstream_bad_response', {
    safeMessage: `Cloudflare sent an answer larger than the bot reads (over ${mib(maxBytes)}), so it was not read.`,
    detail: `${what}: body over ${maxBytes} bytes`,
  });
}

/**
 * Reads a response body as UTF-8 text, but never more than `maxBytes`: past the cap it stops
 * reading, cancels the body and throws `upstream_bad_response`. Without the cap one huge answer
 * (a 150 MB GraphQL result) would be buffered whole and could exhaust the heap.
 */
export async function readCappedText(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(what, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(what, maxBytes);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/**
 * A fetch whose responses are read through `readCappedText` before the caller sees them, for
 * clients (graphql-request) that read bodies themselves. The returned Response holds the text.
 */
export function createCappedFetch(fetchImpl: typeof fetch, maxBytes: number, what: string): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const text = await readCappedText(response, maxBytes, what);
    // Statuses that may not carry a body (the Response constructor refuses one).
    const bodyless = [101, 204, 205, 304].includes(response.status);
    return new Response(bodyless ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
