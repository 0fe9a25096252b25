import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { jsonText, kindOf, rejected, validated } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';
import type { LooseAccount, LoosePost } from '../read/validate.ts';

/**
 * X / Twitter API v2 responses as twarc writes them: one page per line, `data` (an array, or one
 * tweet for the filtered stream) with `includes.users` for the authors. Flattened tweets (one
 * tweet per line with an embedded `author`, twarc2 flatten) are read too.
 */

type Json = Record<string, unknown>;

interface V2User {
  id?: unknown;
  username?: unknown;
  name?: unknown;
  description?: unknown;
  created_at?: unknown;
  location?: unknown;
  public_metrics?: { followers_count?: unknown; following_count?: unknown } | null;
}

interface V2Tweet {
  id?: unknown;
  text?: unknown;
  created_at?: unknown;
  author_id?: unknown;
  author?: V2User;
  lang?: unknown;
  referenced_tweets?: { type?: unknown; id?: unknown }[] | null;
  entities?: {
    urls?: { url?: unknown; expanded_url?: unknown }[] | null;
    hashtags?: { tag?: unknown }[] | null;
    mentions?: { username?: unknown }[] | null;
  } | null;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function accountOf(id: unknown, u: V2User | undefined): LooseAccount {
  if (u === undefined) return { id };
  const m = isObject(u.public_metrics) ? u.public_metrics : null;
  return {
    id,
    handle: u.username,
    display_name: u.name,
    bio: u.description,
    created_at: u.created_at,
    location: u.location,
    followers: m?.followers_count,
    following: m?.following_count,
  };
}

/** `entities.*` lists: null when absent, so validation extracts them from the text. */
function entityList<T>(list: T[] | null | undefined, pick: (e: T) => unknown): string[] | null {
  if (!Array.isArray(list)) return null;
  const out: string[] = [];
  for (const e of list) {
    const v = isObject(e) ? pick(e) : null;
    if (typeof v === 'string' && v.length > 0) out.push(v);
  }
  return out;
}

const pickUrl = (e: { url?: unknown; expanded_url?: unknown }): unknown => e.expanded_url ?? e.url;
const pickTag = (e: { tag?: unknown }): unknown => e.tag;
const pickUsername = (e: { username?: unknown }): unknown => e.username;

export function v2TweetToLoose(t: V2Tweet, users: Map<string, V2User> | null): LoosePost {
  let repostOf: unknown = null;
  let replyTo: unknown = null;
  if (Array.isArray(t.referenced_tweets)) {
    for (const r of t.referenced_tweets) {
      if (!isObject(r)) continue;
      if (r.type === 'retweeted') repostOf = r.id;
      else if (r.type === 'replied_to') replyTo = r.id;
      // quoted: the quote is the account's own post; the quoted id has no canonical field.
    }
  }
  const authorId = t.author_id ?? (isObject(t.author) ? t.author.id : undefined);
  const user = isObject(t.author)
    ? t.author
    : typeof authorId === 'string' && users !== null
      ? users.get(authorId)
      : undefined;
  const ent = isObject(t.entities) ? t.entities : null;
  return {
    platform: 'x',
    post_id: t.id,
    posted_at: t.created_at,
    text: t.text,
    lang: t.lang === 'und' ? null : t.lang,
    urls: ent === null ? null : entityList(ent.urls, pickUrl),
    hashtags: ent === null ? null : entityList(ent.hashtags, pickTag),
    mentions: ent === null ? null : entityList(ent.mentions, pickUsername),
    repost_of: repostOf,
    reply_to: replyTo,
    account: accountOf(authorId, user),
  };
}

function errorReason(errors: unknown): string {
  if (!Array.isArray(errors) || errors.length === 0) return 'API error';
  const e = errors[0];
  let msg: string;
  if (isObject(e)) {
    const parts = [e.title, e.detail ?? e.message].filter(
      (x): x is string => typeof x === 'string' && x.length > 0,
    );
    msg = parts.length > 0 ? parts.join(': ') : jsonText(e);
  } else msg = String(e);
  return `API error: ${msg}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`;
}

function usersOf(page: Json): Map<string, V2User> | null {
  const inc = page.includes;
  if (!isObject(inc) || !Array.isArray(inc.users)) return null;
  const m = new Map<string, V2User>();
  for (const u of inc.users) if (isObject(u) && typeof u.id === 'string') m.set(u.id, u as V2User);
  return m;
}

function looksLikeUser(v: unknown): boolean {
  return isObject(v) && 'username' in v && !('text' in v);
}

/** Records of one page (or one flattened tweet). */
export function pageRecords(
  page: unknown,
  raw: string,
  file: string,
  line: number,
  pageItem: number | null,
  ctx: ReadContext,
  out: ParsedRecord[],
): void {
  if (!isObject(page)) {
    out.push(
      rejected(
        file,
        line,
        pageItem,
        raw,
        `expected a JSON object (an API v2 page), got ${kindOf(page)}`,
      ),
    );
    return;
  }
  const mayHaveNul = raw.includes('\\u0000');
  if (!('data' in page) && 'id' in page && 'text' in page) {
    out.push(validated(v2TweetToLoose(page as V2Tweet, null), ctx, raw, line, pageItem, mayHaveNul));
    return;
  }
  const data = page.data;
  if (data === undefined || data === null) {
    if ('errors' in page) out.push(rejected(file, line, null, raw, errorReason(page.errors)));
    else if (isObject(page.meta) && page.meta.result_count === 0)
      return; // an empty result page: nothing to read, nothing wrong
    else out.push(rejected(file, line, null, raw, 'page has no data and no errors'));
    return;
  }
  const tweets = Array.isArray(data) ? data : [data];
  if (tweets.length > 0 && tweets.every(looksLikeUser)) {
    out.push(
      rejected(file, line, null, raw, `page has no tweets (users lookup: ${tweets.length} users)`),
    );
    return;
  }
  const users = usersOf(page);
  const multi = Array.isArray(data);
  for (let i = 0; i < tweets.length; i++) {
    const t = tweets[i];
    const item = multi ? i : null;
    if (!isObject(t)) {
      out.push(
        rejected(file, line, item, jsonText(t), `expected a tweet object, got ${kindOf(t)}`),
      );
      continue;
    }
    // a rejected tweet of a page shows its own JSON, not the whole page
    const loose = v2TweetToLoose(t as V2Tweet, users);
    out.push(validated(loose, ctx, multi ? () => jsonText(t) : raw, line, item, mayHaveNul));
  }
}

export function readXv2(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readJsonRecords(bytes, ctx, (value, it, out) =>
    pageRecords(value, it.text, ctx.file, it.line, it.item, ctx, out),
  );
}

export const xV2 = defineAdapter({
  name: 'x-v2',
  description: 'X API v2 pages, one per line (data + includes.users), or twarc2 flattened tweets',
  defaultPlatform: 'x',
  sniffJson: (o) => {
    if ('data' in o || 'includes' in o) return 90;
    if ('id' in o && 'text' in o && ('author_id' in o || 'author' in o || 'edit_history_tweet_ids' in o)) return 50;
    return 'errors' in o ? 10 : null;
  },
  sniffText: (text) => {
    if (/^\s*\{\s*"(data|includes|errors|meta)"\s*:/.test(text)) return 90;
    return text.includes('"author_id"') && text.includes('"edit_history_tweet_ids"') ? 50 : null;
  },
  read: readXv2,
});
