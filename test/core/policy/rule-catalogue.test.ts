import { describe, expect, it } from 'vitest';
import { RULE_CATALOGUE, wireReaderFor } from '../../../src/core/policy/rule-catalogue.js';
import { RULE_KINDS } from '../../../src/core/policy/types.js';

describe('rule catalogue', () => {
  it('has exactly one entry per rule kind', () => {
    expect(Object.keys(RULE_CATALOGUE).sort()).toEqual([...RULE_KINDS].sort());
  });

  it('reads every wire selector except the stand-in for unreadable ones', () => {
    for (const kind of RULE_KINDS) {
      if (kind === 'unknown') expect(wireReaderFor(kind)).toBeUndefined();
      else expect(wireReaderFor(kind), kind).toBeDefined();
    }
  });

  it('never treats inherited object keys as selectors', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(wireReaderFor(key)).toBeUndefined();
    }
  });

  it('groups every kind into one of the evaluator families', () => {
    const families = new Set(Object.values(RULE_CATALOGUE).map((spec) => spec.family));
    expect([...families].sort()).toEqual(['group', 'identity', 'network', 'posture', 'token', 'unreadable']);
  });
});
