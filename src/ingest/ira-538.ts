import crypto from 'node:crypto';
import type { ParsedRecord } from '../core/types.ts';
import { readCsvBatches } from './csv-records.ts';
import { InputError } from './errors.ts';
import { iraLoosePost } from './ira-common.ts';
import { readLines } from './lines.ts';
import { accepted, rejected } from './records.ts';
import type { PeekableBytes } from './source.ts';
import type { ReadContext, RecordBatches } from './types.ts';
import { validatePost } from './validate.ts';

/**
 * FiveThirtyEight's IRA tweets CSV (external_author_id, author, content, region, language,
 * publish_date, …, tweet_id, article_url, tco*_step*). Copies re-saved by a spreadsheet carry
 * `10/1/17 19:58` dates and ids in E-notation (`9.1458E+17`), which have lost their digits.
 *
 * Ids, most trustworthy first:
 * - post_id: `tweet_id` when it is still all digits; else the status id in `article_url`
 *   (`http://twitter.com/<user id>/statuses/<tweet id>`, a text column spreadsheets leave alone);
 *   else a synthetic `538:` + md5(author, publish_date, content) — stable across re-reads and
 *   re-splits of the file (a row number would not be), at the price of merging rows identical in
 *   all three.
 * - account.id: the user id in `article_url`; else `alt_external_id` / `external_author_id` when
 *   all digits; else the lower-cased handle (the dataset upper-cases handles).
 */

const REQUIRED = ['author', 'content', 'publish_date'];
const ARTICLE_RE = /twitter\.com\/(\d+)\/status(?:es)?\/(\d+)/;

function isDigits(s: string | undefined): s is string {
  if (s === undefined || s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function syntheticPostId(author: string, publishDate: string, content: string): string {
  return (
    '538:' +
    crypto
      .createHash('md5')
      .update(`${author}\n${publishDate}\n${content}`)
      .digest('hex')
      .slice(0, 20)
  );
}

export async function* readIra538(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const file = ctx.file;
  const lines = readLines(bytes.chunks(), file, ctx.maxLineBytes);
  let col: Record<string, number> | null = null;
  for await (const { header, rows } of readCsvBatches(
    lines,
    ',',
    ctx.maxLineBytes,
    (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
  )) {
    if (col === null) {
      col = {};
      for (let i = 0; i < header.length; i++) col[header[i]] = i;
      const missing = REQUIRED.filter((c) => col?.[c] === undefined);
      if (missing.length > 0)
        throw new InputError(
          `${file}: not a FiveThirtyEight IRA CSV: no ${missing.join(', ')} column`,
        );
    }
    const c = col;
    const get = (f: string[], name: string): string => {
      const i = c[name];
      return i === undefined ? '' : f[i];
    };
    const out: ParsedRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.error !== null) {
        out[i] = rejected(file, r.line, null, r.raw, r.error);
        continue;
      }
      const f = r.fields;
      if (f.length !== header.length) {
        out[i] = rejected(
          file,
          r.line,
          null,
          r.raw,
          `expected ${header.length} columns, got ${f.length}`,
        );
        continue;
      }
      const author = get(f, 'author');
      const content = get(f, 'content');
      const publishDate = get(f, 'publish_date');
      const article = ARTICLE_RE.exec(get(f, 'article_url'));
      const tweetId = get(f, 'tweet_id');
      const alt = get(f, 'alt_external_id');
      const ext = get(f, 'external_author_id');
      const postId = isDigits(tweetId)
        ? tweetId
        : article !== null
          ? article[2]
          : syntheticPostId(author, publishDate, content);
      const accountId =
        article !== null
          ? article[1]
          : isDigits(alt)
            ? alt
            : isDigits(ext)
              ? ext
              : author.toLowerCase();
      const loose = iraLoosePost(
        {
          postId,
          accountId,
          handle: author,
          content,
          publishDate,
          language: get(f, 'language'),
          region: get(f, 'region'),
          followers: get(f, 'followers'),
          following: get(f, 'following'),
          retweet: get(f, 'retweet'),
          postType: get(f, 'post_type'),
        },
        ctx.defaultPlatform,
      );
      const v = validatePost(loose, ctx);
      out[i] =
        typeof v === 'string'
          ? rejected(file, r.line, null, r.raw, v)
          : accepted(v, file, r.line, null);
    }
    yield out;
  }
}
