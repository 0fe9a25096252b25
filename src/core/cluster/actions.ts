import type { CorePost } from '../types.ts';

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

export interface ActionIndex {
  /** the analysed posts, by key (built on first use: most analyses look up a few evidence posts, if any) */
  readonly posts: Map<string, CorePost>;
  /** each account's posts, sorted by time */
  postsByAccount: Map<string, CorePost[]>;
  /** the object keys of each post */
  objectsOfPost: Map<string, string[]>;
  /** every share of each object, sorted by time */
  shares: Map<string, Share[]>;
  /** distinct accounts that acted on each object */
  sharers: Map<string, number>;
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
}

export const DEFAULT_ACTION_OPTIONS: ActionOptions = { minTextTokens: 4, minHashtags: 3 };

const URL_RE = /\bhttps?:\/\/\S+/giu;
// letters and digits of any script survive; punctuation, symbols and emoji separate tokens
const NON_WORD_RE = /[^\p{L}\p{N}#@_]+/gu;
const INVISIBLE_RE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu;

// The same rules for text that is pure ASCII, where NFKC and the invisible characters are
// no-ops and the Unicode classes reduce to ASCII ones: most posts take this path, and
// non-Unicode regexps are several times faster.
// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const ASCII_RE = /^[\x00-\x7f]*$/;
const ASCII_URL_RE = /\bhttps?:\/\/\S+/gi;
const ASCII_NON_WORD_RE = /[^A-Za-z0-9#@_]+/g;

/** Lower-cased, link-free, punctuation-free text; tokens joined by single spaces. */
export function textKey(text: string): string {
  if (ASCII_RE.test(text)) {
    return text.replace(ASCII_URL_RE, ' ').toLowerCase().replace(ASCII_NON_WORD_RE, ' ').trim();
  }
  return text
    .normalize('NFKC')
    .replace(INVISIBLE_RE, '')
    .replace(URL_RE, ' ')
    .toLowerCase()
    .replace(NON_WORD_RE, ' ')
    .trim()
    .replace(/\s+/gu, ' ');
}

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Words, where a CJK character counts as one: Chinese does not put spaces between words. */
export function tokenCount(key: string): number {
  if (ASCII_RE.test(key)) return asciiWords(key);
  const cjk = key.match(CJK_RE)?.length ?? 0;
  const words = key.split(' ').filter((w) => w.replace(CJK_RE, '').length > 0).length;
  return words + cjk;
}

/** Runs of characters between spaces (what split(' ') leaves non-empty), without the arrays. */
function asciiWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = s.charCodeAt(i) === 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

export function objectsOf(post: CorePost, opts: ActionOptions): string[] {
  const out: string[] = [];
  if (post.repost_of) {
    // a repost carries the original's text and links: the repost target is the one action
    out.push(`r:${post.repost_of}`);
    return out;
  }
  const key = textKey(post.text);
  if (key && tokenCount(key) >= opts.minTextTokens) out.push(`t:${key}`);
  const urls = post.urls;
  const norm = (raw: string) => (opts.normalizeUrl ? opts.normalizeUrl(raw) : raw);
  if (urls.length === 1) {
    const u = norm(urls[0]);
    if (u) out.push(`u:${u}`);
  } else if (urls.length > 1) {
    const seen = new Set<string>();
    for (const raw of urls) {
      const u = norm(raw);
      if (u && !seen.has(u)) {
        seen.add(u);
        out.push(`u:${u}`);
      }
    }
  }
  if (post.hashtags.length >= opts.minHashtags) out.push(`h:${post.hashtags.map((h) => h.toLowerCase()).join(' ')}`);
  for (const m of post.media_hashes) out.push(`m:${m}`);
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
    objectsOfPost: new Map(),
    shares: new Map(),
    sharers: new Map(),
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
  for (const p of posts) {
    let list = index.postsByAccount.get(p.account);
    if (!list) index.postsByAccount.set(p.account, (list = []));
    list.push(p);
    const objs = objectsOf(p, o);
    index.objectsOfPost.set(p.key, objs);
    let mine = index.objectsOfAccount.get(p.account);
    if (!mine) index.objectsOfAccount.set(p.account, (mine = new Set()));
    for (const o of objs) {
      let s = index.shares.get(o);
      if (!s) index.shares.set(o, (s = []));
      s.push({ account: p.account, t: p.t, post: p.key, ref: p });
      if (!mine.has(o)) {
        mine.add(o);
        index.sharers.set(o, (index.sharers.get(o) ?? 0) + 1);
      }
    }
  }
  for (const list of index.postsByAccount.values()) if (list.length > 1) list.sort(byTimeThenKey);
  for (const s of index.shares.values()) if (s.length > 1) s.sort(byShareTime);
  return index;
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
export function dedupePosts(posts: readonly CorePost[]): CorePost[] {
  // Only posts of one account in one second can be repeats, and those are rare: the text
  // key (the costly part) is computed for them alone.
  const first = new Map<string, CorePost | Set<string>>();
  const body = (p: CorePost) => textKey(p.text).slice(0, 40) || p.repost_of || p.key;
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
