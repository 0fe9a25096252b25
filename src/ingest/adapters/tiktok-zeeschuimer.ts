import type { ParsedRecord } from '../../core/types.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { accepted, kindOf, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import { validatePost } from '../read/validate.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { idOf, parseLossless, tiktokMentions } from './tiktok-research.ts';

/**
 * Zeeschuimer / 4CAT NDJSON of TikTok web items: one capture per line, `{nav_index, item_id,
 * source_platform: "tiktok.com", data: {id, desc, createTime, author, music, challenges, stats,
 * authorStats, textExtra…}}`. A bare web item (the `data` object alone) is read too.
 *
 * `account.id` is the numeric `author.id` (stable across renames), the handle `author.uniqueId`;
 * hashtags are the `challenges` titles; the sound (`music.id`) becomes the object `sound:<id>` for
 * co_sound. Parsed losslessly like the Research API (ids are 64-bit).
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Is this parsed line a Zeeschuimer TikTok capture (or a bare web item)? */
export function isZeeschuimerTikTok(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (isObject(v.data) && ('nav_index' in v || 'source_platform' in v || 'item_id' in v)) {
    const sp = v.source_platform;
    return sp === undefined || (typeof sp === 'string' && sp.includes('tiktok'));
  }
  return isWebItem(v);
}

function isWebItem(v: Json): boolean {
  return 'createTime' in v && 'author' in v && ('desc' in v || 'music' in v);
}

function challengeTitles(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  const out: string[] = [];
  for (const c of v) if (isObject(c) && typeof c.title === 'string' && c.title.length > 0) out.push(c.title);
  return out;
}

function mentionsOf(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  const out: string[] = [];
  for (const e of v) {
    if (isObject(e) && typeof e.userUniqueId === 'string' && e.userUniqueId.length > 0) out.push(e.userUniqueId);
  }
  return out;
}

export function webItemToLoose(d: Json): LoosePost {
  const a = isObject(d.author) ? d.author : {};
  const st = isObject(d.authorStats) ? d.authorStats : {};
  const authorId = idOf(a.id);
  return {
    platform: 'tiktok',
    post_id: idOf(d.id),
    posted_at: d.createTime,
    text: d.desc,
    lang: typeof d.textLanguage === 'string' && d.textLanguage !== 'un' ? d.textLanguage : null,
    urls: null,
    hashtags: challengeTitles(d.challenges),
    mentions: mentionsOf(d.textExtra) ?? tiktokMentions(d.desc),
    repost_of: null,
    reply_to: null,
    account: {
      id: typeof authorId === 'string' && authorId.length > 0 && authorId !== '0' ? authorId : a.uniqueId,
      handle: a.uniqueId,
      display_name: a.nickname,
      bio: a.signature,
      followers: st.followerCount,
      following: st.followingCount,
    },
  };
}

function soundOf(d: Json): string[] {
  const m = isObject(d.music) ? idOf(d.music.id) : undefined;
  return typeof m === 'string' && m.length > 0 && m !== '0' ? [`sound:${m}`] : [];
}

export function zeeschuimerRecord(
  v: unknown,
  raw: string,
  file: string,
  line: number,
  item: number | null,
  ctx: ReadContext,
): ParsedRecord {
  if (!isObject(v)) return rejected(file, line, item, raw, `expected a Zeeschuimer item object, got ${kindOf(v)}`);
  const sp = v.source_platform;
  if (typeof sp === 'string' && !sp.includes('tiktok'))
    return rejected(file, line, item, raw, `not a TikTok item (source_platform ${JSON.stringify(sp)})`);
  const d = isObject(v.data) ? v.data : v;
  if (!isWebItem(d)) return rejected(file, line, item, raw, 'not a TikTok web item: no createTime and author');
  const r = validatePost({ ...webItemToLoose(d), objects: soundOf(d) }, ctx, true);
  return typeof r === 'string' ? rejected(file, line, item, raw, r) : accepted(r, file, line, item);
}

export function readTikTokZeeschuimer(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readJsonRecords(bytes, ctx, (value, it, out) => out.push(zeeschuimerRecord(value, it.text, ctx.file, it.line, it.item, ctx)), parseLossless);
}

export const tiktokZeeschuimer = defineAdapter({
  name: 'tiktok-zeeschuimer',
  description: 'Zeeschuimer / 4CAT NDJSON captures of TikTok web items (desc, createTime, author, music, challenges, stats)',
  defaultPlatform: 'tiktok',
  sniffJson: (o) => (isZeeschuimerTikTok(o) ? 95 : null),
  sniffText: (text) => (text.includes('"source_platform"') && text.includes('tiktok') && text.includes('"createTime"') ? 95 : null),
  read: readTikTokZeeschuimer,
});
