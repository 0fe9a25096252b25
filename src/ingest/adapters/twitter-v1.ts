import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { jsonText, kindOf, parseJson, rejected, validated } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';
import type { LoosePost } from '../read/validate.ts';

/**
 * Twitter API v1.1 tweets: a JSON array of tweets (read element by element), one tweet per line,
 * a search response (`statuses`), or a recorded HTTP exchange (VCR/httptest cassette, as in the
 * rtweet fixtures) whose response bodies hold such JSON.
 */

type Json = Record<string, unknown>;

interface V1Entities {
  urls?: unknown;
  hashtags?: unknown;
  user_mentions?: unknown;
}

const STREAM_NOTICES = [
  'delete',
  'limit',
  'scrub_geo',
  'status_withheld',
  'user_withheld',
  'disconnect',
  'warning',
  'friends',
  'event',
];

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function idOf(o: Json | null, strKey: string, numKey: string): unknown {
  if (o === null) return null;
  const s = o[strKey];
  return typeof s === 'string' && s.length > 0 ? s : o[numKey];
}

function list(v: unknown, key: string, fallback: string | null): string[] | null {
  if (!Array.isArray(v)) return null;
  const out: string[] = [];
  for (const e of v) {
    if (!isObject(e)) continue;
    const x = e[key] ?? (fallback === null ? undefined : e[fallback]);
    if (typeof x === 'string' && x.length > 0) out.push(x);
  }
  return out;
}

export function v1TweetToLoose(t: Json): LoosePost {
  const ext = isObject(t.extended_tweet) ? t.extended_tweet : null;
  const text = t.full_text ?? ext?.full_text ?? t.text;
  const ent = (
    isObject(ext?.entities) ? ext.entities : isObject(t.entities) ? t.entities : null
  ) as V1Entities | null;
  const user = isObject(t.user) ? t.user : null;
  const rt = isObject(t.retweeted_status) ? t.retweeted_status : null;
  return {
    platform: 'x',
    post_id: idOf(t, 'id_str', 'id'),
    posted_at: t.created_at,
    text,
    lang: t.lang === 'und' ? null : t.lang,
    urls: ent === null ? null : list(ent.urls, 'expanded_url', 'url'),
    hashtags: ent === null ? null : list(ent.hashtags, 'text', null),
    mentions: ent === null ? null : list(ent.user_mentions, 'screen_name', null),
    repost_of: idOf(rt, 'id_str', 'id'),
    reply_to: idOf(t, 'in_reply_to_status_id_str', 'in_reply_to_status_id'),
    account: {
      id: idOf(user, 'id_str', 'id'),
      handle: user?.screen_name,
      display_name: user?.name,
      bio: user?.description,
      created_at: user?.created_at,
      followers: user?.followers_count,
      following: user?.friends_count,
      location: user?.location,
    },
  };
}

function apiError(errors: unknown): string {
  const e = Array.isArray(errors) ? errors[0] : errors;
  const msg = isObject(e) ? (e.message ?? e.title ?? jsonText(e)) : String(e);
  const more = Array.isArray(errors) && errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `API error: ${String(msg)}${more}`;
}

/** State for one top-level JSON value: tweets found inside it are numbered in order. */
interface Walk {
  file: string;
  line: number;
  /** fixed item (element of a top-level array), or null to number tweets found inside */
  item: number | null;
  next: number;
  nested: boolean;
  /** the top-level text contains a `\u0000` escape somewhere */
  mayHaveNul: boolean;
  ctx: ReadContext;
  out: ParsedRecord[];
}

function position(w: Walk): number | null {
  if (w.item !== null) return w.item;
  return w.nested ? w.next++ : null;
}

/** `raw` null: the tweet is part of a bigger value; its own JSON is rebuilt only if it is rejected. */
function tweet(t: Json, raw: string | null, w: Walk): void {
  const item = position(w);
  w.out.push(validated(v1TweetToLoose(t), w.ctx, raw ?? (() => jsonText(t)), w.line, item, w.mayHaveNul));
}

function cassetteBody(body: unknown): { text: string | null; error: string | null } {
  if (!isObject(body)) return { text: null, error: 'recorded response has no body' };
  if (typeof body.string === 'string' && body.string.length > 0)
    return { text: body.string, error: null };
  if (typeof body.base64_string === 'string')
    return { text: Buffer.from(body.base64_string, 'base64').toString('utf8'), error: null };
  return { text: null, error: 'recorded response body is empty' };
}

/** Any v1.1-shaped value: a tweet, a list of them, a search response, a cassette. */
function walk(v: unknown, raw: string | null, w: Walk, depth: number): void {
  // cassette → response body → search response → statuses: nothing real nests deeper
  if (depth > 4) {
    w.out.push(
      rejected(
        w.file,
        w.line,
        position(w),
        raw ?? jsonText(v),
        'not a tweet: arrays nested too deeply',
      ),
    );
    return;
  }
  if (Array.isArray(v)) {
    w.nested = true;
    for (const e of v) walk(e, null, w, depth + 1);
    return;
  }
  if (!isObject(v)) {
    w.out.push(
      rejected(
        w.file,
        w.line,
        position(w),
        raw ?? jsonText(v),
        `expected a tweet object, got ${kindOf(v)}`,
      ),
    );
    return;
  }
  if (('id_str' in v || 'id' in v) && ('full_text' in v || 'text' in v || 'extended_tweet' in v)) {
    tweet(v, raw, w);
    return;
  }
  if (Array.isArray(v.statuses)) {
    walk(v.statuses, null, w, depth + 1);
    return;
  }
  if (Array.isArray(v.http_interactions) && depth === 0) {
    w.nested = true;
    for (const inter of v.http_interactions) {
      const res = isObject(inter) && isObject(inter.response) ? inter.response : null;
      const { text, error } = cassetteBody(res?.body);
      if (text === null) {
        w.out.push(rejected(w.file, w.line, w.next++, jsonText(inter), error as string));
        continue;
      }
      const parsed = parseJson(text);
      if (parsed.error !== null)
        w.out.push(rejected(w.file, w.line, w.next++, text, `recorded response: ${parsed.error}`));
      else walk(parsed.value, Array.isArray(parsed.value) ? null : text, w, depth + 1);
    }
    return;
  }
  if ('errors' in v) {
    w.out.push(rejected(w.file, w.line, position(w), raw ?? jsonText(v), apiError(v.errors)));
    return;
  }
  const notice = STREAM_NOTICES.find((k) => k in v);
  const reason =
    notice !== undefined
      ? `not a tweet: stream notice "${notice}"`
      : 'not a tweet: object has no id_str and no text';
  w.out.push(rejected(w.file, w.line, position(w), raw ?? jsonText(v), reason));
}

export function readTwitterV1(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readJsonRecords(bytes, ctx, (value, it, out) => {
    const mayHaveNul = it.text.includes('\\u0000');
    walk(value, it.text, { file: ctx.file, line: it.line, item: it.item, next: 0, nested: false, mayHaveNul, ctx, out }, 0);
  });
}

export const twitterV1 = defineAdapter({
  name: 'twitter-v1',
  description: 'Twitter API v1.1 tweets: a JSON array, one per line, search responses, VCR/httptest cassettes',
  defaultPlatform: 'x',
  sniffJson: (o) => {
    if ('http_interactions' in o || 'statuses' in o) return 100;
    return 'id_str' in o || ('user' in o && ('text' in o || 'full_text' in o)) ? 60 : null;
  },
  sniffText: (text) => (text.includes('"http_interactions"') || text.includes('"id_str"') ? 100 : null),
  read: readTwitterV1,
});
