import { readCsvRecords } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';

/** coordination-network-toolkit's 8-column CSV. */
export const CNT_COLUMNS = [
  'message_id',
  'user_id',
  'username',
  'repost_id',
  'reply_id',
  'message',
  'timestamp',
  'urls',
] as const;

/** space-separated, as the toolkit writes them */
function splitUrls(s: string): string[] {
  if (s.length === 0) return [];
  if (!s.includes(' ')) return [s];
  return s.split(' ').filter((u) => u.length > 0);
}

export function readCntCsv(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  return readCsvRecords(bytes, ctx, {
    delimiter: ',',
    header: (header) => {
      if (header.length !== 8 || header.some((h, i) => h !== CNT_COLUMNS[i])) {
        throw new InputError(
          `${ctx.file}: not a coordination-network-toolkit CSV: the header must be ${CNT_COLUMNS.join(',')}, got ${header.join(',').slice(0, 300)}`,
        );
      }
      return ({ fields: f }) => ({
        platform: ctx.defaultPlatform,
        post_id: f[0],
        posted_at: f[6],
        text: f[5],
        urls: splitUrls(f[7]),
        repost_of: f[3],
        reply_to: f[4],
        account: { id: f[1], handle: f[2] },
      });
    },
  });
}

export const cntCsv = defineAdapter({
  name: 'cnt-csv',
  description: "coordination-network-toolkit's 8-column CSV (message_id,user_id,username,repost_id,reply_id,message,timestamp,urls)",
  defaultPlatform: 'x',
  sniffCsvHeader: (h) => (h.length === CNT_COLUMNS.length && h.every((x, i) => x === CNT_COLUMNS[i]) ? 100 : null),
  read: readCntCsv,
});
