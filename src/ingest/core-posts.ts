import { accountKey } from '../core/keys.ts';
import { toCorePost } from '../core/posts.ts';
import type { CanonicalAccount, CorePost } from '../core/types.ts';
import { readRecordBatches } from './index.ts';
import type { InputFormat } from './registry.ts';
import { detectFormat } from './sniff.ts';
import type { ReadOptions } from './types.ts';

/**
 * A file into the core's posts, for `coordwatch networks`, `eval` and the benchmarks (no
 * database). It is the workers' path without Postgres: the same adapters, validation and list
 * extraction (readRecordBatches), the same CanonicalPost → CorePost rule (core/posts.ts) as
 * detect/load.ts, the same "first record of a post id wins" as the posts table, so the posts,
 * keys and clusters equal those of the running monitor (test/integration/reader-agreement).
 */
export interface LoadOptions {
  /** skip detection */
  format?: InputFormat;
  /** reader options: mapping, time zone, default platform, limits */
  read?: ReadOptions;
  /**
   * Keep the text and links of reposts (default true). No co-action kind reads them (a repost
   * carries someone else's words), so the edges-only `networks` drops them: on retweet-heavy
   * data that is most of the memory. The posts then differ from the monitor's in those two
   * fields of reposts only.
   */
  repostText?: boolean;
}

export interface LoadedPosts {
  /** in input order (the core sorts: core/posts.ts canonicalOrder) */
  posts: CorePost[];
  /** keyed like CorePost.account (`platform:id`): the profile of each account's latest post */
  accounts: Map<string, CanonicalAccount>;
  /** platforms in play, in order of appearance (one: outputs may show bare ids) */
  platforms: string[];
  /** records that could not be read (ingest would store them as rejected) */
  rejected: number;
  /** records whose post id was already seen (first kept) */
  duplicates: number;
  format: InputFormat;
}

const EMPTY: string[] = Object.freeze([]) as unknown as string[];

export async function loadCorePosts(file: string, opts: LoadOptions = {}): Promise<LoadedPosts> {
  const format = opts.format ?? opts.read?.format ?? (await detectFormat(file));
  const keepRepostText = opts.repostText ?? true;
  const posts: CorePost[] = [];
  const platforms: string[] = [];
  // per platform, keyed by the bare ids the records carry (flat strings: cheaper to hash than
  // the concatenated keys): post ids seen, accounts (one key string each, the latest
  // profile), repost targets (one string each)
  type Seen = { ids: Set<string>; accounts: Map<string, { key: string; profile: CanonicalAccount; t: number }>; reposts: Map<string, string> };
  const byPlatform = new Map<string, Seen>();
  let lastPlatform = '';
  let cur: Seen | null = null;
  let rejected = 0;
  let duplicates = 0;
  for await (const batch of readRecordBatches(file, { ...opts.read, format })) {
    for (const rec of batch) {
      if (!rec.ok) {
        rejected++;
        continue;
      }
      const post = rec.post;
      if (cur === null || post.platform !== lastPlatform) {
        lastPlatform = post.platform;
        cur = byPlatform.get(lastPlatform) ?? null;
        if (cur === null) {
          cur = { ids: new Set(), accounts: new Map(), reposts: new Map() };
          byPlatform.set(lastPlatform, cur);
          platforms.push(lastPlatform);
        }
      }
      if (cur.ids.has(post.post_id)) {
        duplicates++;
        continue;
      }
      cur.ids.add(post.post_id);
      const p = toCorePost(post);
      // the account table's rule (db/ingest-repository.ts): the profile of the latest post
      const acc = cur.accounts.get(post.account.id);
      if (acc === undefined) cur.accounts.set(post.account.id, { key: p.account, profile: post.account, t: p.t });
      else {
        p.account = acc.key;
        if (p.t >= acc.t) {
          acc.profile = post.account;
          acc.t = p.t;
        }
      }
      if (p.repost_of !== null) {
        const r = cur.reposts.get(p.repost_of);
        if (r === undefined) cur.reposts.set(p.repost_of, p.repost_of);
        else p.repost_of = r;
        if (!keepRepostText) {
          p.text = '';
          p.urls = EMPTY;
        }
      }
      posts.push(p);
    }
  }
  const accounts = new Map<string, CanonicalAccount>();
  for (const seen of byPlatform.values()) for (const a of seen.accounts.values()) accounts.set(a.key, a.profile);
  return { posts, accounts, platforms, rejected, duplicates, format };
}

/** `platform:id` → `id` when one platform is in play (outputs that name accounts for people). */
export function bareKeys(platforms: readonly string[]): (key: string) => string {
  if (platforms.length !== 1) return (k) => k;
  const prefix = accountKey(platforms[0], '');
  return (k) => (k.startsWith(prefix) ? k.slice(prefix.length) : k);
}

/**
 * The posts and accounts with bare ids when one platform is in play: for callers that match
 * accounts against files of bare ids (labels) and have not moved to `platform:id` keys yet.
 * New copies; the loaded posts are not changed.
 */
export function withBareKeys(loaded: LoadedPosts): LoadedPosts {
  if (loaded.platforms.length !== 1) return loaded;
  const bare = bareKeys(loaded.platforms);
  return {
    ...loaded,
    posts: loaded.posts.map((p) => ({ ...p, key: bare(p.key), account: bare(p.account) })),
    accounts: new Map([...loaded.accounts].map(([k, v]) => [bare(k), v])),
  };
}
