import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './listen.js';

export interface RecordedSlackRequest {
  method: string;
  /** Path without the query string, e.g. `/api/chat.postMessage` or `/response/abc`. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /**
   * JSON or urlencoded form body as an object (form fields stay strings: `blocks` arrives as JSON
   * text). Typed `unknown` because it is whatever the client sent.
   */
  body: unknown;
}

export interface FakeSlack {
  baseUrl: string;
  /** `${baseUrl}/api/` — with the trailing slash Slack's Web API client expects. */
  apiUrl: string;
  requests: RecordedSlackRequest[];
  /** A response_url the fake accepts: `${baseUrl}/response/${id}`. */
  responseUrl(id: string): string;
  /** A file's `url_private` (`${baseUrl}/files/${id}`), served with a bot token as Slack serves it. */
  fileUrl(id: string): string;
  /** Resolves with the first recorded request (past or future) matching `predicate`. */
  waitFor(
    predicate: (request: RecordedSlackRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedSlackRequest>;
  /**
   * A network outage: while down, every connection to the fake is cut before an answer (as a
   * dropped route looks to a client). Requests are still recorded.
   */
  setDown(down: boolean): void;
  /** Makes `method` fail (until cleared with `undefined`): an HTTP status, or Slack's `ok:false` code. */
  setFailure(method: string, failure: SlackFailure | undefined): void;
  close(): Promise<void>;
}

/** How a Web API method can fail: `{ status: 503 }`, or `{ error: 'invalid_auth' }` with HTTP 200. */
export type SlackFailure = { status: number; retryAfterSeconds?: number } | { error: string };

export const FAKE_SLACK_IDS = {
  teamId: 'T0SANDBOX',
  userId: 'U0BOT',
  botId: 'B0BOT',
} as const;

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw.trim() === '') return {};
  if (contentType?.includes('application/json') || raw.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { value: parsed };
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function jsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Starts a loopback fake of Slack's Web API and response_url endpoints that records every call. */
export interface FakeSlackOptions {
  port?: number;
  /** Slack user id → email, answered by `users.info` (users:read.email). */
  users?: Record<string, string>;
  /** User group id → member user ids, answered by `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  /** Channel id → whether it is private, answered by `conversations.info`; others are `channel_not_found`. */
  channels?: Record<string, { isPrivate: boolean }>;
  /** Bot tokens `auth.test` accepts; any other gets `invalid_auth`. Default: any token. */
  botTokens?: readonly string[];
  /** App-level tokens `apps.connections.open` accepts; any other gets `invalid_auth`. Default: any `xapp-`. */
  appTokens?: readonly string[];
  /**
   * Hands out a Socket Mode WebSocket URL (with a fresh ticket) for `apps.connections.open`.
   * Without it the fake answers `not_allowed_token_type`, as Slack does for a token that cannot.
   */
  socketModeUrl?: () => string;
  /**
   * Files served at `fileUrl(id)` (url_private): with a bot token (`Authorization: Bearer xoxb-…`,
   * one of `botTokens` when given) the bytes; without one, an HTML sign-in page, as Slack answers.
   */
  files?: Record<string, { bytes: Buffer; mimetype: string }>;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const requests: RecordedSlackRequest[] = [];
  const waiters = new Map<(request: RecordedSlackRequest) => void, (error: Error) => void>();
  const startSeconds = Math.floor(Date.now() / 1000);
  let sequence = 0;
  const nextTs = (): string => {
    sequence += 1;
    return `${startSeconds}.${String(sequence).padStart(6, '0')}`;
  };

  let down = false;
  const failures = new Map<string, SlackFailure>();
  const bearer = (headers: IncomingHttpHeaders) => {
    const value = headers.authorization ?? '';
    return value.startsWith('Bearer ') ? value.slice('Bearer '.length) : '';
  };

  const answer = (
    path: string,
    body: Record<string, unknown>,
    headers: IncomingHttpHeaders,
  ): Record<string, unknown> => {
    if (path.startsWith('/response/')) return { ok: true };
    const method = path.slice('/api/'.length);
    const token = bearer(headers) || (typeof body.token === 'string' ? body.token : '');
    const message = (ts: string) => ({
      type: 'message',
      text: body.text ?? '',
      ...(body.blocks === undefined ? {} : { blocks: jsonField(body.blocks) }),
      user: FAKE_SLACK_IDS.userId,
      bot_id: FAKE_SLACK_IDS.botId,
      team: FAKE_SLACK_IDS.teamId,
      ts,
    });
    switch (method) {
      case 'auth.test':
        if (options.botTokens && !options.botTokens.includes(token))
          return { ok: false, error: 'invalid_auth' };
        return {
          ok: true,
          url: 'https://sandbox.slack.com/',
          team: 'Sandbox',
          user: 'access-why',
          team_id: FAKE_SLACK_IDS.teamId,
          user_id: FAKE_SLACK_IDS.userId,
          bot_id: FAKE_SLACK_IDS.botId,
        };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel: body.channel, ts, message: message(ts) };
      }
      case 'chat.update': {
        const ts = typeof body.ts === 'string' ? body.ts : nextTs();
        return { ok: true, channel: body.channel, ts, text: body.text ?? '', message: message(ts) };
      }
      case 'users.info': {
        const id = typeof body.user === 'string' ? body.user : '';
        const email = options.users?.[id];
        return email === undefined
          ? { ok: false, error: 'user_not_found' }
          : { ok: true, user: { id, name: id.toLowerCase(), profile: { email } } };
      }
      case 'usergroups.users.list': {
        const members = options.usergroups?.[typeof body.usergroup === 'string' ? body.usergroup : ''];
        return members === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users: members };
      }
      case 'views.open':
      case 'views.update': {
        const id =
          typeof body.view_id === 'string' ? body.view_id : `V0VIEW${String(++sequence).padStart(6, '0')}`;
        return {
          ok: true,
          view: { id, ...(typeof body.view === 'object' ? {} : { view: jsonField(body.view) }) },
        };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'conversations.info': {
        const id = typeof body.channel === 'string' ? body.channel : '';
        const channel = options.channels?.[id];
        return channel === undefined
          ? { ok: false, error: 'channel_not_found' }
          : { ok: true, channel: { id, is_channel: true, is_private: channel.isPrivate } };
      }
      case 'apps.connections.open': {
        const accepted = options.appTokens ? options.appTokens.includes(token) : token.startsWith('xapp-');
        if (!accepted)
          return { ok: false, error: token.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type' };
        if (!options.socketModeUrl) return { ok: false, error: 'not_allowed_token_type' };
        return { ok: true, url: options.socketModeUrl() };
      }
      default:
        return { ok: true };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake-slack.invalid');
    const rawBody = await readBody(req);
    const body = parseBody(rawBody, req.headers['content-type']);
    const recorded: RecordedSlackRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: req.headers,
      rawBody,
      body,
    };
    requests.push(recorded);
    for (const waiter of [...waiters.keys()]) waiter(recorded);

    if (down) {
      req.socket.destroy();
      return;
    }
    const failure = failures.get(url.pathname.slice('/api/'.length));
    if (failure && 'status' in failure) {
      res.writeHead(failure.status, {
        'content-type': 'application/json; charset=utf-8',
        ...(failure.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(failure.retryAfterSeconds) }),
      });
      res.end(JSON.stringify({ ok: false, error: 'fake_failure' }));
      return;
    }
    if (url.pathname.startsWith('/files/')) {
      const file = options.files?.[decodeURIComponent(url.pathname.slice('/files/'.length))];
      const token = bearer(req.headers);
      const authorised =
        token.startsWith('xoxb-') && (options.botTokens === undefined || options.botTokens.includes(token));
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('file not found');
      } else if (!authorised) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
      } else {
        res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
        res.end(file.bytes);
      }
      return;
    }
    const known = url.pathname.startsWith('/api/') || url.pathname.startsWith('/response/');
    res.writeHead(known ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' });
    const answered = failure
      ? { ok: false, error: failure.error }
      : known
        ? answer(url.pathname, body, req.headers)
        : { ok: false, error: 'unknown_method' };
    res.end(JSON.stringify(answered));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'internal_error' }));
    });
  });
  const port = await listenOnLoopback(server, options.port);
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    apiUrl: `${baseUrl}/api/`,
    requests,
    responseUrl: (id) => `${baseUrl}/response/${encodeURIComponent(id)}`,
    fileUrl: (id) => `${baseUrl}/files/${encodeURIComponent(id)}`,
    waitFor: (predicate, timeoutMs = 5000) => {
      const seen = requests.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (request: RecordedSlackRequest) => {
          if (!predicate(request)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(request);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`fake Slack: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(waiter, (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    },
    setDown: (value) => {
      down = value;
      if (value) server.closeAllConnections();
    },
    setFailure: (method, failure) => {
      if (failure === undefined) failures.delete(method);
      else failures.set(method, failure);
    },
    close: async () => {
      for (const fail of waiters.values()) fail(new Error('fake Slack closed before a matching request'));
      waiters.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
