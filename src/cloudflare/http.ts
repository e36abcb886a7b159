import { Agent, fetch as undiciFetch } from 'undici';

export interface CloudflareHttp {
  /** A fetch bound to one keep-alive pool, with a per-request deadline. */
  fetch: typeof fetch;
  close(): Promise<void>;
  /** Aborts requests still in flight and closes every socket at once (shutdown past its deadline). */
  destroy(): Promise<void>;
}

/** One keep-alive connection pool for every Cloudflare call (GraphQL and REST). */
export function createCloudflareHttp(options: { timeoutMs: number; connections?: number }): CloudflareHttp {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: options.connections ?? 16,
    connectTimeout: Math.min(options.timeoutMs, 10_000),
  });
  const boundFetch = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal as AbortSignal, deadline]) : deadline;
    return undiciFetch(input, { ...init, signal, dispatcher: agent });
  };
  return {
    // undici 7's fetch types differ from @types/node 20's bundled undici-types; the runtime contract is the same.
    fetch: boundFetch as unknown as typeof fetch,
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
