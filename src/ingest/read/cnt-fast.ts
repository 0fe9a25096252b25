import { CNT_COLUMNS } from '../adapters/cnt-csv.ts';
import type { ReadContext } from '../types.ts';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_TEXT_BYTES,
  FUTURE_TOLERANCE_MS,
  MAX_ID_CHARS,
  MAX_URLS,
  MIN_POSTED_AT_MS,
} from '../types.ts';
import { readCsvBatches } from './csv.ts';
import { InputError } from './errors.ts';
import { readLines } from './lines.ts';
import { scanCntCsv } from './cnt-scan.ts';
import { openInput } from './source.ts';
import { validatePost } from './validate.ts';

/**
 * The cnt-csv adapter's records for callers that need only a post's ids, time, text, links and
 * repost target (`coordwatch networks --compat cnt`): the same lines, CSV rows, header check,
 * rejections and values as readRecordBatches with the default read options, without a canonical
 * post per row. A row whose every field is plainly valid (ids without edge whitespace and within
 * the length limit, epoch seconds as digits, text and links within limits) is taken as it is;
 * any other row goes through validatePost, so it is accepted or rejected exactly as ingest would.
 * Hashtags and mentions are not extracted (no CNT network reads them).
 */
export interface CntFields {
  platform: string;
  postId: string;
  accountId: string;
  handle: string | null;
  /** epoch seconds, as core/posts.ts computes it */
  t: number;
  repostOf: string | null;
  text: string;
  urls: string[];
  /**
   * The byte scanner's plainly valid rows: the row's buffer, and none of postId, accountId,
   * handle, repostOf, text and urls is set. Field k (the header's order) is bytes[starts[k],
   * ends[k]); quoted[k] is 2 when it was quoted with doubled quotes inside (`""` stands for `"`).
   * The urls field holds at most MAX_URLS links. null: the string fields are set.
   */
  bytes: Buffer | null;
  starts: Int32Array;
  ends: Int32Array;
  quoted: Uint8Array;
}

export function newCntFields(platform: string): CntFields {
  return {
    platform,
    postId: '',
    accountId: '',
    handle: null,
    t: 0,
    repostOf: null,
    text: '',
    urls: [],
    bytes: null,
    starts: new Int32Array(8),
    ends: new Int32Array(8),
    quoted: new Uint8Array(8),
  };
}

/** The cnt-csv adapter's split of its urls column. */
function splitUrls(s: string): string[] {
  if (s.length === 0) return [];
  if (!s.includes(' ')) return [s];
  return s.split(' ').filter((u) => u.length > 0);
}

/** An id taken as it is: non-empty, no whitespace or control at either end, within the limit. */
function plainId(s: string): boolean {
  const n = s.length;
  return n > 0 && n <= MAX_ID_CHARS && s.charCodeAt(0) > 0x20 && s.charCodeAt(n - 1) > 0x20;
}

/** Epoch seconds as 9–10 ASCII digits (2001–2286): parseTimestamp's digit-string rule, exactly. */
function plainSeconds(s: string): number {
  const n = s.length;
  if (n < 9 || n > 10) return NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

export interface CntFastCounts {
  rejected: number;
}

/** Reads a cnt-csv file (plain or gzip) with default read options, calling `onPost` per accepted record. */
export async function readCntFields(
  file: string,
  onPost: (f: CntFields) => void,
  opts: { scan?: boolean; now?: number } = {},
): Promise<CntFastCounts> {
  const now = opts.now ?? Date.now();
  const ctx: ReadContext = {
    file,
    maxTextBytes: DEFAULT_MAX_TEXT_BYTES,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    // the adapter's own platform (index.ts withPlatform)
    defaultPlatform: 'x',
    timezone: null,
    maxPostedAtMs: now + FUTURE_TOLERANCE_MS,
    mapping: null,
    maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  };
  const platform = 'x';
  const maxTextChars = Math.floor(ctx.maxTextBytes / 3);
  const counts: CntFastCounts = { rejected: 0 };
  const opened = await openInput(file, file, ctx.maxDecompressedBytes);
  // one object reused for every row: the caller copies what it keeps
  const f = newCntFields(platform);
  try {
    // the byte scanner (cnt-scan.ts): throws NotPlainCsv for a file it cannot read exactly
    if (opts.scan === true) return await scanCntCsv(opened.bytes.chunks(), ctx, onPost);
    const lines = readLines(opened.bytes.chunks(), file, ctx.maxLineBytes);
    let checked = false;
    for await (const { header, rows } of readCsvBatches(
      lines,
      ',',
      ctx.maxLineBytes,
      (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
    )) {
      if (!checked) {
        if (header.length !== 8 || header.some((h, i) => h !== CNT_COLUMNS[i])) {
          throw new InputError(
            `${file}: not a coordination-network-toolkit CSV: the header must be ${CNT_COLUMNS.join(',')}, got ${header.join(',').slice(0, 300)}`,
          );
        }
        checked = true;
      }
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        if (r.error !== null || r.fields.length !== 8) {
          counts.rejected++;
          continue;
        }
        const x = r.fields;
        const repost = x[3];
        const text = x[5];
        const urls = splitUrls(x[7]);
        const secs = plainSeconds(x[6]);
        const handle = x[2];
        const ms = secs * 1000;
        if (
          plainId(x[0]) &&
          plainId(x[1]) &&
          (repost.length === 0 || plainId(repost)) &&
          (x[4].length === 0 || plainId(x[4])) &&
          (text.length > 0 || repost.length > 0) &&
          text.length <= maxTextChars &&
          handle.length <= maxTextChars &&
          urls.length <= MAX_URLS &&
          ms >= MIN_POSTED_AT_MS &&
          ms <= ctx.maxPostedAtMs
        ) {
          f.postId = x[0];
          f.accountId = x[1];
          f.handle = handle.length === 0 ? null : handle;
          f.t = secs;
          f.repostOf = repost.length === 0 ? null : repost;
          f.text = text;
          f.urls = urls;
          onPost(f);
          continue;
        }
        // anything else: the adapter's record, validated as ingest validates it
        const post = validatePost(
          {
            platform,
            post_id: x[0],
            posted_at: x[6],
            text,
            urls,
            repost_of: repost,
            reply_to: x[4],
            account: { id: x[1], handle },
          },
          ctx,
        );
        if (typeof post === 'string') {
          counts.rejected++;
          continue;
        }
        f.postId = post.post_id;
        f.accountId = post.account.id;
        f.handle = post.account.handle;
        f.t = Math.round(Date.parse(post.posted_at)) / 1000;
        f.repostOf = post.repost_of;
        f.text = post.text;
        f.urls = post.urls;
        onPost(f);
      }
    }
  } finally {
    await opened.bytes.close();
  }
  return counts;
}
