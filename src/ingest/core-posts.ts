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
  const accounts = new Map<string, CanonicalAccount>();
  const lastT = new Map<string, number>();
  const seen = new Set<string>();
  // one string per distinct account and repost target, not one per post
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const x = interned.get(s);
    if (x !== undefined) return x;
    interned.set(s, s);
    return s;
  };
  let rejected = 0;
  let duplicates = 0;
  for await (const batch of readRecordBatches(file, { ...opts.read, format })) {
    for (const rec of batch) {
      if (!rec.ok) {
        rejected++;
        continue;
      }
      const p = toCorePost(rec.post);
      if (seen.has(p.key)) {
        duplicates++;
        continue;
      }
      seen.add(p.key);
      const platform = rec.post.platform;
      if (!platforms.includes(platform)) platforms.push(platform);
      p.account = intern(p.account);
      if (p.repost_of !== null) {
        p.repost_of = intern(p.repost_of);
        if (!keepRepostText) {
          p.text = '';
          p.urls = EMPTY;
        }
      }
      // the account table's rule (db/ingest-repository.ts): the profile of the latest post
      const seenT = lastT.get(p.account);
      if (seenT === undefined || p.t >= seenT) {
        accounts.set(p.account, rec.post.account);
        lastT.set(p.account, p.t);
      }
      posts.push(p);
    }
  }
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
