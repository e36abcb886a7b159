export type Download = { kind: 'ok'; bytes: Buffer } | { kind: 'too_large' } | { kind: 'failed' };

export interface DownloadOptions {
  botToken: string;
  /** Origins the bot token may be sent to (Slack's file host; the fake's in tests). */
  allowedOrigins: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Downloads a file from its `url_private` with the bot token (`files:read`), never sending the token
 * anywhere but an allowed origin: redirects are followed by hand, at most twice, and only within
 * those origins. The body is read up to `maxBytes`, then dropped.
 */
export async function downloadSlackFile(url: string, options: DownloadOptions): Promise<Download> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let target = url;
  try {
    for (let hop = 0; hop < 3; hop++) {
      const parsed = new URL(target);
      if (!options.allowedOrigins.includes(parsed.origin)) return { kind: 'failed' };
      const response = await doFetch(parsed, {
        headers: { authorization: `Bearer ${options.botToken}` },
        redirect: 'manual',
        signal,
      });
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) return { kind: 'failed' };
        target = new URL(location, parsed).href;
        continue;
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return { kind: 'failed' };
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > options.maxBytes) {
        await response.body.cancel();
        return { kind: 'too_large' };
      }
      // Slack answers an unauthorised file request with its HTML sign-in page, not the image.
      if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
        await response.body.cancel();
        return { kind: 'failed' };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > options.maxBytes) {
          await response.body.cancel().catch(() => undefined);
          return { kind: 'too_large' };
        }
        chunks.push(Buffer.from(chunk));
      }
      return { kind: 'ok', bytes: Buffer.concat(chunks) };
    }
    return { kind: 'failed' };
  } catch {
    return { kind: 'failed' };
  }
}
