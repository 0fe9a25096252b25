import type { MinHashParams } from '../text/minhash.ts';
import { bandKey, makePermutations, minhashInto } from '../text/minhash.ts';
import { jaccardSorted } from '../text/shingles.ts';
import type { PreparedPosts } from './prepare.ts';
import { radixOrder } from './radix.ts';
import type { TextFacts } from './text-memo.ts';

/** Hashed shingle sets of candidate posts, in rank (time) order: set i is vals[start[i] .. start[i+1]). */
export interface ShingleSets {
  ranks: Int32Array;
  start: Int32Array;
  vals: Uint32Array;
  /** by item: the memo's facts of the set's text (text-memo.ts), where the caller keeps them */
  facts?: readonly TextFacts[];
}

export interface NearDupParams {
  window: number;
  threshold: number;
  maxPartners: number;
  minhash: MinHashParams;
}

/**
 * Near-same text families (default co_similar, C1).
 *
 * 1. MinHash signature per post (`minhash.ts`).
 * 2. Per LSH band, posts are radix-sorted by band key, stably, so each bucket is a time-ordered
 *    run; inside a run only posts within Δ of each other (and at most `maxPartners` back) are
 *    candidates. Buckets are never enumerated whole, so a larger window adds candidates in
 *    proportion to the posts it brings in, not quadratically.
 * 3. Candidates by different accounts are verified with the exact Jaccard of their shingle sets
 *    and, if ≥ threshold, united (union–find). A pair already in one family is not re-verified.
 *
 * Returns the family (a representative item index) of each item, or −1 for posts with no
 * near-same partner. A family is what co_similar counts as one shared object: posts linked by a
 * chain of verified near-same pairs, each link within Δ.
 */
export function nearDupFamilies(prep: PreparedPosts, sets: ShingleSets, params: NearDupParams): Int32Array {
  const n = sets.ranks.length;
  const family = new Int32Array(n).fill(-1);
  if (n < 2) return family;
  const { numPerm, bands, seed } = params.minhash;
  const rows = numPerm / bands;
  const perms = makePermutations(numPerm, seed);
  // band keys by band (band·n + item), so one band's keys are one run of the array: the
  // signature itself is read through them only; a text's keys are kept in the caller's memo,
  // when it keeps one
  const bandKeys = new Uint32Array(n * bands);
  const sig = new Uint32Array(numPerm);
  const facts = sets.facts;
  const of = `${numPerm}:${bands}:${seed}`;
  for (let i = 0; i < n; i++) {
    const f = facts?.[i];
    if (f && f.bands !== null && f.bandsOf === of) {
      for (let band = 0; band < bands; band++) bandKeys[band * n + i] = f.bands[band];
      continue;
    }
    minhashInto(sets.vals, sets.start[i], sets.start[i + 1], perms, sig, 0);
    for (let band = 0; band < bands; band++) bandKeys[band * n + i] = bandKey(sig, 0, band, rows);
    if (f) {
      const keys = new Uint32Array(bands);
      for (let band = 0; band < bands; band++) keys[band] = bandKeys[band * n + i];
      f.bands = keys;
      f.bandsOf = of;
    }
  }

  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };

  const { t, acc } = prep;
  const W = params.window;
  const K = params.maxPartners;
  const thr = params.threshold;
  const { start, vals, ranks } = sets;
  // Most band keys are held by one item: an item whose key's slot in a small count table no
  // other item hits has no equal key, so it forms a run of one and proposes nothing. Only the
  // items of shared slots (every item of a shared key among them, in item order) are sorted.
  const slotBits = Math.min(22, Math.max(8, 32 - Math.clz32(n) + 2));
  const slotShift = 32 - slotBits;
  const hits = new Uint8Array(1 << slotBits);
  let shared = new Int32Array(0);
  for (let band = 0; band < bands; band++) {
    const keys = bandKeys.subarray(band * n, (band + 1) * n);
    hits.fill(0);
    for (let i = 0; i < n; i++) {
      const slot = Math.imul(keys[i], 0x9e3779b1) >>> slotShift;
      if (hits[slot] < 2) hits[slot]++;
    }
    let m = 0;
    for (let i = 0; i < n; i++) if (hits[Math.imul(keys[i], 0x9e3779b1) >>> slotShift] > 1) m++;
    if (shared.length < m) shared = new Int32Array(m);
    m = 0;
    for (let i = 0; i < n; i++) if (hits[Math.imul(keys[i], 0x9e3779b1) >>> slotShift] > 1) shared[m++] = i;
    if (m < 2) continue;
    // stable: items of one key stay in item (time) order
    const order = radixOrder(keys, shared.subarray(0, m));
    let runStart = 0;
    for (let k = 1; k <= m; k++) {
      if (k < m && keys[order[k]] === keys[order[runStart]]) continue;
      // run [runStart, k) shares a band key, items in time order
      for (let x = runStart + 1; x < k; x++) {
        const i = order[x];
        const ti = t[ranks[i]];
        const ai = acc[ranks[i]];
        let steps = 0;
        for (let y = x - 1; y >= runStart && steps < K; y--) {
          const j = order[y];
          if (ti - t[ranks[j]] > W) break;
          if (acc[ranks[j]] === ai) continue;
          steps++;
          const ri = find(i);
          const rj = find(j);
          if (ri === rj) continue;
          if (jaccardSorted(vals, start[i], start[i + 1], vals, start[j], start[j + 1]) >= thr) {
            parent[ri < rj ? rj : ri] = ri < rj ? ri : rj;
          }
        }
      }
      runStart = k;
    }
  }

  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) size[find(i)]++;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (size[r] > 1) family[i] = r;
  }
  return family;
}
