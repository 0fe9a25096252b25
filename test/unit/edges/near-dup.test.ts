import { describe, expect, it } from 'vitest';
import { nearDupFamilies, type NearDupParams, type ShingleSets } from '../../../src/core/edges/near-dup.ts';
import { preparePosts, type PreparedPosts } from '../../../src/core/edges/prepare.ts';
import { radixOrder } from '../../../src/core/edges/radix.ts';
import { bandKey, makePermutations } from '../../../src/core/text/minhash.ts';
import { jaccardSorted } from '../../../src/core/text/shingles.ts';
import type { CorePost } from '../../../src/core/types.ts';

// nearDupFamilies sorts only the items of band keys that another item may share (a count
// table of key slots): the families must be those of sorting every item of every band.

/** The straightforward LSH: every band's items sorted by key, every run walked. */
function reference(prep: PreparedPosts, sets: ShingleSets, params: NearDupParams): Int32Array {
  const n = sets.ranks.length;
  const family = new Int32Array(n).fill(-1);
  if (n < 2) return family;
  const { numPerm, bands, seed } = params.minhash;
  const rows = numPerm / bands;
  const perms = makePermutations(numPerm, seed);
  const sig = new Uint32Array(numPerm * n);
  for (let i = 0; i < n; i++) {
    // one permutation at a time
    const { a, b } = perms;
    for (let p = 0; p < numPerm; p++) {
      let m = 0xffffffff;
      for (let j = sets.start[i]!; j < sets.start[i + 1]!; j++) {
        let h = (Math.imul(a[p]!, sets.vals[j]!) + b[p]!) | 0;
        h ^= h >>> 16;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h = (h ^ (h >>> 16)) >>> 0;
        if (h < m) m = h;
      }
      sig[i * numPerm + p] = m;
    }
  }
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : find(parent[x]!));
  const keys = new Uint32Array(n);
  for (let band = 0; band < bands; band++) {
    for (let i = 0; i < n; i++) keys[i] = bandKey(sig, i * numPerm, band, rows);
    const order = radixOrder(keys);
    let runStart = 0;
    for (let k = 1; k <= n; k++) {
      if (k < n && keys[order[k]!] === keys[order[runStart]!]) continue;
      for (let x = runStart + 1; x < k; x++) {
        const i = order[x]!;
        let steps = 0;
        for (let y = x - 1; y >= runStart && steps < params.maxPartners; y--) {
          const j = order[y]!;
          if (prep.t[sets.ranks[i]!]! - prep.t[sets.ranks[j]!]! > params.window) break;
          if (prep.acc[sets.ranks[j]!] === prep.acc[sets.ranks[i]!]) continue;
          steps++;
          const ri = find(i);
          const rj = find(j);
          if (ri !== rj && jaccardSorted(sets.vals, sets.start[i]!, sets.start[i + 1]!, sets.vals, sets.start[j]!, sets.start[j + 1]!) >= params.threshold) {
            parent[Math.max(ri, rj)] = Math.min(ri, rj);
          }
        }
      }
      runStart = k;
    }
  }
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) size[find(i)]!++;
  for (let i = 0; i < n; i++) if (size[find(i)]! > 1) family[i] = find(i);
  return family;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n posts over `span` seconds by `accounts` accounts, each with a set drawn from a few templates (near-dupes and exact copies) or at random */
function instance(next: () => number, n: number, accounts: number, span: number, vocab: number): { prep: PreparedPosts; sets: ShingleSets } {
  const posts: CorePost[] = [];
  for (let i = 0; i < n; i++) {
    posts.push({ key: `p${i}`, account: `a${Math.floor(next() * accounts)}`, t: Math.floor(next() * span), text: '', lang: null, urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null, media_hashes: [] });
  }
  const prep = preparePosts(posts);
  const templates = Array.from({ length: 4 }, () => Array.from({ length: 3 + Math.floor(next() * 10) }, () => Math.floor(next() * vocab)));
  const start = [0];
  const vals: number[] = [];
  for (let r = 0; r < prep.n; r++) {
    let set: number[];
    if (next() < 0.6) {
      set = [...templates[Math.floor(next() * templates.length)]!];
      // perturb a little: near-same, sometimes below the threshold
      if (next() < 0.5) set[Math.floor(next() * set.length)] = Math.floor(next() * vocab);
      if (next() < 0.3) set.push(Math.floor(next() * vocab));
    } else set = Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * vocab));
    const sorted = [...new Set(set)].sort((x, y) => x - y);
    vals.push(...sorted);
    start.push(vals.length);
  }
  return { prep, sets: { ranks: Int32Array.from({ length: prep.n }, (_, r) => r), start: Int32Array.from(start), vals: Uint32Array.from(vals) } };
}

describe('nearDupFamilies', () => {
  it('gives the families of sorting every item of every band, on random inputs', () => {
    const next = rng(11);
    let linked = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = [2, 3, 10, 50, 300, 2000][trial % 6]!;
      const { prep, sets } = instance(next, n, 2 + Math.floor(next() * 30), 1 + Math.floor(next() * 600), 5 + Math.floor(next() * 200));
      const params: NearDupParams = {
        window: [0, 5, 60, 1000][trial % 4]!,
        threshold: [0.5, 0.8, 1][trial % 3]!,
        maxPartners: [1, 2, 64][trial % 3]!,
        minhash: [
          { numPerm: 64, bands: 16, seed: 0x5eed },
          { numPerm: 6, bands: 3, seed: 2 },
          { numPerm: 8, bands: 8, seed: 3 },
        ][trial % 3]!,
      };
      const got = nearDupFamilies(prep, sets, params);
      expect([...got]).toEqual([...reference(prep, sets, params)]);
      linked += got.filter((f) => f >= 0).length;
    }
    // the inputs do make families
    expect(linked).toBeGreaterThan(1000);
  });
});
