import { columns, readCsvRecords } from './csv.ts';
import type { CsvRow } from './csv.ts';
import { InputError } from './errors.ts';
import { iraRepostKey } from './repost-key.ts';
import type { PeekableBytes } from './source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import type { LoosePost } from './validate.ts';

/**
 * Shared by the FiveThirtyEight IRA CSV and its per-author split: the dataset names languages in
 * English ("Russian"); the canonical post wants ISO 639-1 codes.
 */
const LANGUAGES: Record<string, string> = {
  albanian: 'sq',
  arabic: 'ar',
  armenian: 'hy',
  azerbaijani: 'az',
  belarusian: 'be',
  bulgarian: 'bg',
  catalan: 'ca',
  croatian: 'hr',
  czech: 'cs',
  danish: 'da',
  dutch: 'nl',
  english: 'en',
  estonian: 'et',
  farsi: 'fa',
  'farsi (persian)': 'fa',
  finnish: 'fi',
  french: 'fr',
  georgian: 'ka',
  german: 'de',
  greek: 'el',
  hebrew: 'he',
  hindi: 'hi',
  hungarian: 'hu',
  icelandic: 'is',
  indonesian: 'id',
  italian: 'it',
  japanese: 'ja',
  kazakh: 'kk',
  korean: 'ko',
  latvian: 'lv',
  lithuanian: 'lt',
  macedonian: 'mk',
  malay: 'ms',
  norwegian: 'no',
  pashto: 'ps',
  persian: 'fa',
  polish: 'pl',
  portuguese: 'pt',
  romanian: 'ro',
  russian: 'ru',
  serbian: 'sr',
  slovak: 'sk',
  slovenian: 'sl',
  somali: 'so',
  spanish: 'es',
  swedish: 'sv',
  tagalog: 'tl',
  tamil: 'ta',
  thai: 'th',
  turkish: 'tr',
  ukrainian: 'uk',
  urdu: 'ur',
  uzbek: 'uz',
  vietnamese: 'vi',
};

/** ISO 639-1 for a language name of the IRA data; null for "LANGUAGE UNDEFINED" and unknown names. */
export function languageCode(name: string): string | null {
  if (name.length === 0) return null;
  return LANGUAGES[name.toLowerCase()] ?? null;
}

/**
 * The IRA data's retweet flag ("1"), or a post_type of RETWEET / R. Quote tweets carry the flag
 * too (FiveThirtyEight counts them as retweets) and are keyed the same way.
 */
export function isIraRetweet(flag: string | undefined, postType: string | undefined): boolean {
  return (
    flag === '1' ||
    flag === '1.0' ||
    flag === 'True' ||
    flag === 'true' ||
    postType === 'RETWEET' ||
    postType === 'R'
  );
}

export interface IraRow {
  postId: string;
  accountId: string;
  handle: string;
  content: string;
  publishDate: string;
  language: string;
  region: string;
  followers: string;
  following: string;
  retweet: string | undefined;
  postType: string | undefined;
}

/**
 * The canonical post of one IRA tweet. A retweet's id is not in the data: `repost_of` is the
 * synthetic key over its text that the reference sets use (repost-key.ts).
 */
export function iraLoosePost(r: IraRow, platform: string | null): LoosePost {
  const isRt = isIraRetweet(r.retweet, r.postType);
  return {
    platform,
    post_id: r.postId,
    posted_at: r.publishDate,
    text: r.content,
    lang: languageCode(r.language),
    urls: null,
    hashtags: null,
    mentions: null,
    repost_of: isRt && r.content.length > 0 ? iraRepostKey(r.content) : null,
    reply_to: null,
    account: {
      id: r.accountId,
      handle: r.handle,
      location: r.region,
      followers: r.followers,
      following: r.following,
    },
  };
}

/** What tells the two IRA layouts apart: their ids and handle. */
export interface IraIds {
  postId: string;
  accountId: string;
  handle: string;
}

/**
 * The frame both IRA CSV layouts share: a header with the required columns (else the file is
 * not this format), then per row the post of iraLoosePost over the common columns and the
 * layout's ids (the CSV frame rejects unreadable rows and wrong column counts).
 */
export function readIraCsv(
  bytes: PeekableBytes,
  ctx: ReadContext,
  layout: { name: string; required: readonly string[]; ids: (get: (column: string) => string, row: CsvRow) => IraIds },
): RecordBatches {
  return readCsvRecords(bytes, ctx, {
    delimiter: ',',
    header: (header) => {
      const cols = columns(header);
      const missing = layout.required.filter((c) => !cols.has(c));
      if (missing.length > 0) throw new InputError(`${ctx.file}: not ${layout.name}: no ${missing.join(', ')} column`);
      return (r) => {
        const get = (name: string): string => cols.cell(r, name);
        const row: IraRow = {
          ...layout.ids(get, r),
          content: get('content'),
          publishDate: get('publish_date'),
          language: get('language'),
          region: get('region'),
          followers: get('followers'),
          following: get('following'),
          retweet: get('retweet'),
          postType: get('post_type'),
        };
        return iraLoosePost(row, ctx.defaultPlatform);
      };
    },
  });
}
