/**
 * A set of 16-hex-digit ids held as numbers, for de-duplicating Ray IDs in a large paste.
 *
 * A megabyte paste can hold thousands of distinct ids, and only the first hundred or so are ever
 * returned. Keeping every one as a string meant a slice, a lower-cased copy and a string-keyed Set
 * entry per id, which the young generation then had to promote; here an id is its two 32-bit halves
 * in an open-addressing table of typed arrays (off the JS heap, nothing for the GC to trace), and the
 * hex is read case-insensitively, so `74E4…` and `74e4…` are the same entry without lower-casing.
 *
 * The hash is fixed, so a paste crafted to collide could make every insert walk the whole table
 * (quadratic). A probe budget catches that: once probing costs far more than random ids ever need, the
 * set moves to the engine's Set of strings, whose string hash V8 seeds randomly at start-up (Node's
 * HashWick fix, nodejs/node#26367; snapshot strings are rehashed, nodejs/node#14171).
 */
export class HexIdSet {
  /** Slot i holds an id's halves at 2i and 2i + 1; all-zero marks a free slot. */
  private halves: Int32Array;
  private mask: number;
  /** The one id an empty slot cannot hold, 0000000000000000, is tracked on its own. */
  private hasZero = false;
  private count = 0;
  private lookups = 0;
  private probes = 0;
  private strings: Set<string> | undefined;

  /** `expectedIds` sizes the table so that many ids fit without growing it. */
  constructor(expectedIds = 0) {
    let slots = MIN_SLOTS;
    while (slots < 2 * expectedIds) slots *= 2;
    this.halves = new Int32Array(2 * slots);
    this.mask = slots - 1;
  }

  /** Whether a flood of colliding ids moved the set to strings (see above). */
  get flooded(): boolean {
    return this.strings !== undefined;
  }

  get size(): number {
    return this.strings?.size ?? this.count;
  }

  /**
   * Adds the 16 hex digits at text[start, start + 16), which the caller has checked are hex.
   * Returns false when the id was already there.
   */
  add(text: string, start: number): boolean {
    if (this.strings !== undefined) return addString(this.strings, idString(text, start));
    return this.addHalves(hexValue(text, start), hexValue(text, start + 8));
  }

  /** Adds the id whose first and last 8 hex digits have these values; false if it was there. */
  addHalves(high: number, low: number): boolean {
    if (this.strings !== undefined) return addString(this.strings, halfString(high) + halfString(low));
    if ((high | low) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.count++;
      return true;
    }
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    const slot = this.find(high, low);
    if (slot < 0) return this.flood() && this.addHalves(high, low);
    const halves = this.halves;
    if (halves[2 * slot] !== 0 || halves[2 * slot + 1] !== 0) return false;
    halves[2 * slot] = high;
    halves[2 * slot + 1] = low;
    this.count++;
    return true;
  }

  /** Whether the 16 hex digits at text[start, start + 16) are in the set. */
  has(text: string, start: number): boolean {
    if (this.strings !== undefined) return this.strings.has(idString(text, start));
    const high = hexValue(text, start);
    const low = hexValue(text, start + 8);
    if ((high | low) === 0) return this.hasZero;
    const slot = this.find(high, low);
    if (slot < 0) return this.flood() && this.has(text, start);
    return this.halves[2 * slot] !== 0 || this.halves[2 * slot + 1] !== 0;
  }

  /** The id's slot, or the free slot where it goes; -1 once the probe budget is spent. */
  private find(high: number, low: number): number {
    const halves = this.halves;
    const mask = this.mask;
    let slot = hash(high, low) & mask;
    this.lookups++;
    for (;;) {
      const slotHigh = halves[2 * slot] ?? 0;
      const slotLow = halves[2 * slot + 1] ?? 0;
      if ((slotHigh === high && slotLow === low) || (slotHigh | slotLow) === 0) return slot;
      // At most half full, random ids average under two probes; colliding ones need one per entry.
      if (++this.probes > PROBES_PER_LOOKUP * this.lookups + PROBE_ALLOWANCE) return -1;
      slot = (slot + 1) & mask;
    }
  }

  /** Doubles the table, keeping it at most half full so probe runs stay short. */
  private grow(): void {
    const old = this.halves;
    const halves = new Int32Array(2 * old.length);
    const mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) {
      const high = old[i] ?? 0;
      const low = old[i + 1] ?? 0;
      if ((high | low) === 0) continue;
      let slot = hash(high, low) & mask;
      while (halves[2 * slot] !== 0 || halves[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      halves[2 * slot] = high;
      halves[2 * slot + 1] = low;
    }
    this.halves = halves;
    this.mask = mask;
  }

  /** Moves every id to a Set of strings (see the class comment); returns true so callers retry. */
  private flood(): boolean {
    const strings = new Set<string>();
    if (this.hasZero) strings.add('0'.repeat(16));
    const halves = this.halves;
    for (let i = 0; i < halves.length; i += 2) {
      const high = halves[i] ?? 0;
      const low = halves[i + 1] ?? 0;
      if ((high | low) !== 0) strings.add(halfString(high) + halfString(low));
    }
    this.strings = strings;
    this.halves = new Int32Array(0);
    return true;
  }
}

const MIN_SLOTS = 64;
/** Probe budget: generous for random ids (a clustered half-full table), hopeless for a crafted flood. */
const PROBES_PER_LOOKUP = 8;
const PROBE_ALLOWANCE = 4096;

function addString(set: Set<string>, id: string): boolean {
  if (set.has(id)) return false;
  set.add(id);
  return true;
}

function idString(text: string, start: number): string {
  return text.slice(start, start + 16).toLowerCase();
}

function halfString(half: number): string {
  return (half >>> 0).toString(16).padStart(8, '0');
}

/**
 * MurmurHash3's mixing over the two halves: `high` is scrambled before `low` joins, so ids whose halves
 * are related (one a multiple of the other, a shared prefix) still spread over the table.
 */
export function hash(high: number, low: number): number {
  let h = Math.imul(high, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ low;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Value of the 8 hex digits at text[start, start + 8) as an int32. */
export function hexValue(text: string, start: number): number {
  let value = 0;
  for (let i = start; i < start + 8; i++) value = (value << 4) | (HEX_DIGIT[text.charCodeAt(i) & 0x7f] ?? 0);
  return value;
}

/** Value of each ASCII hex digit, either case; the caller only passes hex digits. */
const HEX_DIGIT = (() => {
  const table = new Uint8Array(128);
  for (let digit = 0; digit < 10; digit++) table[0x30 + digit] = digit;
  for (let letter = 0; letter < 6; letter++) {
    table[0x41 + letter] = 10 + letter;
    table[0x61 + letter] = 10 + letter;
  }
  return table;
})();
