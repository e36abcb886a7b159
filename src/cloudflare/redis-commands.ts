import { createHash } from 'node:crypto';

/**
 * The one thing the Cloudflare adapter needs from a Redis client: send a command, get the reply.
 * Declared here so the adapter never imports a client library; the composition root hands in a
 * client that rejects fast (short timeout, no offline queue) while Redis is unreachable.
 */
export interface RedisCommands {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** A Lua script with its SHA-1, so it is sent in full only when the server does not know it yet. */
export interface RedisScript {
  source: string;
  sha: string;
}

export function defineScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * EVALSHA, falling back to EVAL on NOSCRIPT (a restarted or flushed Redis has forgotten the script;
 * EVAL caches it again). https://redis.io/docs/latest/commands/evalsha/
 */
export async function runScript(
  redis: RedisCommands,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.call('EVALSHA', script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.call('EVAL', script.source, keys.length, ...keys, ...args);
  }
}
