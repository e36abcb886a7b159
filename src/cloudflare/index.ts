import type { AccessDirectory, AccessEventSource } from '../core/ports.js';
import { createRestAccessDirectory } from './access-directory.js';
import { createGraphqlEventSource } from './access-event-source.js';
import { createCloudflareHttp } from './http.js';
import { createRestClient } from './rest-client.js';

export interface CloudflareAdapterOptions {
  apiToken: string;
  accountId: string;
  apiUrl: string;
  graphqlUrl: string;
  timeoutMs: number;
  maxLookbackSeconds?: number;
}

export interface CloudflareAdapters {
  events: AccessEventSource;
  directory: AccessDirectory;
  close(): Promise<void>;
}

/** Builds the Cloudflare-backed ports over one keep-alive pool. */
export function createCloudflareAdapters(options: CloudflareAdapterOptions): CloudflareAdapters {
  const http = createCloudflareHttp({ timeoutMs: options.timeoutMs });
  const events = createGraphqlEventSource({
    graphqlUrl: options.graphqlUrl,
    apiToken: options.apiToken,
    accountId: options.accountId,
    fetch: http.fetch,
    maxLookbackSeconds: options.maxLookbackSeconds,
  });
  const rest = createRestClient({ apiUrl: options.apiUrl, apiToken: options.apiToken, fetch: http.fetch });
  return { events, directory: createRestAccessDirectory(rest, options.accountId), close: () => http.close() };
}
