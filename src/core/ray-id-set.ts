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
  private halves = new Int32Array(2 * INITIAL_SLOTS);
  private used = new Uint8Array(INITIAL_SLOTS);
  private count = 0;
  private lookups = 0;
  private probes = 0;
  private strings: Set<string> | undefined;

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
    if (2 * (this.count + 1) > this.used.length) this.grow();
    const high = hexValue(text, start);
    const low = hexValue(text, start + 8);
    const slot = this.find(high, low);
    if (slot < 0) return this.flood() && this.add(text, start);
    if (this.used[slot] === 1) return false;
    this.used[slot] = 1;
    this.halves[2 * slot] = high;
    this.halves[2 * slot + 1] = low;
    this.count++;
    return true;
  }

  /** Whether the 16 hex digits at text[start, start + 16) are in the set. */
  has(text: string, start: number): boolean {
    if (this.strings !== undefined) return this.strings.has(idString(text, start));
    const slot = this.find(hexValue(text, start), hexValue(text, start + 8));
    if (slot < 0) return this.flood() && this.has(text, start);
    return this.used[slot] === 1;
  }

  /** The id's slot, or the free slot where it goes; -1 once the probe budget is spent. */
  private find(high: number, low: number): number {
    const mask = this.used.length - 1;
    let slot = hash(high, low) & mask;
    this.lookups++;
    while (this.used[slot] === 1) {
      if (this.halves[2 * slot] === high && this.halves[2 * slot + 1] === low) return slot;
      // At most half full, random ids average under two probes; colliding ones need one per entry.
      if (++this.probes > PROBES_PER_LOOKUP * this.lookups + PROBE_ALLOWANCE) return -1;
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Doubles the table, keeping it at most half full so probe runs stay short. */
  private grow(): void {
    const oldUsed = this.used;
    const oldHalves = this.halves;
    this.halves = new Int32Array(2 * oldHalves.length);
    this.used = new Uint8Array(2 * oldUsed.length);
    const mask = this.used.length - 1;
    for (let oldSlot = 0; oldSlot < oldUsed.length; oldSlot++) {
      if (oldUsed[oldSlot] !== 1) continue;
      const high = oldHalves[2 * oldSlot] ?? 0;
      const low = oldHalves[2 * oldSlot + 1] ?? 0;
      let slot = hash(high, low) & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.halves[2 * slot] = high;
      this.halves[2 * slot + 1] = low;
    }
  }

  /** Moves every id to a Set of strings (see the class comment); returns true so callers retry. */
  private flood(): boolean {
    const strings = new Set<string>();
    for (let slot = 0; slot < this.used.length; slot++) {
      if (this.used[slot] === 1) {
        strings.add(halfString(this.halves[2 * slot] ?? 0) + halfString(this.halves[2 * slot + 1] ?? 0));
      }
    }
    this.strings = strings;
    this.halves = new Int32Array(0);
    this.used = new Uint8Array(0);
    return true;
  }
}

const INITIAL_SLOTS = 1024;
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
function hash(high: number, low: number): number {
  let h = Math.imul(high, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ low;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Value of the 8 hex digits at text[start, start + 8) as an int32. */
function hexValue(text: string, start: number): number {
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
