/**
 * Fast 32-bit hashes for shingles and LSH bands. Deterministic across runs and machines (no seeds
 * from the environment); not cryptographic: collisions only cost a wasted verification.
 */

/** FNV-1a's 32-bit offset basis: the state before the first unit. */
export const FNV1A_OFFSET = 0x811c9dc5;

/** One FNV-1a step: the state after unit `c` (a code unit, code point or byte). */
export function fnv1aStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** FNV-1a over UTF-16 code units. */
export function fnv1a32(s: string): number {
  let h = FNV1A_OFFSET;
  for (let i = 0; i < s.length; i++) h = fnv1aStep(h, s.charCodeAt(i));
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
