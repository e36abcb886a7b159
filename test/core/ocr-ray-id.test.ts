import { describe, expect, it } from 'vitest';
import { extractOcrRayIds } from '../../src/core/ocr-ray-id.js';

describe('extractOcrRayIds', () => {
  it('takes clean Ray IDs as extractRayIds does, with nothing corrected', () => {
    expect(extractOcrRayIds('Forbidden\nRay ID: 8f2c1a9b0d3e4f5a\n')).toEqual({
      rayIds: ['8f2c1a9b0d3e4f5a'],
      corrected: [],
    });
  });

  it('corrects O/0, l/1, I/1, S/5, B/8 right after a Ray label', () => {
    for (const [read, id] of [
      ['Ray ID: 8f2c1a9bOd3e4f5a', '8f2c1a9b0d3e4f5a'],
      ['Ray ID: 8f2cla9b0d3e4f5a', '8f2c1a9b0d3e4f5a'],
      ['Ray ID: 8f2cIa9b0d3e4f5a', '8f2c1a9b0d3e4f5a'],
      ['Ray ID: 8f2c1a9b0d3e4fSa', '8f2c1a9b0d3e4f5a'],
      ['Ray ID: Bf2c1a9b0d3e4fSa-SJC', '8f2c1a9b0d3e4f5a'],
      ['Cloudflare Ray 1D: 8f2c|a9b0d3e4f5a', '8f2c1a9b0d3e4f5a'],
      ['"ray_id": "8f2c1a9bOd3e4f5a"', '8f2c1a9b0d3e4f5a'],
      ['Ray ID\n\n  8f2c1a9bOd3e4f5a', '8f2c1a9b0d3e4f5a'],
      ['Ray ID:\n8e8a5398009ch261', '8e8a5398009cb261'],
    ] as const) {
      expect(extractOcrRayIds(read), read).toEqual({ rayIds: [id], corrected: [id] });
    }
  });

  it('corrects nothing away from a label, or where the result is not 16 hex digits', () => {
    expect(extractOcrRayIds('Your ticket 8f2c1a9bOd3e4f5a is open').rayIds).toEqual([]);
    expect(extractOcrRayIds(`Ray ID: ${'x'.repeat(50)} 8f2c1a9bOd3e4f5a`).rayIds).toEqual([]);
    expect(extractOcrRayIds('Ray ID: 8f2c1a9bOd3e4fXa').rayIds).toEqual([]);
    expect(extractOcrRayIds('Ray ID: 8f2c1a9bOd3e4f5a7').rayIds).toEqual([]);
    expect(extractOcrRayIds('Ray ID: 8f2c1a9bOd3e4f').rayIds).toEqual([]);
  });

  it('never changes a word that is already hex (a capital B stays b)', () => {
    expect(extractOcrRayIds('Ray ID: 8F2C1A9B0D3E4F5A').rayIds).toEqual(['8f2c1a9b0d3e4f5a']);
  });

  it('keeps both kinds, first the clean ones, without repeats, capped at ten', () => {
    const text = 'Ray ID: 8f2c1a9bOd3e4f5a and Ray ID: 0123456789abcdef and Ray ID: 8f2c1a9b0d3e4f5a';
    expect(extractOcrRayIds(text)).toEqual({
      rayIds: ['0123456789abcdef', '8f2c1a9b0d3e4f5a'],
      corrected: [],
    });
    const many = Array.from(
      { length: 12 },
      (_, i) => `Ray ID: ${i.toString(16).padStart(2, '0')}2c1a9bOd3e4f5a`,
    ).join('\n');
    expect(extractOcrRayIds(many).rayIds).toHaveLength(10);
  });

  it('stays linear on a hostile 100 k line of labels', () => {
    const hostile = 'Ray ID: '.repeat(12_500);
    expect(extractOcrRayIds(hostile).rayIds).toEqual([]);
  });
});
