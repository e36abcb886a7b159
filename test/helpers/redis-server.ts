import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { createRedisConnection, type RedisConnection } from '../../src/redis-connection.js';

/** Whether a real `redis-server` is installed here (CI installs it in .ci/run). */
export const REDIS_SERVER_INSTALLED =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

// CI installs redis-server (.ci/run): there, a missing one is a broken CI, not a reason to skip.
if (!REDIS_SERVER_INSTALLED && process.env.CI === 'true') {
  throw new Error('redis-server is not installed on CI: .ci/run must install it before running the tests');
}
if (!REDIS_SERVER_INSTALLED) {
  console.warn(
    '\n*** redis-server is not installed: the Redis and replica tests are SKIPPED. ' +
      'Install it (apt-get install -y redis-server) to run them; CI does. ***\n',
  );
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL, as a crash would: nothing is saved (the server runs with no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free loopback port (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Starts `redis-server` on a free loopback port with no persistence; one per test file. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 10_000;
    while (!(await reachable(port))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited (${started.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    stop: kill,
  };
}

/** A real redis-server and two ready connections to it (two replicas), closed together. */
export interface RedisPair {
  server: RedisServer;
  a: RedisConnection;
  b: RedisConnection;
  close(): Promise<void>;
}

/** Starts a server and connects twice; `log` receives the first connection's state lines. */
export async function startRedisPair(
  log: (entry: Record<string, unknown>) => void = () => undefined,
): Promise<RedisPair> {
  const server = await startRedisServer();
  const a = createRedisConnection(server.url, log);
  const b = createRedisConnection(server.url, () => undefined);
  if (!(await a.ready(5_000)) || !(await b.ready(5_000))) throw new Error('redis connections not ready');
  return {
    server,
    a,
    b,
    async close() {
      a.close();
      b.close();
      await server.stop();
    },
  };
}
