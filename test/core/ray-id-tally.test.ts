import { describe, expect, it } from 'vitest';
import { HexIdTally } from '../../src/core/ray-id-tally.js';

const hex8 = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

const tallyOf = (ids: string[]): HexIdTally => {
  const text = ids.join(' ');
  const tally = new HexIdTally();
  for (let i = 0; i < ids.length; i++) tally.add(text, i * 17);
  return tally;
};

describe('HexIdTally', () => {
  it('counts nothing when nothing was added', () => {
    expect(new HexIdTally().distinct()).toBe(0);
  });

  it('counts repeats and case variants once, the zero id included', () => {
    const ids = [
      '0000000000000000',
      '74e4ac510dfdc44f',
      '74E4AC510DFDC44F',
      '0000000000000000',
      'ffffffffffffffff',
    ];
    expect(tallyOf(ids).distinct()).toBe(3);
  });

  it('counts exactly with one bucket, a few, and many', () => {
    for (const count of [1, 511, 512, 513, 1500, 40_000]) {
      const distinct = Array.from({ length: count }, (_, i) => hex8(i * 2654435761) + hex8(i ^ 0x5bd1e995));
      // Every id twice, the second time in the other half of the list, so repeats land far apart.
      expect(tallyOf([...distinct, ...distinct.map((id) => id.toUpperCase())]).distinct()).toBe(count);
    }
  });
});
