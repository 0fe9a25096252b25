import type { PreparedPosts } from './prepare.ts';

/** Token-id sets of candidate posts in rank (time) order: set i is vals[start[i] .. start[i+1]), sorted, distinct. */
export interface TokenSets {
  ranks: Int32Array;
  start: Int32Array;
  vals: Int32Array;
  nTokens: number;
}

export interface SimilarJoinParams {
  window: number;
  threshold: number;
}

/**
 * Exact set-similarity join within a time window: every pair of posts by different accounts with
 * |Δt| ≤ window and Jaccard ≥ threshold, computed as CNT does (`|a ∩ b| / |a ∪ b| >= t` in
 * doubles), without comparing all pairs in the window.
 *
 * Prefix filtering (AllPairs): order tokens rarest first; if J(x, y) ≥ t then |x ∩ y| ≥ ⌈t·|x|⌉,
 * so the first |x| − ⌈t·|x|⌉ + 1 tokens of x and the like prefix of y share a token. Each post
 * is indexed under its prefix tokens and probes the posts indexed under them within the last Δ
 * seconds; a size filter (t·|x| ≤ |y| ≤ |x|/t) and an exact merge decide. Rare tokens make short
 * lists, so cost follows the number of truly similar pairs, not the window's population squared.
 *
 * `onPair(i, j)` gets item indices, i earlier than j.
 */
export function similarJoin(
  prep: PreparedPosts,
  sets: TokenSets,
  params: SimilarJoinParams,
  onPair: (i: number, j: number) => void,
): void {
  const n = sets.ranks.length;
  if (n < 2) return;
  const { start, vals, ranks, nTokens } = sets;
  const thr = params.threshold;
  const W = params.window;
  const { t, acc } = prep;

  // Rarity order: token ids re-numbered by ascending document frequency.
  const df = new Int32Array(nTokens);
  for (let k = 0; k < vals.length; k++) df[vals[k]]++;
  // counting sort by frequency (ties by id): linear, where a comparison sort of millions of
  // token ids would dominate the join
  let maxDf = 0;
  for (let k = 0; k < nTokens; k++) if (df[k] > maxDf) maxDf = df[k];
  const dfStart = new Int32Array(maxDf + 2);
  for (let k = 0; k < nTokens; k++) dfStart[df[k] + 1]++;
  for (let d = 0; d <= maxDf; d++) dfStart[d + 1] += dfStart[d];
  const rarity = new Int32Array(nTokens);
  for (let k = 0; k < nTokens; k++) rarity[k] = dfStart[df[k]]++;
  const sorted = new Int32Array(vals.length);
  for (let k = 0; k < vals.length; k++) sorted[k] = rarity[vals[k]];
  for (let i = 0; i < n; i++) sorted.subarray(start[i], start[i + 1]).sort();

  // A hair below ⌈t·|x|⌉ guards against t·|x| landing just above an integer in floating point.
  const minOverlap = (len: number): number => Math.max(1, Math.ceil(thr * len - 1e-9));
  const prefixLen = new Int32Array(n);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    const len = start[i + 1] - start[i];
    prefixLen[i] = len === 0 ? 0 : len - minOverlap(len) + 1;
    entries += prefixLen[i];
  }

  // Inverted index over prefix tokens, lists in item (time) order.
  const listStart = new Int32Array(nTokens + 1);
  for (let i = 0; i < n; i++) for (let k = 0; k < prefixLen[i]; k++) listStart[sorted[start[i] + k] + 1]++;
  for (let k = 0; k < nTokens; k++) listStart[k + 1] += listStart[k];
  const fill = listStart.slice(0, nTokens);
  const list = new Int32Array(entries);
  for (let i = 0; i < n; i++) for (let k = 0; k < prefixLen[i]; k++) list[fill[sorted[start[i] + k]]++] = i;
  const head = listStart.slice(0, nTokens);

  const seen = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    const lenJ = start[j + 1] - start[j];
    if (lenJ === 0) continue;
    const tj = t[ranks[j]];
    const aj = acc[ranks[j]];
    for (let k = 0; k < prefixLen[j]; k++) {
      const tok = sorted[start[j] + k];
      const end = listStart[tok + 1];
      let h = head[tok];
      while (h < end && t[ranks[list[h]]] < tj - W) h++;
      head[tok] = h;
      for (let e = h; e < end; e++) {
        const i = list[e];
        if (i >= j) break;
        if (seen[i] === j) continue;
        seen[i] = j;
        if (acc[ranks[i]] === aj) continue;
        const lenI = start[i + 1] - start[i];
        if (lenI < thr * lenJ - 1e-9 || lenJ < thr * lenI - 1e-9) continue;
        let inter = 0;
        let x = start[i];
        let y = start[j];
        const xe = start[i + 1];
        const ye = start[j + 1];
        while (x < xe && y < ye) {
          const a = sorted[x];
          const b = sorted[y];
          if (a === b) {
            inter++;
            x++;
            y++;
          } else if (a < b) x++;
          else y++;
        }
        if (inter / (lenI + lenJ - inter) >= thr) onPair(i, j);
      }
    }
  }
}
