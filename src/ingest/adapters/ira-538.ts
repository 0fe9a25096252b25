import crypto from 'node:crypto';
import { readIraCsv } from '../read/ira-csv.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';

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

export function readIra538(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readIraCsv(bytes, ctx, {
    name: 'a FiveThirtyEight IRA CSV',
    required: REQUIRED,
    ids: (get) => {
      const author = get('author');
      const content = get('content');
      const publishDate = get('publish_date');
      const article = ARTICLE_RE.exec(get('article_url'));
      const tweetId = get('tweet_id');
      const alt = get('alt_external_id');
      const ext = get('external_author_id');
      const postId = isDigits(tweetId)
        ? tweetId
        : article !== null
          ? article[2]
          : syntheticPostId(author, publishDate, content);
      const accountId =
        article !== null ? article[1] : isDigits(alt) ? alt : isDigits(ext) ? ext : author.toLowerCase();
      return { postId, accountId, handle: author };
    },
  });
}

export const ira538 = defineAdapter({
  name: 'ira-538',
  description: "FiveThirtyEight's IRA tweets CSV, spreadsheet-mangled copies too",
  defaultPlatform: 'x',
  sniffCsvHeader: (h) => (h.includes('author') && h.includes('content') && h.includes('publish_date') ? 90 : null),
  read: readIra538,
});
