import { describe, expect, it } from 'vitest';
import { buildActionIndex, objectsOf, DEFAULT_ACTION_OPTIONS } from '../../../src/core/cluster/index.ts';
import type { ActionIndex, ActionOptions, ObjectActions } from '../../../src/core/cluster/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { post } from './helpers.ts';

/** The index built the plain way: one map lookup per object, every list sorted after. */
function reference(posts: readonly CorePost[], opts: ActionOptions): Omit<ActionIndex, 'posts'> {
  const byTime = (a: { t: number; key: string }, b: { t: number; key: string }) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const sorted = (ps: readonly CorePost[]) => ps.every((p, i) => i === 0 || byTime(ps[i - 1], p) <= 0);
  const accounts = new Map<string, { posts: CorePost[]; objs: string[][]; distinct: Set<string> }>();
  const objects = new Map<string, ObjectActions>();
  for (const p of posts) {
    let a = accounts.get(p.account);
    if (!a) accounts.set(p.account, (a = { posts: [], objs: [], distinct: new Set() }));
    const objs = objectsOf(p, opts);
    a.posts.push(p);
    a.objs.push(objs);
    for (const k of objs) {
      let x = objects.get(k);
      if (!x) objects.set(k, (x = { shares: [], sharers: 0 }));
      x.shares.push({ account: p.account, t: p.t, post: p.key, ref: p });
      if (!a.distinct.has(k)) {
        a.distinct.add(k);
        x.sharers++;
      }
    }
  }
  const out = { postsByAccount: new Map<string, CorePost[]>(), postObjects: new Map<string, string[][]>(), objects, objectsOfAccount: new Map<string, Set<string>>() };
  for (const [id, a] of accounts) {
    if (!sorted(a.posts)) {
      const order = a.posts.map((_, i) => i).sort((i, j) => byTime(a.posts[i], a.posts[j]));
      a.posts = order.map((i) => a.posts[i]);
      a.objs = order.map((i) => a.objs[i]);
    }
    out.postsByAccount.set(id, a.posts);
    out.postObjects.set(id, a.objs);
    out.objectsOfAccount.set(id, a.distinct);
  }
  for (const x of objects.values()) if (x.shares.length > 1) x.shares.sort((a, b) => a.t - b.t || (a.post < b.post ? -1 : a.post > b.post ? 1 : 0));
  return out;
}

/** Everything the index holds, in its order (maps and sets as entry lists, shares as their fields). */
function plain(idx: Omit<ActionIndex, 'posts'>): unknown {
  return {
    postsByAccount: [...idx.postsByAccount].map(([k, ps]) => [k, ps.map((p) => p.key)]),
    postObjects: [...idx.postObjects],
    objects: [...idx.objects].map(([k, x]) => [k, x.sharers, x.shares.map((s) => [s.account, s.t, s.post, s.ref.key])]),
    objectsOfAccount: [...idx.objectsOfAccount].map(([k, s]) => [k, [...s]]),
  };
}

describe('action index against the plain build', () => {
  it('holds the same lists in the same order, for posts in time order, shuffled, or with NaN times', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const texts = ['vote for the change we need now', 'lol', 'the same four words here', 'another long text of five words', ''];
    for (let round = 0; round < 40; round++) {
      const posts: CorePost[] = [];
      for (let i = 0; i < 60; i++) {
        const repost = rnd() < 0.3;
        posts.push(
          post(pick(['a', 'b', 'c', 'd', 'e']), Math.floor(rnd() * 20), {
            key: `k${Math.floor(rnd() * 1000)}`,
            text: pick(texts),
            ...(repost ? { repost_of: pick(['x', 'y', 'z']) } : {}),
            urls: rnd() < 0.4 ? [pick(['https://e.com/1', 'https://e.com/2']), pick(['https://e.com/1', 'https://e.com/3'])] : [],
            hashtags: rnd() < 0.3 ? ['A', pick(['b', 'c']), 'D'] : [],
          }),
        );
      }
      const inOrder = [...posts].sort((x, y) => x.t - y.t || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      const withNaN = posts.map((p, i) => (i % 17 === 3 ? { ...p, t: NaN } : p));
      for (const ps of [inOrder, posts, withNaN]) {
        expect(plain(buildActionIndex(ps))).toEqual(plain(reference(ps, DEFAULT_ACTION_OPTIONS)));
      }
    }
  });
});
