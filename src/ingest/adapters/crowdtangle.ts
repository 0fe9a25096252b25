import { columns, readCsvRecords } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import { extractUrls } from '../read/extract.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';

/**
 * CrowdTangle link-share CSVs as CooRnet (`get_ctshares` → `ct_shares.df`) and researchers
 * flatten the API's `links` response: one row per (post, shared URL), nested fields as dotted
 * columns (`account.id`, `statistics.actual.likeCount`), R's `NA` for missing values, counts
 * padded with spaces, `expanded` the resolved link, CooRnet's `is.coordinated` when marked.
 *
 * - `platform` from the `platform` column, lower-cased (`facebook`, `instagram`); `post_id` is
 *   `platformId` (`<page id>_<post id>`), the account `account.platformId` (the Facebook id;
 *   `account.id` is CrowdTangle's own); a post that shared several of the queried links appears
 *   once per link with the same id, and ingest keeps it once (idempotent on platform + post_id).
 * - text: `message`; a bare link share has none (`NA`): it is kept as the action
 *   `share:<expanded link>` (an object, like a like), with the link in `urls` for co_link.
 * - dates: the API's `date` is UTC (`2020-11-29 22:03:33`).
 * `is.orig` and `is.coordinated` are CooRnet's output, not input: they are not read.
 */

const REQUIRED = ['platformId', 'date', 'account.id', 'postUrl'];

function na(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  return t.length === 0 || t === 'NA' ? null : t;
}

export function ctRowToLoose(get: (c: string) => string): { loose: LoosePost; objects: string[] } {
  const message = na(get('message'));
  const expanded = na(get('expanded')) ?? na(get('link'));
  // the shared link first, then any other links of the message
  const urls = expanded === null ? [] : [expanded];
  if (message !== null) for (const u of extractUrls(message)) if (!urls.includes(u)) urls.push(u);
  const platform = (na(get('platform')) ?? na(get('account.platform')) ?? 'facebook').toLowerCase();
  return {
    loose: {
      platform,
      post_id: na(get('platformId')),
      posted_at: na(get('date')),
      text: message ?? '',
      lang: na(get('languageCode')),
      urls,
      hashtags: null,
      mentions: null,
      repost_of: null,
      reply_to: null,
      account: {
        id: na(get('account.platformId')) ?? na(get('account.id')),
        handle: na(get('account.handle')),
        display_name: na(get('account.name')),
        bio: na(get('account.pageDescription')),
        created_at: na(get('account.pageCreatedDate')),
        followers: na(get('account.subscriberCount')),
        location: na(get('account.pageAdminTopCountry')),
      },
    },
    objects: message === null && expanded !== null ? [`share:${expanded}`] : [],
  };
}

export function readCrowdTangle(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const file = ctx.file;
  return readCsvRecords(bytes, ctx, {
    delimiter: ',',
    header: (header) => {
      const cols = columns(header);
      const missing = REQUIRED.filter((x) => !cols.has(x));
      if (missing.length > 0) throw new InputError(`${file}: not a CrowdTangle CSV: no ${missing.join(', ')} column`);
      return (r) => {
        const get = (name: string): string => cols.cell(r, name);
        const built = ctRowToLoose(get);
        return { ...built.loose, objects: built.objects };
      };
    },
  });
}

export const crowdtangle = defineAdapter({
  name: 'crowdtangle',
  description: 'CrowdTangle link-share CSV as CooRnet flattens it (platformId, date, message, expanded, account.*); platform facebook',
  defaultPlatform: 'facebook',
  sniffCsvHeader: (h) => (REQUIRED.every((c) => h.includes(c)) ? 100 : null),
  read: readCrowdTangle,
});
