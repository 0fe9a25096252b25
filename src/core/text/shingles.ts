import { fnv1a32, hashCombine } from './hash.ts';

/**
 * Hashed word k-shingles of a token list, sorted and deduplicated (a set as a sorted Uint32Array,
 * so Jaccard is a linear merge and memory is 4 bytes per shingle). Texts shorter than `k` words
 * fall back to their words, so short posts still compare.
 */
export function shingleSet(tokens: readonly string[], k: number): Uint32Array {
  if (tokens.length === 0) return new Uint32Array(0);
  const hashes = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) hashes[i] = fnv1a32(tokens[i]);
  const size = k <= 1 || tokens.length < k ? 1 : k;
  const count = tokens.length - size + 1;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = hashes[i];
    for (let j = 1; j < size; j++) h = hashCombine(h, hashes[i + j]);
    out[i] = h;
  }
  return sortedUnique(out);
}

/** Sorts in place and returns the distinct prefix (a view of the same buffer). */
export function sortedUnique<T extends Uint32Array | Int32Array>(a: T): T {
  if (a.length < 2) return a;
  a.sort();
  let w = 1;
  for (let i = 1; i < a.length; i++) if (a[i] !== a[w - 1]) a[w++] = a[i];
  return a.subarray(0, w) as T;
}

/** |a ∩ b| of two sorted, duplicate-free arrays. */
export function intersectionSize(a: ArrayLike<number>, aFrom: number, aTo: number, b: ArrayLike<number>, bFrom: number, bTo: number): number {
  let i = aFrom;
  let j = bFrom;
  let n = 0;
  while (i < aTo && j < bTo) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Jaccard similarity of two sorted, duplicate-free sets; 0 when either is empty. */
export function jaccardSorted(a: ArrayLike<number>, aFrom: number, aTo: number, b: ArrayLike<number>, bFrom: number, bTo: number): number {
  const la = aTo - aFrom;
  const lb = bTo - bFrom;
  if (la === 0 || lb === 0) return 0;
  const inter = intersectionSize(a, aFrom, aTo, b, bFrom, bTo);
  return inter / (la + lb - inter);
}
