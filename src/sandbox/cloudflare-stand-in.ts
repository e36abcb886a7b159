import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AnalyticsSettings, createSampleDataset, type SampleDataset } from './dataset.js';
import { listenOnLoopback, readBody } from './listen.js';
import {
  type CloudflareGraphqlBody,
  createGraphqlExecutor,
  type GraphqlRequestBody,
} from './stand-in-graphql.js';
import {
  ALL_PERMISSIONS,
  authenticationError,
  handleRestRequest,
  type Permission,
  type RestReply,
  v4Failure,
} from './stand-in-rest.js';

export { ALL_PERMISSIONS, type Permission };

export const DEFAULT_STAND_IN_TOKEN = 'stand-in-token';

const API_PREFIX = '/client/v4';
const GRAPHQL_PATH = `${API_PREFIX}/graphql`;
const CONTROL_FAULTS_PATH = '/__stand-in/faults';

export interface StandInOptions {
  /** Default: `createSampleDataset(now())`. */
  dataset?: SampleDataset;
  /** Default: `() => new Date()`. */
  now?: () => Date;
  /** The only accepted bearer token. Default `stand-in-token`. */
  token?: string;
  /** What the token may do. Default: every permission in `ALL_PERMISSIONS`. */
  permissions?: readonly Permission[];
  /** Added before every API response (benchmarks). */
  latencyMs?: number;
  /** Overrides the dataset's `settings` node (retention, window, page size, available fields). */
  settings?: Partial<AnalyticsSettings>;
  /** `access_requests` query parameters answered with HTTP 400, as an API without that filter would. */
  rejectLogFilters?: readonly string[];
}

/** Which requests a fault applies to: the GraphQL endpoint, any REST path, or a pattern on path + query. */
export type FaultTarget = 'graphql' | 'rest' | RegExp;

interface FaultScope {
  /** Default: `graphql` for the GraphQL-only kinds, otherwise every API request. */
  target?: FaultTarget;
  /** How many matching requests the fault applies to. Default 1. */
  times?: number;
}

export type Fault = FaultScope &
  (
    | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
    | { kind: 'graphql_budget' }
    | { kind: 'malformed' }
    | { kind: 'delay'; ms: number }
    | { kind: 'graphql_errors'; errors: unknown[] }
    | { kind: 'reset' }
    /** The normal answer, padded with an extra JSON member to about `bytes` bytes and streamed. */
    | { kind: 'oversized'; bytes: number }
  );

/** A fault as JSON for `POST /__stand-in/faults`: a RegExp target travels as `{ regex, flags? }`. */
export type WireFault = Fault extends infer F
  ? F extends Fault
    ? Omit<F, 'target'> & { target?: 'graphql' | 'rest' | { regex: string; flags?: string } }
    : never
  : never;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown;
  /** GraphQL requests only: the document, its operation name and variables as sent. */
  document?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface CloudflareStandIn {
  /** e.g. `http://127.0.0.1:PORT/client/v4`; GraphQL at `${apiUrl}/graphql`. */
  apiUrl: string;
  /** Token to send as `Authorization: Bearer …`. */
  token: string;
  /** What a Cloudflare client needs to talk to this stand-in, in the adapters' option names. */
  connection: { apiToken: string; accountId: string; apiUrl: string; graphqlUrl: string };
  requests: RecordedRequest[];
  dataset: SampleDataset;
  /** Queues a fault; each applies to the next matching request(s). */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

const MALFORMED_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

function targetMatches(fault: Fault, pathWithQuery: string, pathname: string): boolean {
  const isGraphql = pathname === GRAPHQL_PATH;
  const target =
    fault.target ??
    (fault.kind === 'graphql_budget' || fault.kind === 'graphql_errors' ? 'graphql' : undefined);
  if (target === undefined) return true;
  if (target === 'graphql') return isGraphql;
  if (target === 'rest') return !isGraphql && pathname.startsWith(`${API_PREFIX}/`);
  target.lastIndex = 0;
  return target.test(pathWithQuery);
}

function graphqlErrorBody(
  message: string,
  timestamp: string,
  extensions: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    data: null,
    errors: [{ message, path: null, extensions: { ...extensions, timestamp } }],
  });
}

/** Cloudflare's documented GraphQL messages per HTTP status (analytics/graphql-api/errors). */
const GRAPHQL_STATUS_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'not authorized for that account',
  429: 'rate limiter budget depleted, try again after 5 minutes',
  503: 'unable to execute query, please try again later',
};

function defaultStatusBody(status: number, isGraphql: boolean, timestamp: string): string {
  if (isGraphql) {
    const message = GRAPHQL_STATUS_MESSAGES[status] ?? 'Internal server error';
    return graphqlErrorBody(message, timestamp, status === 403 ? { code: 'authz' } : {});
  }
  const reply =
    status === 429
      ? v4Failure(429, 971, 'Please wait and consider throttling your request speed')
      : status === 401 || status === 403
        ? authenticationError(status)
        : // Cloudflare's code for a generic 5xx is not documented; clients should key on the status.
          v4Failure(status, 10013, 'An unknown error has occurred');
  return JSON.stringify(reply.body);
}

/** Validates a JSON fault from the control endpoint. Throws a readable Error when it is not one. */
export function fromWireFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) throw new Error('fault must be a JSON object');
  const wire = input as Record<string, unknown>;
  const scope: FaultScope = {};
  if (wire.times !== undefined) {
    if (typeof wire.times !== 'number' || wire.times < 1) throw new Error('times must be a positive number');
    scope.times = wire.times;
  }
  const target = wire.target;
  if (target === 'graphql' || target === 'rest') scope.target = target;
  else if (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as { regex?: unknown }).regex === 'string'
  ) {
    const { regex, flags } = target as { regex: string; flags?: unknown };
    scope.target = new RegExp(regex, typeof flags === 'string' ? flags : '');
  } else if (target !== undefined) throw new Error("target must be 'graphql', 'rest' or { regex, flags? }");

  switch (wire.kind) {
    case 'status': {
      if (typeof wire.status !== 'number') throw new Error('status fault needs a numeric status');
      const fault: Extract<Fault, { kind: 'status' }> = { ...scope, kind: 'status', status: wire.status };
      if (typeof wire.body === 'string') fault.body = wire.body;
      if (typeof wire.headers === 'object' && wire.headers !== null) {
        fault.headers = Object.fromEntries(Object.entries(wire.headers).map(([k, v]) => [k, String(v)]));
      }
      return fault;
    }
    case 'delay':
      if (typeof wire.ms !== 'number' || wire.ms < 0) throw new Error('delay fault needs ms >= 0');
      return { ...scope, kind: 'delay', ms: wire.ms };
    case 'graphql_errors':
      if (!Array.isArray(wire.errors)) throw new Error('graphql_errors fault needs an errors array');
      return { ...scope, kind: 'graphql_errors', errors: wire.errors };
    case 'oversized':
      if (typeof wire.bytes !== 'number' || wire.bytes < 0)
        throw new Error('oversized fault needs bytes >= 0');
      return { ...scope, kind: 'oversized', bytes: wire.bytes };
    case 'graphql_budget':
    case 'malformed':
    case 'reset':
      return { ...scope, kind: wire.kind };
    default:
      throw new Error(`unknown fault kind ${JSON.stringify(wire.kind)}`);
  }
}

const PAD_CHUNK = 'x'.repeat(64 * 1024);

/**
 * Writes `body` with a `"padding":"xxx…"` member before its closing brace, `totalBytes` long in all,
 * chunk by chunk and honouring back-pressure, so a 150 MB answer never sits in the stand-in's memory.
 */
function streamPadded(res: ServerResponse, body: string, totalBytes: number): void {
  const head = `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}"padding":"`;
  let remaining = Math.max(0, totalBytes - head.length - 2);
  res.write(head);
  const pump = (): void => {
    while (remaining > 0) {
      if (res.destroyed) return;
      const chunk = remaining >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.slice(0, remaining);
      remaining -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('"}');
  };
  pump();
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function asGraphqlBody(body: unknown): GraphqlRequestBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  return {
    query,
    variables:
      typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : null,
    operationName: typeof operationName === 'string' ? operationName : null,
  };
}

/**
 * Starts a loopback HTTP server that answers like Cloudflare's API for the Access login dataset
 * (GraphQL) and the Access REST endpoints the bot reads, over a bundled sample dataset.
 */
export async function startCloudflareStandIn(
  options: StandInOptions & { port?: number } = {},
): Promise<CloudflareStandIn> {
  const now = options.now ?? (() => new Date());
  const dataset = options.dataset ?? createSampleDataset(now());
  const token = options.token ?? DEFAULT_STAND_IN_TOKEN;
  const tokenId = createHash('sha256').update(token).digest('hex').slice(0, 32);
  const permissions = new Set<Permission>(options.permissions ?? ALL_PERMISSIONS);
  const settings: AnalyticsSettings = { ...dataset.settings, ...options.settings };
  const latencyMs = options.latencyMs ?? 0;
  const executeGraphql = createGraphqlExecutor(dataset);

  const requests: RecordedRequest[] = [];
  let faults: QueuedFault[] = [];
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let closed = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleepers.add(sleeper);
    });

  const takeFault = (pathWithQuery: string, pathname: string): Fault | undefined => {
    const queued = faults.find((q) => targetMatches(q.fault, pathWithQuery, pathname));
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) faults = faults.filter((q) => q !== queued);
    return queued.fault;
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
    padToBytes = 0,
  ): void => {
    if (closed || res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'cf-ray': `${randomBytes(8).toString('hex')}-SJC`,
      ...headers,
    });
    if (padToBytes > body.length && body.endsWith('}')) streamPadded(res, body, padToBytes);
    else res.end(body);
  };

  const sendRest = (res: ServerResponse, reply: RestReply, padToBytes = 0): void =>
    send(res, reply.status, JSON.stringify(reply.body), {}, padToBytes);
  const sendGraphql = (
    res: ServerResponse,
    status: number,
    body: CloudflareGraphqlBody,
    padToBytes = 0,
  ): void => send(res, status, JSON.stringify(body), {}, padToBytes);

  /** Returns true when the fault answered the request itself. */
  const applyFault = async (fault: Fault, req: IncomingMessage, res: ServerResponse, isGraphql: boolean) => {
    const timestamp = now().toISOString();
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.ms);
        return false;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'malformed':
        send(res, 200, MALFORMED_BODY, { 'content-type': 'text/html' });
        return true;
      case 'graphql_budget':
        send(
          res,
          429,
          graphqlErrorBody(
            `Account ${dataset.accountId} has exceeded its rate limit. Please try again after 5 minutes.`,
            timestamp,
            { code: 'budget' },
          ),
        );
        return true;
      case 'graphql_errors':
        send(res, 200, JSON.stringify({ data: null, errors: fault.errors }));
        return true;
      case 'oversized':
        // The handler answers; `send` pads its body.
        return false;
      case 'status': {
        const body = fault.body ?? defaultStatusBody(fault.status, isGraphql, timestamp);
        const type = parseJson(body) === undefined ? 'text/plain' : 'application/json';
        send(res, fault.status, body, { 'content-type': type, ...fault.headers });
        return true;
      }
    }
  };

  const handleGraphql = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    padToBytes: number,
  ): Promise<void> => {
    const timestamp = now().toISOString();
    if (bearerToken(req.headers) !== token) {
      send(res, 401, graphqlErrorBody('Unauthorized', timestamp));
      return;
    }
    const request = asGraphqlBody(body);
    if (req.method !== 'POST' || !request) {
      send(
        res,
        400,
        graphqlErrorBody(
          'error parsing args: expected a POST with a JSON {query, variables} body',
          timestamp,
        ),
      );
      return;
    }
    const result = await executeGraphql(request, {
      now: now(),
      settings,
      canReadAnalytics: permissions.has('Account Analytics Read'),
    });
    sendGraphql(res, 200, result, padToBytes);
  };

  const handleControl = (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    rawBody: string,
  ): void => {
    if (pathname !== CONTROL_FAULTS_PATH) {
      send(res, 404, JSON.stringify({ ok: false, error: 'unknown control path' }));
      return;
    }
    if (req.method === 'DELETE') {
      faults = [];
      send(res, 200, JSON.stringify({ ok: true, pending: 0 }));
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, JSON.stringify({ ok: false, error: 'use POST or DELETE' }));
      return;
    }
    try {
      injectFault(fromWireFault(parseJson(rawBody)));
      send(res, 201, JSON.stringify({ ok: true, pending: faults.length }));
    } catch (error) {
      send(
        res,
        400,
        JSON.stringify({ ok: false, error: error instanceof Error ? error.message : 'invalid fault' }),
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    const rawBody = await readBody(req);
    if (url.pathname.startsWith('/__stand-in/')) {
      handleControl(req, res, url.pathname, rawBody);
      return;
    }

    const body = parseJson(rawBody);
    const isGraphql = url.pathname === GRAPHQL_PATH;
    const graphqlBody = isGraphql ? asGraphqlBody(body) : undefined;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body,
      ...(graphqlBody
        ? {
            document: graphqlBody.query,
            operationName: graphqlBody.operationName ?? null,
            variables: graphqlBody.variables ?? null,
          }
        : {}),
    });

    const fault = takeFault(`${url.pathname}${url.search}`, url.pathname);
    if (latencyMs > 0) await sleep(latencyMs);
    if (closed) return;
    if (fault && (await applyFault(fault, req, res, isGraphql))) return;
    if (closed) return;
    const padToBytes = fault?.kind === 'oversized' ? fault.bytes : 0;

    if (isGraphql) {
      await handleGraphql(req, res, body, padToBytes);
      return;
    }
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      sendRest(res, v4Failure(404, 7000, 'No route for that URI'));
      return;
    }
    const presented = bearerToken(req.headers);
    if (presented !== token) {
      sendRest(res, authenticationError(presented === undefined ? 400 : 403));
      return;
    }
    sendRest(
      res,
      handleRestRequest({
        method: req.method ?? 'GET',
        path: url.pathname.slice(API_PREFIX.length),
        query: url.searchParams,
        permissions,
        dataset,
        tokenId,
        ...(options.rejectLogFilters ? { rejectLogFilters: options.rejectLogFilters } : {}),
      }),
      padToBytes,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      send(res, 500, JSON.stringify(v4Failure(500, 10013, 'An unknown error has occurred').body));
    });
  });

  const port = await listenOnLoopback(server, options.port);

  function injectFault(fault: Fault): void {
    faults.push({ fault, remaining: fault.times ?? 1 });
  }

  const apiUrl = `http://127.0.0.1:${port}${API_PREFIX}`;
  return {
    apiUrl,
    token,
    connection: { apiToken: token, accountId: dataset.accountId, apiUrl, graphqlUrl: `${apiUrl}/graphql` },
    requests,
    dataset,
    injectFault,
    clearFaults: () => {
      faults = [];
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      sleepers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
