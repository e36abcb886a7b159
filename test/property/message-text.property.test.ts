import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageText } from '../../src/slack/message-text.js';
import { hostileString } from './arbitraries.js';

/** Documented bound on the returned text. */
const MAX_CHARS = 200_000;

const anythingGoes = fc.anything({
  maxDepth: 6,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  values: [
    hostileString,
    fc.boolean(),
    fc.double(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant('text'),
    fc.constant('blocks'),
  ],
  key: fc.oneof(
    fc.constantFrom(
      'text',
      'blocks',
      'attachments',
      'files',
      'preview',
      'elements',
      'fields',
      'fallback',
      'value',
      '__proto__',
      'constructor',
      'toString',
    ),
    fc.string({ unit: 'binary', maxLength: 8 }),
  ),
});

/** A Slack-message-shaped object whose parts are arbitrary values. */
const messageLike = fc.record(
  {
    text: anythingGoes,
    blocks: anythingGoes,
    attachments: anythingGoes,
    files: fc.oneof(anythingGoes, fc.array(fc.oneof(anythingGoes, fc.record({ preview: anythingGoes })))),
    type: fc.constant('message'),
  },
  { requiredKeys: [] },
);

/** `depth` levels of arrays/objects (alternating), with text at the bottom. */
function nested(depth: number, leaf: string, useArrays: boolean): unknown {
  let node: unknown = { type: 'section', text: leaf };
  for (let i = 0; i < depth; i++) {
    node = useArrays && i % 2 === 0 ? [node] : { elements: node, text: `level ${i}` };
  }
  return node;
}

function expectWellFormed(value: unknown): void {
  const text = messageText(value);
  expect(typeof text).toBe('string');
  expect(text.length).toBeLessThanOrEqual(MAX_CHARS);
}

describe('messageText on arbitrary payloads', () => {
  it('never throws on arbitrary values (JSON and beyond)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), anythingGoes, messageLike), (value) => {
        expectWellFormed(value);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on JSON that went through the wire (parse of stringify)', () => {
    fc.assert(
      fc.property(messageLike, (value) => {
        let wire: unknown;
        try {
          wire = JSON.parse(
            JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
          );
        } catch {
          return; // not serialisable (e.g. a value JSON cannot express); the raw form is covered above
        }
        expectWellFormed(wire);
      }),
      { numRuns: 200 },
    );
  });

  it('survives deep nesting and keeps the top-level text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        fc.boolean(),
        fc.constantFrom('blocks', 'attachments', 'files', 'text'),
        hostileString.filter((s) => s !== ''),
        (depth, useArrays, where, leaf) => {
          const message = { text: leaf, [where]: nested(depth, leaf, useArrays) };
          const text = messageText(message);
          expect(text.length).toBeLessThanOrEqual(MAX_CHARS);
          if (where !== 'text') expect(text.startsWith(leaf.slice(0, MAX_CHARS))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('survives cycles, huge fan-out and huge strings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        hostileString,
        (width, length, seed) => {
          const big = (seed === '' ? 'x' : seed).repeat(Math.ceil(length / Math.max(1, seed.length)));
          const cyclic: Record<string, unknown> = { type: 'section', text: big.slice(0, length) };
          cyclic.self = cyclic;
          cyclic.elements = [cyclic, cyclic];
          const message = {
            text: big,
            blocks: [
              cyclic,
              ...Array.from({ length: width }, () => ({ text: seed, fields: [{ text: seed }] })),
            ],
            attachments: [cyclic],
            files: [cyclic, { preview: big }, null, 'x', 42],
          };
          expectWellFormed(message);
        },
      ),
      { numRuns: 20 },
    );
  });
});
