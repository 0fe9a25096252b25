/**
 * Stable LSD radix sort of indices by unsigned 32-bit keys. Linear time: sorting millions of posts
 * by time or LSH bucket with a comparison sort costs seconds; this costs tens of milliseconds.
 *
 * Keys travel with the indices (sequential reads instead of a cache miss per element per pass)
 * and digits are 11 bits (a 2,048-entry count table stays in L1); only as many passes as the
 * largest key needs are made (whole seconds over a few years: three).
 *
 * Returns the permutation `perm` such that keys[perm[0]] ≤ keys[perm[1]] ≤ …, ties in the order
 * of `input` (default 0..n−1). `keys` is indexed by element (not by position in `input`).
 */
export function radixOrder(keys: Uint32Array, input?: Int32Array): Int32Array {
  const n = input ? input.length : keys.length;
  let v = input ? input.slice() : Int32Array.from({ length: n }, (_, i) => i);
  let k = new Uint32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const key = keys[v[i]];
    k[i] = key;
    if (key > max) max = key;
  }
  let v2 = new Int32Array(n);
  let k2 = new Uint32Array(n);
  const BITS = 11;
  const counts = new Int32Array((1 << BITS) + 1);
  for (let shift = 0; shift < 32 && (shift === 0 || max >>> shift !== 0); shift += BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((k[i] >>> shift) & 0x7ff) + 1]++;
    for (let d = 0; d < 1 << BITS; d++) counts[d + 1] += counts[d];
    for (let i = 0; i < n; i++) {
      const key = k[i];
      const at = counts[(key >>> shift) & 0x7ff]++;
      v2[at] = v[i];
      k2[at] = key;
    }
    const tv = v;
    v = v2;
    v2 = tv;
    const tk = k;
    k = k2;
    k2 = tk;
  }
  return v;
}

/**
 * The indices `order` holds, stably ordered by their time `t` (index order breaks ties): a radix
 * sort when the times are integers spanning under 2^32 (`allInt`, `tMin`, `tMax` of those
 * indices), a comparison sort otherwise. `total` is the length of `t`.
 */
export function orderByTime(order: Int32Array, t: ArrayLike<number>, total: number, allInt: boolean, tMin: number, tMax: number): Int32Array {
  if (allInt && tMax - tMin < 2 ** 32) {
    const keys = new Uint32Array(total);
    for (let k = 0; k < order.length; k++) keys[order[k]!] = t[order[k]!]! - tMin;
    return radixOrder(keys, order);
  }
  return Int32Array.from([...order].sort((a, b) => t[a]! - t[b]! || a - b));
}
