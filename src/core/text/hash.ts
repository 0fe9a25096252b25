/**
 * Fast 32-bit hashes for shingles and LSH bands. Deterministic across runs and machines (no seeds
 * from the environment); not cryptographic: collisions only cost a wasted verification.
 */

/** FNV-1a over UTF-16 code units. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: a bijection on 32-bit values with good avalanche. */
export function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Order-sensitive combination of two 32-bit hashes. */
export function hashCombine(h: number, v: number): number {
  return fmix32((Math.imul(h ^ 0x9e3779b9, 0x01000193) + v) | 0);
}
