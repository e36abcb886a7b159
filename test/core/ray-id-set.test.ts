import { describe, expect, it } from 'vitest';
import { extractRayIds } from '../../src/core/ray-id.js';
import { HexIdSet } from '../../src/core/ray-id-set.js';

const hex8 = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

/**
 * Distinct ids that all land on one slot: the table hashes `scramble(high) ^ low` (MurmurHash3's first
 * step, mirrored here), so choosing `low` from `high` keeps that value fixed. A paste of these would
 * make a fixed-hash table quadratic.
 */
const collidingIds = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => {
    const high = 0xa0000000 + i;
    let h = Math.imul(high, 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
    return hex8(high) + hex8(h ^ 0x5eed);
  });

const setOf = (ids: string[]): { set: HexIdSet; text: string } => {
  const text = ids.join(' ');
  const set = new HexIdSet();
  for (let i = 0; i < ids.length; i++) set.add(text, i * 17);
  return { set, text };
};

describe('HexIdSet', () => {
  it('adds once, reads hex in either case, and answers has', () => {
    const text = '74e4ac510dfdc44f 74E4AC510DFDC44F 74e4ac510dfdc44e';
    const set = new HexIdSet();
    expect(set.has(text, 0)).toBe(false);
    expect(set.add(text, 0)).toBe(true);
    expect(set.add(text, 17)).toBe(false);
    expect(set.has(text, 17)).toBe(true);
    expect(set.has(text, 34)).toBe(false);
    expect(set.add(text, 34)).toBe(true);
    expect(set.size).toBe(2);
  });

  it('holds the all-zero id, which cannot sit in a slot (zero marks a free one)', () => {
    const text = '0000000000000000 0000000000000001';
    const set = new HexIdSet();
    expect(set.has(text, 0)).toBe(false);
    expect(set.add(text, 0)).toBe(true);
    expect(set.add(text, 0)).toBe(false);
    expect(set.has(text, 0)).toBe(true);
    expect(set.has(text, 17)).toBe(false);
    expect(set.add(text, 17)).toBe(true);
    expect(set.size).toBe(2);
  });

  it('keeps every id through many doublings of the table', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => hex8(i * 2654435761) + hex8(i));
    const { set, text } = setOf(ids);
    expect(set.size).toBe(20_000);
    expect(set.flooded).toBe(false);
    for (let i = 0; i < ids.length; i++) expect(set.add(text, i * 17)).toBe(false);
    expect(set.has('0000000000000000', 0)).toBe(ids.includes('0000000000000000'));
  });

  it('does not mistake many repeats of a few ids for a flood', () => {
    const ids = Array.from({ length: 600 }, (_, i) => hex8(i * 40503) + hex8(i * 7));
    const text = ids.join(' ');
    const set = new HexIdSet();
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < ids.length; i++) set.add(text, i * 17);
    }
    expect(set.size).toBe(600);
    expect(set.flooded).toBe(false);
  });

  it('moves to strings when crafted ids collide, and still counts and answers exactly', () => {
    const ids = ['0000000000000000', ...collidingIds(3000)];
    const { set, text } = setOf(ids);
    expect(set.flooded).toBe(true);
    expect(set.size).toBe(3001);
    for (let i = 0; i < ids.length; i++) expect(set.has(text, i * 17)).toBe(true);
    expect(set.add(text.toUpperCase(), 0)).toBe(false);
    expect(set.has('0123456789abcdef', 0)).toBe(false);
  });
});

describe('extractRayIds on a paste of colliding ids', () => {
  it('returns the first ids in order and counts them all', () => {
    const ids = collidingIds(40_000);
    const result = extractRayIds(ids.join('\n'));
    expect(result.total).toBe(40_000);
    expect(result.rayIds).toEqual(ids.slice(0, 10));
    expect(result.skipped).toEqual(ids.slice(10, 110));
  });
});
