import { describe, expect, it } from 'vitest';
import { createLoadingCache } from '../../src/cloudflare/loading-cache.js';
import { LookupError } from '../../src/core/errors.js';

function counter() {
  let calls = 0;
  return {
    load: async () => ++calls,
    get calls() {
      return calls;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('loading cache', () => {
  it('loads once, serves hits, and loads again after the TTL', async () => {
    let now = 0;
    const cache = createLoadingCache<number>({ max: 10, ttlMs: 1_000, clock: () => now });
    const source = counter();
    expect(await cache.get('k', source.load)).toBe(1);
    now = 999;
    expect(await cache.get('k', source.load)).toBe(1);
    now = 1_000;
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', source.load)).toBe(2);
    expect(source.calls).toBe(2);
  });

  it('shares one load between concurrent reads of the same key', async () => {
    const cache = createLoadingCache<number>({ max: 10, ttlMs: 1_000 });
    const source = counter();
    const values = await Promise.all([cache.get('k', source.load), cache.get('k', source.load)]);
    expect(values).toEqual([1, 1]);
    expect(source.calls).toBe(1);
  });

  it('after refreshAfterMs answers with the old value at once and reloads it in the background', async () => {
    let now = 0;
    const cache = createLoadingCache<number>({
      max: 10,
      ttlMs: 10_000,
      refreshAfterMs: 1_000,
      clock: () => now,
    });
    const source = counter();
    await cache.get('k', source.load);
    now = 1_500;
    expect(await cache.get('k', source.load)).toBe(1);
    await settle();
    expect(source.calls).toBe(2);
    expect(await cache.get('k', source.load)).toBe(2);
    expect(source.calls).toBe(2);
  });

  it('keeps serving the old value when a background refresh fails, until its TTL ends', async () => {
    let now = 0;
    const cache = createLoadingCache<number>({
      max: 10,
      ttlMs: 10_000,
      refreshAfterMs: 1_000,
      clock: () => now,
    });
    await cache.get('k', async () => 1);
    now = 2_000;
    let failures = 0;
    const failing = async (): Promise<number> => {
      failures += 1;
      throw new Error('upstream down');
    };
    expect(await cache.get('k', failing)).toBe(1);
    await settle();
    expect(await cache.get('k', failing)).toBe(1);
    await settle();
    expect(failures).toBe(2);
    now = 10_000;
    await expect(cache.get('k', failing)).rejects.toThrow('upstream down');
  });

  it('does not cache a failure unless told it is lasting, then only for failureTtlMs', async () => {
    let now = 0;
    const cache = createLoadingCache<number>({
      max: 10,
      ttlMs: 60_000,
      rememberFailure: (error) => error instanceof LookupError && error.code === 'cloudflare_permission',
      failureTtlMs: 30_000,
      clock: () => now,
    });
    let calls = 0;
    const transient = async (): Promise<number> => {
      calls += 1;
      throw new LookupError('upstream_unavailable', { safeMessage: 'down' });
    };
    await expect(cache.get('a', transient)).rejects.toThrow();
    await expect(cache.get('a', transient)).rejects.toThrow();
    expect(calls).toBe(2);

    const denied = async (): Promise<number> => {
      calls += 1;
      throw new LookupError('cloudflare_permission', { safeMessage: 'no', permission: 'X' });
    };
    await expect(cache.get('b', denied)).rejects.toMatchObject({ code: 'cloudflare_permission' });
    await expect(cache.get('b', denied)).rejects.toMatchObject({ code: 'cloudflare_permission' });
    expect(calls).toBe(3);
    now = 30_000;
    expect(await cache.get('b', async () => 7)).toBe(7);
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const cache = createLoadingCache<string>({ max: 2, ttlMs: 60_000 });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    cache.peek('a');
    await cache.get('c', async () => 'C');
    expect(cache.size).toBe(2);
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('b')).toBeUndefined();
  });

  it('takes the TTL per value', async () => {
    let now = 0;
    const cache = createLoadingCache<{ found: boolean }>({
      max: 10,
      ttlMs: (value) => (value.found ? 60_000 : 1_000),
      clock: () => now,
    });
    cache.set('hit', { found: true });
    cache.set('miss', { found: false });
    now = 1_000;
    expect(cache.peek('hit')).toEqual({ found: true });
    expect(cache.peek('miss')).toBeUndefined();
  });
});
