import type { CorePost } from '../types.ts';
import { orderByTime } from './radix.ts';
import type { TextMemo } from './text-memo.ts';

/**
 * Posts in time order with integer-interned accounts: every edge kind works on these arrays
 * ("ranks" are positions in time order) instead of on post objects.
 */
export interface PreparedPosts {
  posts: readonly CorePost[];
  /** posts that take part (finite time) */
  n: number;
  /** post index by rank */
  order: Int32Array;
  /** rank by post index (−1: not taking part) */
  rankOf: Int32Array;
  /** epoch seconds by rank */
  t: Float64Array;
  /** account id by rank */
  acc: Int32Array;
  /** account name by id */
  accounts: string[];
  /** posts dropped for a non-finite time */
  skipped: number;
  /** derived per-post data shared between kinds (normalised text, shingles), filled lazily */
  cache: Map<string, unknown>;
  /** the caller's text facts kept between analyses (text-memo.ts), if any */
  texts?: TextMemo;
}

/**
 * Reads each post once, in input order (sequential memory access matters at millions of posts),
 * then orders by time: a linear radix sort when times are whole seconds spanning < 2³² s,
 * a comparison sort otherwise. Ties keep input order.
 */
export function preparePosts(posts: readonly CorePost[], texts?: TextMemo): PreparedPosts {
  const total = posts.length;
  const tIn = new Float64Array(total);
  const accIn = new Int32Array(total);
  const ids = new Map<string, number>();
  const accounts: string[] = [];
  let n = 0;
  let allInt = true;
  let sorted = true;
  let tMin = Infinity;
  let tMax = -Infinity;
  let prevT = -Infinity;
  let lastAccount: string | null = null;
  let lastId = -1;
  for (let i = 0; i < total; i++) {
    const p = posts[i];
    const t = p.t;
    tIn[i] = t;
    if (!Number.isFinite(t)) {
      accIn[i] = -1;
      continue;
    }
    n++;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (t < prevT) sorted = false;
    prevT = t;
    if (allInt && !Number.isInteger(t)) allInt = false;
    // inputs usually come grouped by author (or by time, with bursts per author): skip the lookup
    // while the account repeats
    if (p.account !== lastAccount) {
      let id = ids.get(p.account);
      if (id === undefined) {
        id = accounts.length;
        ids.set(p.account, id);
        accounts.push(p.account);
      }
      lastAccount = p.account;
      lastId = id;
    }
    accIn[i] = lastId;
  }
  let order: Int32Array = new Int32Array(n);
  for (let i = 0, k = 0; i < total; i++) if (accIn[i] >= 0) order[k++] = i;
  if (!sorted) order = orderByTime(order, tIn, total, allInt, tMin, tMax);
  const t = new Float64Array(n);
  const acc = new Int32Array(n);
  const rankOf = new Int32Array(total).fill(-1);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    t[r] = tIn[i];
    acc[r] = accIn[i];
    rankOf[i] = r;
  }
  return { posts, n, order, rankOf, t, acc, accounts, skipped: total - n, cache: new Map(), ...(texts ? { texts } : {}) };
}
