import { z } from 'zod';
import { LookupError } from '../core/errors.js';
import { toHttpLookupError, toTransportLookupError } from './map-error.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readCappedText } from './read-capped.js';
import { type CallScope, createUpstreamGuard, type UpstreamGuard } from './upstream-guard.js';

const messageSchema = z
  .object({ code: z.coerce.number().optional(), message: z.string().optional() })
  .loose();

const count = z.coerce.number().int().nonnegative().optional().catch(undefined);

/**
 * Cloudflare's v4 envelope; `errors`/`messages` may be null on some endpoints. Access lists answer
 * `result_info` as `{page, per_page, count, total_count}` with no `total_pages` (the published
 * OpenAPI's `access_result_info`); a garbled number there is ignored rather than failing the page.
 */
const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(messageSchema).nullish(),
  messages: z.array(z.unknown()).nullish(),
  result: z.unknown(),
  result_info: z
    .object({ page: count, per_page: count, count, total_count: count, total_pages: count })
    .loose()
    .nullish()
    .catch(undefined),
});
type Envelope = z.infer<typeof envelopeSchema>;

export interface RestClientOptions {
  apiUrl: string;
  apiToken: string;
  fetch: typeof fetch;
  /** Items per list page asked for when a call names none (default 50, under every documented cap). */
  perPage?: number;
  /** Most bytes one response may have (default 16 MB): past it the call fails `upstream_bad_response`. */
  maxResponseBytes?: number;
  /** Most bytes one paginated list may total (default 24 MB): past it the list is cut, and says so. */
  maxListBytes?: number;
  /** Most pages one list may take (default 50): past it the list is cut, and says so. */
  maxPages?: number;
  /**
   * Budget, pause after a 429, retries and the lookup deadline; share one with the GraphQL source.
   * Default: a guard of its own with the default policy.
   */
  guard?: UpstreamGuard;
}

/** Why a list is incomplete: a cap on pages or on bytes stopped the paging. */
export type ListCut = 'pages' | 'bytes';

/** One list, read as far as the caps allow; items that do not parse are skipped and counted. */
export interface ListResult<T> {
  items: T[];
  /** Items the bot could not read (skipped, never failing the whole list). */
  skipped: number;
  /** Present when a cap stopped the paging before the end of the list. */
  cut?: ListCut;
}

export interface ListOptions<T> {
  query?: Record<string, string>;
  /** Items per page to ask for: the endpoint's documented maximum (see `list-limits.ts`). */
  perPage?: number;
  /** Fewer pages than the client's cap, for lists where the first pages are the ones that matter. */
  maxPages?: number;
  /** Stops paging once this says the wanted items are in (e.g. a Ray ID was found). */
  stopWhen?: (items: readonly T[]) => boolean;
}

/**
 * Every method takes the `CallScope` of the lookup it serves last: its deadline bounds the call (and
 * every page of a list), its spender pays for it. Without one, each request has a deadline of its own
 * and spends the bot's own budget.
 */
export interface RestClient {
  /** GETs one v4 resource and validates its `result`. `permission` names what a 403 means. */
  get<T>(
    path: string,
    schema: z.ZodType<T>,
    permission: string,
    query?: Record<string, string>,
    scope?: CallScope,
  ): Promise<T>;
  /** GETs the pages of a v4 list the way Cloudflare pages it, validating each item on its own. */
  list<T>(
    path: string,
    itemSchema: z.ZodType<T>,
    permission: string,
    options?: ListOptions<T>,
    scope?: CallScope,
  ): Promise<ListResult<T>>;
}

const DEFAULT_PER_PAGE = 50;
const DEFAULT_MAX_PAGES = 50;
const DEFAULT_MAX_LIST_BYTES = 24 * 1024 * 1024;

/** A cheap identity for a page: an endpoint that ignores `page` sends the same first and last item. */
function pageKey(items: readonly unknown[]): string {
  return `${items.length}|${JSON.stringify(items[0])}|${JSON.stringify(items[items.length - 1])}`;
}

/** Cloudflare REST v4 over the shared keep-alive pool, every response checked against the envelope. */
export function createRestClient(options: RestClientOptions): RestClient {
  const secrets = [options.apiToken];
  const defaultPerPage = options.perPage ?? DEFAULT_PER_PAGE;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxListBytes = options.maxListBytes ?? DEFAULT_MAX_LIST_BYTES;
  const maxPagesCap = options.maxPages ?? DEFAULT_MAX_PAGES;
  const guard = options.guard ?? createUpstreamGuard();

  function request(
    path: string,
    permission: string,
    query: Record<string, string> | undefined,
    scope: CallScope | undefined,
  ) {
    const url = new URL(`${options.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    return guard.call('rest', (signal) => requestOnce(url, path, permission, signal), scope);
  }

  /** One GET; throws the `LookupError` its answer maps to, which tells the guard whether to retry. */
  async function requestOnce(
    url: URL,
    path: string,
    permission: string,
    signal: AbortSignal,
  ): Promise<{ envelope: Envelope; bytes: number }> {
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        headers: { authorization: `Bearer ${options.apiToken}`, accept: 'application/json' },
        signal,
      });
      text = await readCappedText(response, maxResponseBytes, `GET ${path}`);
    } catch (error) {
      if (error instanceof LookupError) throw error;
      throw (
        toTransportLookupError(error, secrets) ??
        new LookupError('upstream_unavailable', {
          safeMessage: 'Could not reach the Cloudflare API.',
          detail: `GET ${path}: ${error instanceof Error ? error.name : 'error'}`,
        })
      );
    }
    let envelope: Envelope | undefined;
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
    return { envelope, bytes: text.length };
  }

  return {
    async get(path, schema, permission, query, scope) {
      const result = schema.safeParse((await request(path, permission, query, scope)).envelope.result);
      if (!result.success) throw badResponse(path, 'unexpected result shape');
      return result.data;
    },

    async list(path, itemSchema, permission, listOptions = {}, scope) {
      const items: z.infer<typeof itemSchema>[] = [];
      const perPage = listOptions.perPage ?? defaultPerPage;
      const maxPages = Math.min(listOptions.maxPages ?? maxPagesCap, maxPagesCap);
      let skipped = 0;
      let seen = 0;
      let bytes = 0;
      let previous: string | undefined;
      for (let page = 1; ; page++) {
        const { envelope, bytes: pageBytes } = await request(
          path,
          permission,
          { ...listOptions.query, page: String(page), per_page: String(perPage) },
          scope,
        );
        bytes += pageBytes;
        const raw = envelope.result ?? [];
        if (!Array.isArray(raw)) throw badResponse(path, 'list result is not an array');
        // An endpoint that ignores `page` answers page 1 again: its items are duplicates, stop here.
        const key = pageKey(raw);
        if (raw.length === 0 || key === previous) return { items, skipped };
        previous = key;
        seen += raw.length;
        for (const item of raw) {
          const parsed = itemSchema.safeParse(item);
          if (parsed.success) items.push(parsed.data);
          else skipped += 1;
        }
        if (listOptions.stopWhen?.(items)) return { items, skipped };
        const info = envelope.result_info ?? {};
        // Cloudflare answers the per_page it applied (its cap), which may be less than asked.
        const applied = info.per_page && info.per_page > 0 ? info.per_page : perPage;
        // total_count has come back 0 alongside rows: trust it only when it is not below what arrived.
        const total =
          info.total_count !== undefined && info.total_count >= seen ? info.total_count : undefined;
        const done =
          info.total_pages !== undefined
            ? page >= info.total_pages
            : total !== undefined
              ? seen >= total
              : raw.length < applied;
        if (done) return { items, skipped };
        if (bytes > maxListBytes) return { items, skipped, cut: 'bytes' };
        if (page >= maxPages) return { items, skipped, cut: 'pages' };
      }
    },
  };
}

function badResponse(path: string, what: string): LookupError {
  return new LookupError('upstream_bad_response', {
    safeMessage: 'Cloudflare sent a REST response the bot could not read.',
    detail: `GET ${path}: ${what}`,
  });
}
