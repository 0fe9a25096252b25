import { parse } from 'lossless-json';
import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { accepted, jsonText, kindOf, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import { validatePost } from '../read/validate.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';

/**
 * TikTok Research API responses: `video/query` pages (`data.videos`) and `video/comment/list`
 * responses (`data.comments`), one JSON document per file or one page per line.
 *
 * Ids are 64-bit and exceed 2^53, so the JSON is parsed with lossless-json: every integer that
 * is not a safe JS number stays a digit string (JSON.parse would round 7320768196569599275 to
 * 7320768196569599000 and merge distinct videos). NUL characters, which the API has been seen to
 * put into usernames (`حموديالباشا\u0000…4`), are removed from every string: Postgres text cannot
 * hold them, and the account must stay one account across pages.
 *
 * The Research API gives videos a `username` but no user id, so `account.id` is the username
 * (a renamed account becomes a new one). Comments carry no author at all: each is rejected with
 * that reason rather than stored under a made-up shared account, which would fake coordination.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Integers beyond 2^53 stay digit strings; everything else becomes a number. */
export function parseNumberLossless(s: string): unknown {
  const n = Number(s);
  if (Number.isSafeInteger(n) || !/^-?\d+$/.test(s)) return n;
  return s;
}

/** Removes U+0000 from every string of a parsed value (the reviver runs bottom-up, keys included). */
function noNul(_key: string, v: unknown): unknown {
  if (typeof v === 'string' && v.includes('\u0000')) return v.replaceAll('\u0000', '');
  return v;
}

/** JSON text → value, ids kept exact, NULs dropped; or the reason it is not JSON. */
export function parseLossless(text: string): { value: unknown; error: string | null } {
  try {
    return { value: parse(text, noNul, parseNumberLossless), error: null };
  } catch (err) {
    return { value: undefined, error: `invalid JSON: ${(err as Error).message}` };
  }
}

/** An id from a lossless-parsed value: digit strings as they are, safe integers as digits. */
export function idOf(v: unknown): unknown {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return v;
}

const TIKTOK_MENTION_RE = /(?:^|[^\p{L}\p{N}_.])@([\p{L}\p{N}_.]{2,24})/gu;

/** `@name` in a TikTok text: usernames run to 24 characters of letters, digits, `_` and `.`. */
export function tiktokMentions(text: unknown): string[] | null {
  if (typeof text !== 'string') return null;
  const out: string[] = [];
  for (const m of text.matchAll(TIKTOK_MENTION_RE)) {
    const u = m[1].replace(/\.+$/, '').toLowerCase();
    if (u.length > 0 && !out.includes(u)) out.push(u);
  }
  return out;
}

function strings(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/** Is this parsed value a Research API response (videos or comments)? */
export function isTikTokResearch(v: unknown): boolean {
  if (!isObject(v) || !isObject(v.data)) return false;
  return Array.isArray(v.data.videos) || Array.isArray(v.data.comments);
}

export function videoToLoose(v: Json): LoosePost {
  return {
    platform: 'tiktok',
    post_id: idOf(v.id),
    posted_at: v.create_time,
    text: v.video_description,
    lang: null,
    urls: null,
    hashtags: strings(v.hashtag_names),
    mentions: tiktokMentions(v.video_description),
    repost_of: null,
    reply_to: null,
    account: {
      id: v.username,
      handle: v.username,
      location: typeof v.region_code === 'string' ? v.region_code : null,
    },
  };
}

function soundOf(v: Json): string[] {
  const m = idOf(v.music_id);
  return typeof m === 'string' && m.length > 0 && m !== '0' ? [`sound:${m}`] : [];
}

function apiError(page: Json): string | null {
  const e = page.error;
  if (!isObject(e) || e.code === undefined || e.code === 'ok') return null;
  const msg = typeof e.message === 'string' && e.message.length > 0 ? `: ${e.message}` : '';
  return `API error: ${String(e.code)}${msg}`;
}

export function researchPageRecords(
  page: unknown,
  raw: string,
  file: string,
  line: number,
  ctx: ReadContext,
  out: ParsedRecord[],
): void {
  if (!isObject(page)) {
    out.push(rejected(file, line, null, raw, `expected a Research API response object, got ${kindOf(page)}`));
    return;
  }
  const err = apiError(page);
  if (err !== null) {
    out.push(rejected(file, line, null, raw, err));
    return;
  }
  const data = page.data;
  if (!isObject(data) || (!Array.isArray(data.videos) && !Array.isArray(data.comments))) {
    out.push(rejected(file, line, null, raw, 'response has no data.videos and no data.comments'));
    return;
  }
  if (Array.isArray(data.videos)) {
    const videos = data.videos as unknown[];
    for (let i = 0; i < videos.length; i++) {
      const v = videos[i];
      if (!isObject(v)) {
        out.push(rejected(file, line, i, jsonText(v), `expected a video object, got ${kindOf(v)}`));
        continue;
      }
      const r = validatePost({ ...videoToLoose(v), objects: soundOf(v) }, ctx, true);
      out.push(typeof r === 'string' ? rejected(file, line, i, jsonText(v), r) : accepted(r, file, line, i));
    }
  }
  if (Array.isArray(data.comments)) {
    const comments = data.comments as unknown[];
    for (let i = 0; i < comments.length; i++) {
      const c = comments[i];
      const reason = isObject(c)
        ? 'comment has no author: the Research API video/comment/list response carries no username'
        : `expected a comment object, got ${kindOf(c)}`;
      out.push(rejected(file, line, i, jsonText(c), reason));
    }
  }
}

export function readTikTokResearch(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readJsonRecords(bytes, ctx, (value, it, out) => researchPageRecords(value, it.text, ctx.file, it.line, ctx, out), parseLossless);
}

export const tiktokResearch = defineAdapter({
  name: 'tiktok-research',
  description: 'TikTok Research API responses: video/query pages (data.videos) and video/comment/list (data.comments); 64-bit ids kept exact',
  defaultPlatform: 'tiktok',
  // above x-v2's `data` page (90): a `data` object holding videos/comments is this API's shape
  sniffJson: (o) => (isTikTokResearch(o) ? 95 : null),
  sniffText: (text) =>
    /^\s*\{\s*"data"\s*:\s*\{/.test(text) && (text.includes('"videos"') || text.includes('"comments"')) &&
    (text.includes('"video_description"') || text.includes('"video_id"') || text.includes('"search_id"'))
      ? 95
      : null,
  read: readTikTokResearch,
});
