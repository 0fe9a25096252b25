import type { CorePost } from '../types.ts';
import { INDEX_KINDS } from '../edges/kinds/index.ts';
import { memoTextKey, textKey, tokenCount } from '../text/text-key.ts';

export { memoTextKey, textKey, tokenCount };

/**
 * The action index: for every post, the objects it acts on (the repost target, its
 * normalised text, its links, its hashtag sequence, its media), and for every object,
 * which accounts acted on it and when. Clustering (co-set links, cohesion), the null
 * model and the evidence all read it; it is built once per analysis in O(posts).
 *
 * Object keys carry a kind prefix: `r:` repost target, `t:` normalised text, `u:` link,
 * `h:` ordered hashtag sequence, `m:` media hash.
 */

export interface Share {
  account: string;
  t: number;
  post: string;
  /** the post itself */
  ref: CorePost;
}

export interface ObjectActions {
  /** every share of the object, sorted by time */
  shares: Share[];
  /** distinct accounts that acted on it */
  sharers: number;
}

export interface ActionIndex {
  /** the analysed posts, by key (built on first use: most analyses look up a few evidence posts, if any) */
  readonly posts: Map<string, CorePost>;
  /** each account's posts, sorted by time */
  postsByAccount: Map<string, CorePost[]>;
  /** the object keys of each of an account's posts, in postsByAccount's order */
  postObjects: Map<string, string[][]>;
  /** each object's shares and sharers */
  objects: Map<string, ObjectActions>;
  /** each account's distinct objects */
  objectsOfAccount: Map<string, Set<string>>;
}

export interface ActionOptions {
  /** a text needs this many tokens to be an object of its own ("lol" is not coordination) */
  minTextTokens: number;
  /** a hashtag sequence needs this many tags (DESIGN C5: 3+) */
  minHashtags: number;
  /** how links are normalised; identity when the caller has nothing better */
  normalizeUrl?: (url: string) => string;
  /** the text key of a text (textKey, or a memoised textKey: see memoTextKey) */
  textKey?: (text: string) => string;
}

export const DEFAULT_ACTION_OPTIONS: ActionOptions = { minTextTokens: 4, minHashtags: 3 };

/** The post's objects: each kind with objects in the index (edges/kinds/) names its own, prefixed. */
export function objectsOf(post: CorePost, opts: ActionOptions): string[] {
  const out: string[] = [];
  // a repost carries the original's text and links: only the kinds about reposting look at it
  const repost = !!post.repost_of;
  for (const { index } of INDEX_KINDS) {
    if (index.onReposts !== repost) continue;
    for (const o of index.objects(post, opts)) out.push(index.prefix + o);
  }
  return out;
}

export function buildActionIndex(posts: readonly CorePost[], opts: ActionOptions = DEFAULT_ACTION_OPTIONS): ActionIndex {
  let byKey: Map<string, CorePost> | null = null;
  const index: ActionIndex = {
    get posts() {
      if (!byKey) {
        byKey = new Map();
        for (const p of posts) byKey.set(p.key, p);
      }
      return byKey;
    },
    postsByAccount: new Map(),
    postObjects: new Map(),
    objects: new Map(),
    objectsOfAccount: new Map(),
  };
  // links repeat across posts (a pushed link thousands of times): normalise each once
  const normalizeUrl = opts.normalizeUrl;
  const urlMemo = new Map<string, string>();
  const o: ActionOptions = normalizeUrl
    ? {
        ...opts,
        normalizeUrl: (raw) => {
          let u = urlMemo.get(raw);
          if (u === undefined) urlMemo.set(raw, (u = normalizeUrl(raw)));
          return u;
        },
      }
    : opts;
  // One lookup per post for its account and one per object it acts on: at a million posts
  // the map operations (cache misses, mostly) are most of the cost. A post's objects share one
  // Share; each account's distinct objects are collected after, an account at a time.
  const kinds = INDEX_KINDS.map(({ index: k }) => k);
  const accounts = new Map<string, AccountActions>();
  const objects = index.objects;
  // posts in time order (what every analysis hands it) need no sorting of their lists
  const sorted = timeKeySorted(posts);
  for (const p of posts) {
    let a = accounts.get(p.account);
    if (!a) accounts.set(p.account, (a = { posts: [], objs: [], xs: [] }));
    const repost = !!p.repost_of;
    // lists are made with their first element: a first push onto [] reserves 16 slots, and
    // most posts have one object, most objects one share
    let objs: string[] | undefined;
    // one share for all the post's objects
    let share: Share | undefined;
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i];
      // a repost carries the original's text and links: only the kinds about reposting look at it
      if (k.onReposts !== repost) continue;
      for (const raw of k.objects(p, o)) {
        const key = k.prefix + raw;
        share ??= { account: p.account, t: p.t, post: p.key, ref: p };
        let x = objects.get(key);
        if (x === undefined) objects.set(key, (x = { shares: [share], sharers: 0 }));
        else x.shares.push(share);
        if (objs === undefined) objs = [key];
        else objs.push(key);
        a.xs.push(x);
      }
    }
    a.posts.push(p);
    a.objs.push(objs ?? []);
  }
  // each account's distinct objects, one account at a time (its set stays in cache), in
  // the order the posts came in; an object's sharers count the accounts that have it
  for (const [id, a] of accounts) {
    const distinct = new Set<string>();
    let j = 0;
    for (const objs of a.objs) {
      for (let i = 0; i < objs.length; i++, j++) {
        const n = distinct.size;
        if (distinct.add(objs[i]).size !== n) a.xs[j].sharers++;
      }
    }
    if (!sorted && !isSorted(a.posts)) {
      // stable, as a sort of the posts alone would be; the objects follow their posts
      const order = a.posts.map((_, i) => i).sort((i, j) => byTimeThenKey(a.posts[i], a.posts[j]));
      a.posts = order.map((i) => a.posts[i]);
      a.objs = order.map((i) => a.objs[i]);
    }
    index.postsByAccount.set(id, a.posts);
    index.postObjects.set(id, a.objs);
    index.objectsOfAccount.set(id, distinct);
  }
  if (!sorted) for (const x of objects.values()) if (x.shares.length > 1) x.shares.sort(byShareTime);
  return index;
}

interface AccountActions {
  posts: CorePost[];
  objs: string[][];
  /** the objects' actions, in the order of objs' keys (flat) */
  xs: ObjectActions[];
}

/**
 * Sorted by time then key, with every time a number: then every sub-list taken in order
 * (an account's posts, an object's shares) is sorted too, and a stable sort leaves it as is.
 * (A NaN time compares as equal to everything, which is not an order.)
 */
function timeKeySorted(ps: readonly CorePost[]): boolean {
  for (const p of ps) if (Number.isNaN(p.t)) return false;
  return isSorted(ps);
}

function isSorted(ps: readonly CorePost[]): boolean {
  for (let i = 1; i < ps.length; i++) if (byTimeThenKey(ps[i - 1], ps[i]) > 0) return false;
  return true;
}

function byShareTime(a: Share, b: Share): number {
  return a.t - b.t || (a.post < b.post ? -1 : a.post > b.post ? 1 : 0);
}

function byTimeThenKey(a: CorePost, b: CorePost): number {
  return a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Drop repeated captures of the same action: one account, the same second, the same
 * beginning of text (or repost target). Collections that overlap (two snapshots of a
 * timeline) otherwise double every count that follows.
 */
export function dedupePosts(posts: readonly CorePost[], keyOf: (text: string) => string = textKey): CorePost[] {
  if (timeSorted(posts)) return dedupeSorted(posts, keyOf);
  // Only posts of one account in one second can be repeats, and those are rare: the text
  // key (the costly part) is computed for them alone.
  const first = new Map<string, CorePost | Set<string>>();
  const body = (p: CorePost) => keyOf(p.text).slice(0, 40) || p.repost_of || p.key;
  const out: CorePost[] = [];
  for (const p of posts) {
    const k = `${p.account}\u0000${p.t}`;
    const prev = first.get(k);
    if (prev === undefined) {
      first.set(k, p);
      out.push(p);
      continue;
    }
    // the text decides, not the repost id: two captures of one retweet may carry different
    // (truncated) texts and hence different synthetic repost keys
    let bodies: Set<string>;
    if (prev instanceof Set) bodies = prev;
    else first.set(k, (bodies = new Set([body(prev)])));
    const b = body(p);
    if (bodies.has(b)) continue;
    bodies.add(b);
    out.push(p);
  }
  return out;
}

/** Times never decreasing (and all numbers: a NaN time is left to the general path). */
function timeSorted(posts: readonly CorePost[]): boolean {
  for (let i = 0; i < posts.length; i++) {
    const t = posts[i].t;
    if (Number.isNaN(t) || (i > 0 && t < posts[i - 1].t)) return false;
  }
  return true;
}

/**
 * dedupePosts over posts in time order (what every analysis hands it): the posts of one
 * second are consecutive, so repeats are looked for within each run of equal times, by
 * account, with no `account + time` key string per post. The same posts are kept, in the
 * same order: a run holds every post of its (account, second) pairs.
 */
function dedupeSorted(posts: readonly CorePost[], keyOf: (text: string) => string): CorePost[] {
  const body = (p: CorePost) => keyOf(p.text).slice(0, 40) || p.repost_of || p.key;
  const out: CorePost[] = [];
  const first = new Map<string, CorePost | Set<string>>();
  let i = 0;
  while (i < posts.length) {
    const t = posts[i].t;
    let j = i + 1;
    while (j < posts.length && posts[j].t === t) j++;
    if (j - i === 1) {
      out.push(posts[i]);
      i = j;
      continue;
    }
    first.clear();
    for (let n = i; n < j; n++) {
      const p = posts[n];
      const prev = first.get(p.account);
      if (prev === undefined) {
        first.set(p.account, p);
        out.push(p);
        continue;
      }
      let bodies: Set<string>;
      if (prev instanceof Set) bodies = prev;
      else first.set(p.account, (bodies = new Set([body(prev)])));
      const b = body(p);
      if (bodies.has(b)) continue;
      bodies.add(b);
      out.push(p);
    }
    i = j;
  }
  return out;
}
