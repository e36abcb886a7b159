import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `listening` is HTTP mode's "connected": the token checked out and Slack can reach the port. */
export type SlackHealth = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'listening';
/** From the last lookups: `degraded` after Cloudflare failed one, `unknown` before any. */
export type CloudflareHealth = 'ok' | 'degraded' | 'unknown';

export interface HealthSnapshot {
  slack: SlackHealth;
  draining: boolean;
  cloudflare: CloudflareHealth;
}

export const HEALTH_PATH = '/healthz';

/**
 * Ready only while Slack can reach the bot and it is not draining. Cloudflare is reported but never
 * makes the check fail: restarting the bot would not fix Cloudflare, and the cards already say so.
 */
export function isHealthy(snapshot: HealthSnapshot): boolean {
  return (snapshot.slack === 'connected' || snapshot.slack === 'listening') && !snapshot.draining;
}

/** Answers `GET /healthz` (and HEAD) if `req` asks for it; returns false for any other request. */
export function answerHealth(
  req: IncomingMessage,
  res: ServerResponse,
  snapshot: () => HealthSnapshot,
): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== HEALTH_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const current = snapshot();
  const body = JSON.stringify(current);
  res.writeHead(isHealthy(current) ? 200 : 503, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Socket Mode's health port: `/healthz` and nothing else. */
export async function startHealthServer(
  port: number,
  host: string,
  snapshot: () => HealthSnapshot,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (answerHealth(req, res, snapshot)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  // A probe never holds a connection open for long.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
