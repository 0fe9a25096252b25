import type { CorePost } from '../types.ts';
import { radixOrder } from './radix.ts';

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
}

export function preparePosts(posts: readonly CorePost[]): PreparedPosts {
  const valid: number[] = [];
  let allInt = true;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let i = 0; i < posts.length; i++) {
    const t = posts[i].t;
    if (!Number.isFinite(t)) continue;
    valid.push(i);
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (allInt && !Number.isInteger(t)) allInt = false;
  }
  const n = valid.length;
  let order: Int32Array = Int32Array.from(valid);
  let sorted = true;
  for (let k = 1; k < n; k++) {
    if (posts[order[k]].t < posts[order[k - 1]].t) {
      sorted = false;
      break;
    }
  }
  if (!sorted) {
    if (allInt && tMax - tMin < 2 ** 32) {
      const keys = new Uint32Array(posts.length);
      for (let k = 0; k < n; k++) keys[order[k]] = posts[order[k]].t - tMin;
      order = radixOrder(keys, order);
    } else {
      order = Int32Array.from([...order].sort((a, b) => posts[a].t - posts[b].t || a - b));
    }
  }
  const t = new Float64Array(n);
  const acc = new Int32Array(n);
  const ids = new Map<string, number>();
  const accounts: string[] = [];
  for (let r = 0; r < n; r++) {
    const p = posts[order[r]];
    t[r] = p.t;
    let id = ids.get(p.account);
    if (id === undefined) {
      id = accounts.length;
      ids.set(p.account, id);
      accounts.push(p.account);
    }
    acc[r] = id;
  }
  return { posts, n, order, t, acc, accounts, skipped: posts.length - n, cache: new Map() };
}
