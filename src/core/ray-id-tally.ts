import { HexIdSet, hash, hexValue } from './ray-id-set.js';

/** Ids per bucket when counting: a table for this many (8 KB) stays in the L1 cache. */
const BUCKET_IDS = 512;

/**
 * Ids that only need counting: once the returned lists are full, extractRayIds no longer asks whether
 * an id is new, only how many distinct ids there were in the end.
 *
 * Inserting each id into one set as it came meant, for the 40 k distinct ids of a 10 MB paste, a
 * table of 1 MB and a cache miss on nearly every insert (a quarter of the extraction time). Here ids
 * are appended as they come (sequential writes), and `distinct` splits them into buckets by the top
 * bits of their hash and counts each bucket in a small set that stays in cache. A bucket is a HexIdSet,
 * so ids crafted to collide (they all share one bucket) still trip its flood guard.
 */
export class HexIdTally {
  private halves = new Int32Array(256);
  private length = 0;

  /** Appends the 16 hex digits at text[start, start + 16), which the caller has checked are hex. */
  add(text: string, start: number): void {
    if (this.length + 2 > this.halves.length) {
      const grown = new Int32Array(2 * this.halves.length);
      grown.set(this.halves);
      this.halves = grown;
    }
    this.halves[this.length++] = hexValue(text, start);
    this.halves[this.length++] = hexValue(text, start + 8);
  }

  /** How many distinct ids were added. */
  distinct(): number {
    const ids = this.length / 2;
    let bits = 0;
    while (ids >>> bits > BUCKET_IDS) bits++;
    // `>>> 32` would shift by 0 in JavaScript, so one bucket is its own case.
    const bucketOf = (high: number, low: number): number =>
      bits === 0 ? 0 : hash(high, low) >>> (32 - bits);

    // Counting sort by bucket: sizes, then where each bucket starts, then every id into its place.
    const starts = new Int32Array((1 << bits) + 1);
    for (let i = 0; i < this.length; i += 2) {
      const bucket = bucketOf(this.halves[i] ?? 0, this.halves[i + 1] ?? 0);
      starts[bucket + 1] = (starts[bucket + 1] ?? 0) + 1;
    }
    for (let bucket = 1; bucket < starts.length; bucket++) {
      starts[bucket] = (starts[bucket] ?? 0) + (starts[bucket - 1] ?? 0);
    }
    const next = starts.slice(0, -1);
    const sorted = new Int32Array(this.length);
    for (let i = 0; i < this.length; i += 2) {
      const high = this.halves[i] ?? 0;
      const low = this.halves[i + 1] ?? 0;
      const bucket = bucketOf(high, low);
      const at = next[bucket] ?? 0;
      next[bucket] = at + 1;
      sorted[2 * at] = high;
      sorted[2 * at + 1] = low;
    }

    let total = 0;
    for (let bucket = 0; bucket + 1 < starts.length; bucket++) {
      const from = starts[bucket] ?? 0;
      const to = starts[bucket + 1] ?? 0;
      const set = new HexIdSet(to - from);
      for (let at = from; at < to; at++) set.addHalves(sorted[2 * at] ?? 0, sorted[2 * at + 1] ?? 0);
      total += set.size;
    }
    return total;
  }
}
