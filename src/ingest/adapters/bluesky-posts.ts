import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { accepted, jsonText, kindOf, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import { validatePost } from '../read/validate.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { blobCids, facetLists } from './bluesky-jetstream.ts';

/**
 * Bluesky AppView responses holding `postView`s: `app.bsky.feed.getPostThread` (`thread`, walked
 * through `parent` and `replies`), `searchPosts` (`posts`), `getAuthorFeed` / timelines (`feed`
 * of `{post, reason}`; a `reasonRepost` is a repost by `reason.by`), one response per file or per
 * line. Ids are AT URIs as in the Jetstream adapter, so the same post read from both is one post.
 *
 * `posted_at` is the AppView's `indexedAt` (when the network saw the post; `createdAt` is
 * client-set), falling back to `record.createdAt`. `avatar_hash` is the avatar's blob CID, taken
 * from the CDN URL (`…/avatar/plain/<did>/<cid>@jpeg`): content-addressed, so the same picture
 * on two accounts gives the same hash (A7 persona groups, C7).
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const AVATAR_CID_RE = /\/(baf[a-z2-7]{20,})(?:@[a-z]+)?$/;

export function avatarCid(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const m = AVATAR_CID_RE.exec(url);
  return m === null ? null : m[1];
}

function authorOf(a: unknown): LoosePost['account'] {
  if (!isObject(a)) return {};
  return {
    id: a.did,
    handle: a.handle,
    display_name: a.displayName,
    bio: a.description,
    created_at: a.createdAt,
    followers: a.followersCount,
    following: a.followsCount,
    avatar_hash: avatarCid(a.avatar),
  };
}

export function postViewToLoose(p: Json): LoosePost {
  const record = isObject(p.record) ? p.record : {};
  const lists = facetLists(record, null);
  const reply = isObject(record.reply) && isObject(record.reply.parent) ? record.reply.parent.uri : null;
  return {
    platform: 'bluesky',
    post_id: p.uri,
    posted_at: p.indexedAt ?? record.createdAt,
    text: record.text,
    lang: Array.isArray(record.langs) && typeof record.langs[0] === 'string' ? record.langs[0] : null,
    ...lists,
    repost_of: null,
    reply_to: reply,
    media_hashes: blobCids(record.embed),
    account: authorOf(p.author),
  };
}

/** postViews of one response, in document order, each with its index; a thread walked depth-first. */
function* postViews(doc: Json): Generator<{ view: unknown; repostBy?: Json; reason?: Json }> {
  if (isObject(doc.thread)) {
    const stack: unknown[] = [doc.thread];
    const seen = new Set<unknown>();
    while (stack.length > 0) {
      const t = stack.pop();
      if (!isObject(t) || seen.has(t)) continue;
      seen.add(t);
      if ('post' in t) yield { view: t.post };
      else yield { view: t };
      const replies = Array.isArray(t.replies) ? t.replies : [];
      for (let i = replies.length - 1; i >= 0; i--) stack.push(replies[i]);
      if (isObject(t.parent)) stack.push(t.parent);
    }
    return;
  }
  if (Array.isArray(doc.posts)) {
    for (const p of doc.posts) yield { view: p };
    return;
  }
  if (Array.isArray(doc.feed)) {
    for (const f of doc.feed) {
      if (!isObject(f)) {
        yield { view: f };
        continue;
      }
      const reason = isObject(f.reason) ? f.reason : undefined;
      if (reason !== undefined && reason.$type === 'app.bsky.feed.defs#reasonRepost' && isObject(reason.by))
        yield { view: f.post, repostBy: reason.by, reason };
      else yield { view: f.post };
    }
  }
}

export function isAppViewResponse(o: Json): boolean {
  if (isObject(o.thread) && (o.thread.$type === 'app.bsky.feed.defs#threadViewPost' || 'post' in o.thread)) return true;
  const first = Array.isArray(o.posts) ? o.posts[0] : Array.isArray(o.feed) ? (isObject(o.feed[0]) ? o.feed[0].post : undefined) : undefined;
  return isObject(first) && typeof first.uri === 'string' && first.uri.startsWith('at://') && 'author' in first;
}

export function responseRecords(
  doc: unknown,
  raw: string,
  file: string,
  line: number,
  ctx: ReadContext,
  out: ParsedRecord[],
): void {
  if (!isObject(doc)) {
    out.push(rejected(file, line, null, raw, `expected an AppView response object, got ${kindOf(doc)}`));
    return;
  }
  if (typeof doc.error === 'string') {
    out.push(rejected(file, line, null, raw, `API error: ${doc.error}${typeof doc.message === 'string' ? `: ${doc.message}` : ''}`));
    return;
  }
  if (!isObject(doc.thread) && !Array.isArray(doc.posts) && !Array.isArray(doc.feed)) {
    out.push(rejected(file, line, null, raw, 'response has no thread, posts or feed'));
    return;
  }
  const mayHaveNul = raw.includes('\\u0000');
  let i = 0;
  for (const { view, repostBy, reason } of postViews(doc)) {
    const item = i++;
    if (!isObject(view)) {
      out.push(rejected(file, line, item, jsonText(view), `expected a postView, got ${kindOf(view)}`));
      continue;
    }
    const t = view.$type;
    if (t === 'app.bsky.feed.defs#notFoundPost' || t === 'app.bsky.feed.defs#blockedPost' || view.notFound === true || view.blocked === true) {
      out.push(rejected(file, line, item, jsonText(view), `thread item ${String(view.uri ?? '')} is ${view.blocked === true || t === 'app.bsky.feed.defs#blockedPost' ? 'blocked' : 'not found (deleted)'}`));
      continue;
    }
    let loose = postViewToLoose(view);
    if (repostBy !== undefined) {
      const by = authorOf(repostBy) as Json;
      const rUri = typeof reason?.uri === 'string' ? reason.uri : `repost:${String(by.id)}:${String(view.uri)}`;
      loose = { ...loose, post_id: rUri, text: '', urls: [], hashtags: [], mentions: [], media_hashes: [], reply_to: null, repost_of: view.uri, posted_at: reason?.indexedAt ?? loose.posted_at, account: by };
    }
    const r = validatePost(loose, ctx, mayHaveNul);
    out.push(typeof r === 'string' ? rejected(file, line, item, jsonText(view), r) : accepted(r, file, line, item));
  }
}

export function readBlueskyPosts(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readJsonRecords(bytes, ctx, (value, it, out) => responseRecords(value, it.text, ctx.file, it.line, ctx, out));
}

export const blueskyPosts = defineAdapter({
  name: 'bluesky-posts',
  description: 'Bluesky AppView responses with postViews: getPostThread, searchPosts, getAuthorFeed',
  defaultPlatform: 'bluesky',
  sniffJson: (o) => (isAppViewResponse(o) ? 95 : null),
  sniffText: (text) => (/"\$type"\s*:\s*"app\.bsky\.feed\.defs#threadViewPost"/.test(text) || (text.includes('"uri":"at://') && text.includes('"indexedAt"')) || (text.includes('"uri": "at://') && text.includes('"indexedAt"')) ? 95 : null),
  read: readBlueskyPosts,
});
