import { accountKey, postKey } from './keys.ts';
import type { CanonicalPost, CorePost } from './types.ts';

/**
 * The one rule from a stored or read post to the core's post, whoever loads it (files for
 * `networks` and `eval`, Postgres for the workers): keys are always `platform:id`
 * (keys.ts), `t` is epoch seconds at millisecond resolution, texts and lists as stored.
 */

/** A post's fields as every loader has them: a canonical post flattened, the time in epoch ms. */
export interface PostFields {
  platform: string;
  post_id: string;
  account_id: string;
  ms: number;
  text: string;
  lang: string | null;
  urls: string[];
  hashtags: string[];
  mentions: string[];
  repost_of: string | null;
  reply_to: string | null;
  media_hashes: string[];
  /** CanonicalPost.objects (`sound:…`, `like:…`, `fwd:…`); absent or empty: none */
  objects?: readonly string[] | null;
}

export function corePost(f: PostFields): CorePost {
  return {
    key: postKey(f.platform, f.post_id),
    account: accountKey(f.platform, f.account_id),
    t: Math.round(f.ms) / 1000,
    text: f.text,
    lang: f.lang,
    urls: f.urls,
    hashtags: f.hashtags,
    mentions: f.mentions,
    repost_of: f.repost_of,
    reply_to: f.reply_to,
    media_hashes: f.media_hashes,
    ...(f.objects && f.objects.length > 0 ? { objects: [...f.objects] } : {}),
  };
}

/** The core's post of a canonical post (ingest's output). */
export function toCorePost(p: CanonicalPost): CorePost {
  return corePost({
    platform: p.platform,
    post_id: p.post_id,
    account_id: p.account.id,
    ms: Date.parse(p.posted_at),
    text: p.text,
    lang: p.lang,
    urls: p.urls,
    hashtags: p.hashtags,
    mentions: p.mentions,
    repost_of: p.repost_of,
    reply_to: p.reply_to,
    media_hashes: p.media_hashes,
    objects: p.objects,
  });
}

/** The core's post order: time, ties by key. Results never depend on the order posts arrive in. */
export function canonicalOrder(a: CorePost, b: CorePost): number {
  return a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
