import { columns, readCsvRecords } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import { iraRepostKey, rtPrefixRepostKey } from '../read/repost-key.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';

/**
 * The X/Twitter information-operations archive (Twitter's "elections integrity" releases,
 * 2018–2021): `<op>_tweets_csv_hashed.csv` with 30 columns, 31 from 2020 on (`poll_choices`).
 *
 * - ids: `userid` is the user id or, for accounts under 5,000 followers in hashed releases, a
 *   base64 hash; hashed releases also put that hash in `user_screen_name` / `user_display_name`,
 *   which then carry no handle (null, so A2 does not score a hash as a handle).
 * - Python-list columns: `hashtags` / `urls` (`['a', 'b']`, `[]` none, empty unknown → extracted
 *   from the text); `user_mentions` holds user ids (`[2876420003]`), not handles, so mentions
 *   come from the text as for every other X format.
 * - `latitude` / `longitude` are `absent` when not geotagged (not used).
 * - Retweets: `is_retweet` true; `repost_of` = `retweet_tweetid`.
 * - Precision-lost ids: some copies went through a spreadsheet or pandas float column and carry
 *   `1.3745414776494244e+18`. Such a number has lost its last digits (doubles hold ~16 of 19),
 *   so it could equal another tweet's rounded id. It is kept out of every join: a post id like
 *   that rejects the row; a retweet id like that is replaced by the text key of the IRA reference
 *   sets (`rt_` + md5 of the retweeted text), a reply id like that is dropped.
 *
 * The users CSV of a release (`<op>_users_csv_hashed.csv`) holds accounts only; its fields are
 * repeated on every tweet row, so it is not needed: reading it alone is an InputError that says so.
 */

export const IO_TWEET_COLUMNS = ['tweetid', 'userid', 'tweet_text', 'tweet_time', 'is_retweet'] as const;
const USER_COLUMNS = ['userid', 'user_screen_name', 'follower_count', 'account_creation_date'];

const FLOAT_ID_RE = /^\d+(?:\.\d*)?(?:[eE][+-]?\d+)$|^\d+\.\d*$/;
const DIGITS_RE = /^\d+$/;

/** `1.3745414776494244e+18` or `137454147764942440.0`: an id written as a float. */
export function isFloatId(s: string): boolean {
  return FLOAT_ID_RE.test(s);
}

/**
 * A Python list literal of strings or numbers (`['a', "it's", 12]`), as `str(list)` writes it;
 * null when the text is not one. Escapes `\\ \' \" \n \t \xNN \uNNNN` are decoded.
 */
export function parsePyList(s: string): string[] | null {
  const t = s.trim();
  if (t.length < 2 || t[0] !== '[' || t[t.length - 1] !== ']') return null;
  const out: string[] = [];
  let i = 1;
  const end = t.length - 1;
  const ws = (): void => {
    while (i < end && (t[i] === ' ' || t[i] === '\n' || t[i] === '\t')) i++;
  };
  ws();
  if (i === end) return out;
  for (;;) {
    ws();
    const q = t[i];
    if (q === "'" || q === '"') {
      i++;
      let v = '';
      while (i < end && t[i] !== q) {
        if (t[i] === '\\' && i + 1 < end) {
          const e = t[i + 1];
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(t.slice(i + 2, i + 4))) {
            v += String.fromCharCode(parseInt(t.slice(i + 2, i + 4), 16));
            i += 4;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
            v += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
            i += 2;
          }
        } else v += t[i++];
      }
      if (i >= end) return null;
      i++;
      out.push(v);
    } else {
      const m = /^[^,\]\s]+/.exec(t.slice(i, end));
      if (m === null) return null;
      out.push(m[0]);
      i += m[0].length;
    }
    ws();
    if (i === end) return out;
    if (t[i] !== ',') return null;
    i++;
    ws();
    if (i === end) return out; // trailing comma
  }
}

/** A list column: null when empty (unknown: extract from the text), else its items. */
function listColumn(s: string, name: string): string[] | null | { error: string } {
  if (s.length === 0) return null;
  const l = parsePyList(s);
  if (l === null) return { error: `invalid ${name} list: ${JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s)}` };
  return l;
}

function truthy(s: string): boolean {
  const v = s.trim().toLowerCase();
  return v === 'true' || v === '1' || v === 'yes';
}

export type IoGet = (column: string) => string;

/** The loose post of one tweet row, or the reason the row cannot be one. */
export function ioRowToLoose(get: IoGet): LoosePost | string {
  const tweetId = get('tweetid').trim();
  if (isFloatId(tweetId)) {
    return `tweetid ${tweetId} was written as a float and has lost its last digits; it cannot be a post id`;
  }
  const userId = get('userid').trim();
  const text = get('tweet_text');
  const hashtags = listColumn(get('hashtags'), 'hashtags');
  if (hashtags !== null && !Array.isArray(hashtags)) return hashtags.error;
  const urls = listColumn(get('urls'), 'urls');
  if (urls !== null && !Array.isArray(urls)) return urls.error;
  let repostOf: string | null = null;
  if (truthy(get('is_retweet'))) {
    const rt = get('retweet_tweetid').trim();
    repostOf = DIGITS_RE.test(rt) ? rt : text.length > 0 ? (rtPrefixRepostKey(text) ?? iraRepostKey(text)) : null;
  }
  const replyRaw = get('in_reply_to_tweetid').trim();
  const screen = get('user_screen_name');
  const name = get('user_display_name');
  const lang = get('tweet_language');
  return {
    platform: 'x',
    post_id: tweetId,
    posted_at: get('tweet_time'),
    text,
    lang: lang === 'und' || lang.length === 0 ? null : lang,
    urls,
    hashtags,
    mentions: null,
    repost_of: repostOf,
    reply_to: DIGITS_RE.test(replyRaw) ? replyRaw : null,
    account: {
      id: userId,
      // hashed releases repeat the user hash here: not a handle
      handle: screen === userId ? null : screen,
      display_name: name === userId ? null : name,
      bio: get('user_profile_description'),
      location: get('user_reported_location'),
      created_at: get('account_creation_date'),
      followers: get('follower_count'),
      following: get('following_count'),
    },
  };
}

export function readIoArchive(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const file = ctx.file;
  return readCsvRecords(bytes, ctx, {
    delimiter: ',',
    header: (header) => {
      const cols = columns(header);
      const missing = IO_TWEET_COLUMNS.filter((x) => !cols.has(x));
      if (missing.length > 0) {
        if (USER_COLUMNS.every((x) => cols.has(x))) {
          throw new InputError(
            `${file} is an information-operations users CSV: it holds accounts, no posts; the tweets CSV repeats every user field, ingest that`,
          );
        }
        throw new InputError(`${file}: not an information-operations tweets CSV: no ${missing.join(', ')} column`);
      }
      return (r) => {
        const get = (name: string): string => cols.cell(r, name);
        return ioRowToLoose(get);
      };
    },
  });
}

export const ioArchive = defineAdapter({
  name: 'io-archive',
  description: 'X/Twitter information-operations archive tweets CSV (30/31 columns, hashed or plain ids, Python-list columns)',
  defaultPlatform: 'x',
  sniffCsvHeader: (h) => (IO_TWEET_COLUMNS.every((c) => h.includes(c)) ? 100 : USER_COLUMNS.every((c) => h.includes(c)) && h.includes('user_profile_description') ? 100 : null),
  read: readIoArchive,
});
