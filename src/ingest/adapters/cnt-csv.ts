import type { ParsedRecord } from '../../core/types.ts';
import { readCsvBatches } from '../read/csv.ts';
import { InputError } from '../read/errors.ts';
import { readLines } from '../read/lines.ts';
import { accepted, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';
import { validatePost } from '../read/validate.ts';

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

export async function* readCntCsv(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const file = ctx.file;
  const lines = readLines(bytes.chunks(), file, ctx.maxLineBytes);
  let checked = false;
  for await (const { header, rows } of readCsvBatches(
    lines,
    ',',
    ctx.maxLineBytes,
    (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
  )) {
    if (!checked) {
      checked = true;
      if (header.length !== 8 || header.some((h, i) => h !== CNT_COLUMNS[i])) {
        throw new InputError(
          `${file}: not a coordination-network-toolkit CSV: the header must be ${CNT_COLUMNS.join(',')}, got ${header.join(',').slice(0, 300)}`,
        );
      }
    }
    const out: ParsedRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.error !== null) {
        out[i] = rejected(file, r.line, null, r.raw, r.error);
        continue;
      }
      const f = r.fields;
      if (f.length !== 8) {
        out[i] = rejected(file, r.line, null, r.raw, `expected 8 columns, got ${f.length}`);
        continue;
      }
      const v = validatePost(
        {
          platform: ctx.defaultPlatform,
          post_id: f[0],
          posted_at: f[6],
          text: f[5],
          urls: splitUrls(f[7]),
          repost_of: f[3],
          reply_to: f[4],
          account: { id: f[1], handle: f[2] },
        },
        ctx,
      );
      out[i] =
        typeof v === 'string'
          ? rejected(file, r.line, null, r.raw, v)
          : accepted(v, file, r.line, null);
    }
    yield out;
  }
}

export const cntCsv = defineAdapter({
  name: 'cnt-csv',
  description: "coordination-network-toolkit's 8-column CSV (message_id,user_id,username,repost_id,reply_id,message,timestamp,urls)",
  defaultPlatform: 'x',
  sniffCsvHeader: (h) => (h.length === CNT_COLUMNS.length && h.every((x, i) => x === CNT_COLUMNS[i]) ? 100 : null),
  read: readCntCsv,
});
