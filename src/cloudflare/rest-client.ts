import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import { toHttpLookupError, toTransportLookupError } from './map-error.js';
import { createUpstreamGuard, type UpstreamGuard } from './upstream-guard.js';

const messageSchema = z
  .object({ code: z.coerce.number().optional(), message: z.string().optional() })
  .loose();

/** Cloudflare's v4 envelope; `errors`/`messages` may be null on some endpoints. */
const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(messageSchema).nullish(),
  messages: z.array(z.unknown()).nullish(),
  result: z.unknown(),
  result_info: z
    .object({
      page: z.coerce.number().optional(),
      per_page: z.coerce.number().optional(),
      count: z.coerce.number().optional(),
      total_count: z.coerce.number().optional(),
      total_pages: z.coerce.number().optional(),
    })
    .loose()
    .nullish(),
});

export interface RestClientOptions {
  apiUrl: string;
  apiToken: string;
  fetch: typeof fetch;
  /** Items per list page (default 100). */
  perPage?: number;
  /**
   * Budget, pause after a 429, retries and the lookup deadline; share one with the GraphQL source.
   * Default: a guard of its own with the default policy.
   */
  guard?: UpstreamGuard;
}

export interface RestClient {
  /** GETs one v4 resource and validates its `result`. `permission` names what a 403 means. */
  get<T>(path: string, schema: z.ZodType<T>, permission: string, query?: Record<string, string>): Promise<T>;
  /** GETs every page of a v4 list and validates each item. */
  list<T>(
    path: string,
    itemSchema: z.ZodType<T>,
    permission: string,
    query?: Record<string, string>,
  ): Promise<T[]>;
}

/** Items per page asked for by default; Cloudflare caps lists at 1000 and defaults to far fewer. */
const DEFAULT_PER_PAGE = 100;
/** A bound on pages, so a misbehaving upstream cannot keep the bot paging forever. */
const MAX_PAGES = 50;

/** Cloudflare REST v4 over the shared keep-alive pool, every response checked against the envelope. */
export function createRestClient(options: RestClientOptions): RestClient {
  const secrets = [options.apiToken];
  const perPage = options.perPage ?? DEFAULT_PER_PAGE;
  const guard = options.guard ?? createUpstreamGuard();

  function request(path: string, permission: string, query: Record<string, string> | undefined) {
    const url = new URL(`${options.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    return guard.call('rest', (signal) => requestOnce(url, path, permission, signal));
  }

  /** One GET; throws the `LookupError` its answer maps to, which tells the guard whether to retry. */
  async function requestOnce(url: URL, path: string, permission: string, signal: AbortSignal) {
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        headers: { authorization: `Bearer ${options.apiToken}`, accept: 'application/json' },
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw (
        toTransportLookupError(error, secrets) ??
        new LookupError('upstream_unavailable', {
          safeMessage: 'Could not reach the Cloudflare API.',
          detail: `GET ${path}: ${error instanceof Error ? error.name : 'error'}`,
        })
      );
    }
    let envelope: z.infer<typeof envelopeSchema> | undefined;
    try {
      const parsed = envelopeSchema.safeParse(JSON.parse(text));
      envelope = parsed.success ? parsed.data : undefined;
    } catch {
      envelope = undefined;
    }
    const errors = (envelope?.errors ?? []).map((e) => ({
      message: e.message,
      extensions: { code: e.code === 10000 ? 'authz' : e.code === 971 ? 'budget' : e.code },
    }));
    if (!response.ok || envelope?.success === false) {
      if (response.status === 404) {
        throw new LookupError('upstream_query_error', {
          safeMessage: 'Cloudflare does not know this object (HTTP 404).',
          detail: `GET ${path}: 404`,
          status: 404,
        });
      }
      throw toHttpLookupError(response.status, response.headers, errors, secrets, permission);
    }
    if (!envelope) throw badResponse(path, 'not a v4 JSON envelope');
    return envelope;
  }

  return {
    async get(path, schema, permission, query) {
      const result = schema.safeParse((await request(path, permission, query)).result);
      if (!result.success) throw badResponse(path, 'unexpected result shape');
      return result.data;
    },
    async list(path, itemSchema, permission, query) {
      const items: z.infer<typeof itemSchema>[] = [];
      const pageSchema = z.array(itemSchema);
      for (let page = 1; page <= MAX_PAGES; page++) {
        const envelope = await request(path, permission, {
          ...query,
          page: String(page),
          per_page: String(perPage),
        });
        const result = pageSchema.safeParse(envelope.result ?? []);
        if (!result.success) throw badResponse(path, 'unexpected list item shape');
        items.push(...result.data);
        // total_count is unreliable on some endpoints (seen as 0 with rows); trust total_pages, then a short page.
        const totalPages = envelope.result_info?.total_pages;
        const done = totalPages !== undefined ? page >= totalPages : result.data.length < perPage;
        if (done || result.data.length === 0) return items;
      }
      return items;
    },
  };
}

function badResponse(path: string, what: string): LookupError {
  return new LookupError('upstream_bad_response', {
    safeMessage: 'Cloudflare sent a REST response the bot could not read.',
    detail: `GET ${path}: ${what}`,
  });
}
