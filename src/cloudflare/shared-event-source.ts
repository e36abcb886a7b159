import { randomUUID } from 'node:crypto';
import type { EventLookup, FindEventsOptions } from '../core/ports.js';
import { searchBucket } from './batching-event-source.js';
import { defineScript, type RedisCommands, runScript } from './redis-commands.js';
import type { ScopedEventSource } from './scoped-ports.js';
import { decodeLookup, encodeLookup } from './shared-lookup-codec.js';
import type { CallScope } from './upstream-guard.js';

export interface SharedEventSourceOptions {
  redis: RedisCommands;
  /** Prefix of every key; replicas that share rows use the same. Default `access-why:`. */
  keyPrefix?: string;
  /** How long a found row is shared; a logged request never changes. Default 24 h. */
  foundTtlMs?: number;
  /** How long a miss is shared (the row may not be ingested yet). Default 30 s. */
  notFoundTtlMs?: number;
  /**
   * How long one replica's claim on a Ray ID lasts, and the longest another waits for its answer
   * before asking Cloudflare itself (a replica that died mid-lookup never answers). Default 20 s,
   * the default lookup deadline.
   */
  lockTtlMs?: number;
  /** How often a waiting replica looks for the answer. Default 20 ms. */
  pollMs?: number;
}

/** Deletes a claim only while it is still ours (it may have expired and been taken by another). */
const RELEASE = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Shares lookups between replicas through Redis: rows one replica found (and, briefly, misses) are
 * answered to all, and a Ray ID being looked up by one replica is waited for by the others (a
 * `SET NX PX` claim, then a short poll for the stored row) instead of costing a second GraphQL
 * query. Whenever Redis fails, this replica simply asks `inner` itself: slower, never silent.
 */
export function createSharedEventSource(
  inner: ScopedEventSource,
  options: SharedEventSourceOptions,
): ScopedEventSource {
  const { redis } = options;
  const prefix = options.keyPrefix ?? 'access-why:';
  const foundTtlMs = options.foundTtlMs ?? 24 * 60 * 60_000;
  const notFoundTtlMs = options.notFoundTtlMs ?? 30_000;
  const lockTtlMs = options.lockTtlMs ?? 20_000;
  const pollMs = options.pollMs ?? 20;
  const foundKey = (rayId: string) => `${prefix}row:${rayId}`;
  // A miss depends on where the search started, so it is shared per search bucket; so are claims.
  const missKey = (bucket: string, rayId: string) => `${prefix}miss:${bucket}:${rayId}`;
  const lockKey = (bucket: string, rayId: string) => `${prefix}lookup:${bucket}:${rayId}`;

  /** Stored answers for `rayIds`, and (with `withLocks`) which of the rest are still claimed. */
  async function read(rayIds: readonly string[], bucket: string, withLocks: boolean) {
    const keys = [
      ...rayIds.map(foundKey),
      ...rayIds.map((id) => missKey(bucket, id)),
      ...(withLocks ? rayIds.map((id) => lockKey(bucket, id)) : []),
    ];
    const reply = await redis.call('MGET', ...keys);
    const values = Array.isArray(reply) ? (reply as unknown[]) : [];
    const answers = new Map<string, EventLookup>();
    const claimed = new Set<string>();
    rayIds.forEach((rayId, i) => {
      const lookup = decodeLookup(values[i]) ?? decodeLookup(values[rayIds.length + i]);
      if (lookup) answers.set(rayId, lookup);
      else if (withLocks && values[2 * rayIds.length + i] != null) claimed.add(rayId);
    });
    return { answers, claimed };
  }

  /** Shares what `inner` answered, then lifts our claims (in that order: a waiter seeing no claim finds the row). */
  function publish(
    lookups: Map<string, EventLookup>,
    bucket: string,
    claims: readonly string[],
    token: string,
  ) {
    const writes = [...lookups].map(([rayId, lookup]) =>
      lookup.kind === 'found'
        ? redis.call('SET', foundKey(rayId), encodeLookup(lookup), 'PX', foundTtlMs)
        : redis.call('SET', missKey(bucket, rayId), encodeLookup(lookup), 'PX', notFoundTtlMs),
    );
    const releases = claims.map((rayId) => runScript(redis, RELEASE, [lockKey(bucket, rayId)], [token]));
    void Promise.all([...writes, ...releases]).catch(() => undefined);
  }

  async function ask(
    rayIds: string[],
    findOptions: FindEventsOptions,
    bucket: string,
    claims: string[],
    token: string,
    scope: CallScope | undefined,
  ) {
    if (rayIds.length === 0) return new Map<string, EventLookup>();
    try {
      const lookups = await inner.findByRayIds(rayIds, findOptions, scope);
      publish(lookups, bucket, claims, token);
      return lookups;
    } catch (error) {
      // Lift the claims at once: waiting replicas then ask themselves instead of waiting out the TTL.
      publish(new Map(), bucket, claims, token);
      throw error;
    }
  }

  /** Waits for the replicas holding the claims; returns what they answered and what is left to ask. */
  async function waitForOthers(rayIds: readonly string[], bucket: string) {
    const answers = new Map<string, EventLookup>();
    let waiting = [...rayIds];
    const deadline = Date.now() + lockTtlMs;
    while (waiting.length > 0 && Date.now() < deadline) {
      await sleep(pollMs);
      try {
        const seen = await read(waiting, bucket, true);
        for (const [rayId, lookup] of seen.answers) answers.set(rayId, lookup);
        // Unanswered and no longer claimed: the other replica failed; ask ourselves.
        if (waiting.some((id) => !seen.answers.has(id) && !seen.claimed.has(id))) {
          waiting = waiting.filter((id) => seen.claimed.has(id));
          break;
        }
        waiting = waiting.filter((id) => seen.claimed.has(id));
      } catch {
        break;
      }
    }
    return { answers, left: rayIds.filter((id) => !answers.has(id)) };
  }

  return {
    async findByRayIds(rayIds, findOptions, scope) {
      const bucket = searchBucket(findOptions);
      const unique = [...new Set(rayIds)];
      const token = randomUUID();
      let answers = new Map<string, EventLookup>();
      let mine: string[] = unique;
      let theirs: string[] = [];
      try {
        answers = (await read(unique, bucket, false)).answers;
        const pending = unique.filter((id) => !answers.has(id));
        const claims = await Promise.all(
          pending.map((id) => redis.call('SET', lockKey(bucket, id), token, 'NX', 'PX', lockTtlMs)),
        );
        mine = pending.filter((_, i) => claims[i] === 'OK');
        theirs = pending.filter((_, i) => claims[i] !== 'OK');
      } catch {
        // Redis unreachable: this replica asks for everything it has no answer for, alone.
        mine = unique.filter((id) => !answers.has(id));
        theirs = [];
      }
      const [own, waited] = await Promise.all([
        ask(mine, findOptions, bucket, mine, token, scope),
        theirs.length > 0
          ? waitForOthers(theirs, bucket)
          : { answers: new Map<string, EventLookup>(), left: [] },
      ]);
      const late = await ask(waited.left, findOptions, bucket, [], token, scope);
      for (const lookups of [own, waited.answers, late])
        for (const [id, lookup] of lookups) answers.set(id, lookup);
      return answers;
    },
  };
}
