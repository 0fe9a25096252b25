/**
 * Stable LSD radix sort of indices by unsigned 32-bit keys (two 16-bit passes). Linear time and
 * allocation-light: sorting millions of posts by time or LSH bucket with a comparator sort costs
 * seconds; this costs tens of milliseconds.
 *
 * Returns the permutation `perm` such that keys[perm[0]] ≤ keys[perm[1]] ≤ …, ties in the order
 * of `input` (default 0..n−1).
 */
export function radixOrder(keys: Uint32Array, input?: Int32Array): Int32Array {
  const n = input ? input.length : keys.length;
  let src = input ? input.slice() : Int32Array.from({ length: n }, (_, i) => i);
  let dst = new Int32Array(n);
  const counts = new Int32Array(65537);
  for (let shift = 0; shift < 32; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((keys[src[i]] >>> shift) & 0xffff) + 1]++;
    for (let i = 0; i < 65536; i++) counts[i + 1] += counts[i];
    for (let i = 0; i < n; i++) {
      const v = src[i];
      dst[counts[(keys[v] >>> shift) & 0xffff]++] = v;
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  return src;
}
