import { describe, expect, it } from 'vitest';
import { bulletList } from '../../../src/slack/blocks/compose.js';

describe('bulletList', () => {
  const lines = ['one', 'two', 'three', 'four'];

  it('lists every line when they fit', () => {
    expect(bulletList(lines, 1000)).toBe('• one\n• two\n• three\n• four');
  });

  it('stops at maxItems and counts the rest', () => {
    expect(bulletList(lines, 1000, 500, 2)).toBe('• one\n• two\n• …and 2 more');
    expect(bulletList(lines, 1000, 500, 4)).toBe('• one\n• two\n• three\n• four');
  });

  it('stops when the characters run out, whatever maxItems allows', () => {
    const long = Array.from({ length: 10 }, (_, index) => `${index}${'x'.repeat(50)}`);
    const text = bulletList(long, 200, 500, 8);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text).toMatch(/\n• …and 7 more$/);
  });
});
