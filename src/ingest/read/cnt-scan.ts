import { isUtf8 } from 'node:buffer';
import type { ReadContext } from '../types.ts';
import { MAX_ID_CHARS, MAX_URLS, MIN_POSTED_AT_MS } from '../types.ts';
import { newCntFields, type CntFields } from './cnt-fast.ts';
import { validatePost } from './validate.ts';

/**
 * A byte scanner for plain coordination-network-toolkit CSVs: rows straight from the input's
 * Buffers, decoding only the fields a network needs (a repost's text is never decoded). It
 * takes the file only while the file stays within what it is sure to read exactly as the
 * general reader (lines.ts + csv.ts + the cnt-csv adapter + validatePost) does: UTF-8 without
 * NUL, LF or CR LF line breaks, the exact header, 8 fields a row, quotes only around whole
 * fields. Anything else — a BOM, CR-only breaks, a stray quote, a row with another column count,
 * an unterminated quote, an over-long line or record, a broken gzip stream — throws
 * `NotPlainCsv`, and the caller reads the file again with the general reader.
 *
 * Within those rows, a row whose values are plainly valid is taken as it is; any other row is
 * handed to validatePost (fully decoded), so it is accepted or rejected exactly as by ingest.
 */
export class NotPlainCsv extends Error {}

const HEADER = Buffer.from('message_id,user_id,username,repost_id,reply_id,message,timestamp,urls');
const QUOTE = 0x22;
const COMMA = 0x2c;
const NL = 0x0a;
const CR = 0x0d;
/** csv.ts's MAX_RECORD_LINES */
const MAX_RECORD_LINES = 200;

function splitUrls(s: string): string[] {
  if (s.length === 0) return [];
  if (!s.includes(' ')) return [s];
  return s.split(' ').filter((u) => u.length > 0);
}

export async function scanCntCsv(
  chunks: AsyncIterable<Buffer>,
  ctx: ReadContext,
  onPost: (f: CntFields) => void,
): Promise<{ rejected: number }> {
  const platform = ctx.defaultPlatform ?? 'x';
  const f = newCntFields(platform);
  // the field bounds are the row's CntFields.starts/ends/quoted
  const fs0 = f.starts;
  const fe = f.ends;
  const fq = f.quoted;
  let rejected = 0;
  let carry: Buffer | null = null;
  let headerDone = false;
  let first = true;
  const maxLine = ctx.maxLineBytes;

  const str = (buf: Buffer, k: number): string => {
    const s = buf.toString('utf8', fs0[k], fe[k]);
    return fq[k] === 2 ? s.replaceAll('""', '"') : s;
  };
  /** an id field taken as it is: see cnt-fast.ts plainId (bytes: no ASCII space/control at either end) */
  const plainIdBytes = (buf: Buffer, k: number): boolean => {
    const s = fs0[k];
    const e = fe[k];
    return e > s && buf[s] > 0x20 && buf[e - 1] > 0x20 && e - s <= MAX_ID_CHARS;
  };

  /** Parses records of buf[0, end) (end: after a line break, or the input's end); returns where an incomplete record starts. */
  const records = (buf: Buffer, end: number, final: boolean): number => {
    let p = 0;
    for (;;) {
      // blank lines separate nothing
      while (p < end && (buf[p] === NL || (buf[p] === CR && p + 1 < end && buf[p + 1] === NL)))
        p += buf[p] === NL ? 1 : 2;
      if (p >= end) return end;
      const start = p;
      let lines = 1;
      let ok = true;
      for (let k = 0; k < 8; k++) {
        if (buf[p] === QUOTE) {
          let q = p + 1;
          let doubled = false;
          for (;;) {
            const c = buf.indexOf(QUOTE, q);
            if (c === -1 || c >= end) {
              ok = false;
              break;
            }
            for (let x = buf.indexOf(NL, q); x !== -1 && x < c; x = buf.indexOf(NL, x + 1)) lines++;
            if (c + 1 < end && buf[c + 1] === QUOTE) {
              doubled = true;
              q = c + 2;
              continue;
            }
            fs0[k] = p + 1;
            fe[k] = c;
            fq[k] = doubled ? 2 : 1;
            p = c + 1;
            break;
          }
          if (!ok) break;
          if (k < 7) {
            if (buf[p] !== COMMA)
              throw new NotPlainCsv('text after a closing quote, or a short row');
            p++;
          } else if (p < end && buf[p] === CR && p + 1 < end && buf[p + 1] === NL) p += 2;
          else if (p < end && buf[p] === NL) p++;
          else if (!(p >= end && final)) {
            if (p >= end) {
              ok = false;
              break;
            }
            throw new NotPlainCsv('text after a closing quote, or a long row');
          }
        } else {
          let e = p;
          // unquoted: up to the delimiter or the line end; a quote inside is left to the general reader
          while (e < end) {
            const c = buf[e];
            if (c === COMMA || c === NL) break;
            if (c === QUOTE) throw new NotPlainCsv('a quote inside an unquoted field');
            e++;
          }
          if (e >= end && !final) {
            ok = false;
            break;
          }
          fs0[k] = p;
          fq[k] = 0;
          if (k < 7) {
            if (e >= end || buf[e] !== COMMA)
              throw new NotPlainCsv('a row with fewer than 8 fields');
            fe[k] = e;
            p = e + 1;
          } else {
            if (e < end && buf[e] === COMMA) throw new NotPlainCsv('a row with more than 8 fields');
            fe[k] = e > p && buf[e - 1] === CR ? e - 1 : e;
            p = e < end ? e + 1 : e;
          }
        }
      }
      if (!ok) {
        if (final) throw new NotPlainCsv('an unterminated quoted field');
        if (end - start > maxLine) throw new NotPlainCsv('a record over the line limit');
        return start;
      }
      if (lines > MAX_RECORD_LINES || p - start > maxLine)
        throw new NotPlainCsv('a record over the line or size limit');
      if (!headerDone) {
        if (
          fq.some((q) => q !== 0) ||
          fs0[0] !== start ||
          fe[7] - start !== HEADER.length ||
          buf.compare(HEADER, 0, HEADER.length, start, fe[7]) !== 0
        ) {
          throw new NotPlainCsv('not the exact header');
        }
        headerDone = true;
        continue;
      }
      row(buf);
    }
  };

  const row = (buf: Buffer): void => {
    const repostLen = fe[3] - fs0[3];
    const textBytes = fe[5] - fs0[5];
    let secs = NaN;
    {
      const s = fs0[6];
      const n = fe[6] - s;
      if (n >= 9 && n <= 10) {
        let v = 0;
        for (let i = 0; i < n; i++) {
          const c = buf[s + i] - 0x30;
          if (c < 0 || c > 9) {
            v = NaN;
            break;
          }
          v = v * 10 + c;
        }
        secs = v;
      }
    }
    const ms = secs * 1000;
    if (
      plainIdBytes(buf, 0) &&
      plainIdBytes(buf, 1) &&
      (repostLen === 0 || plainIdBytes(buf, 3)) &&
      (fe[4] === fs0[4] || plainIdBytes(buf, 4)) &&
      (textBytes > 0 || repostLen > 0) &&
      textBytes <= ctx.maxTextBytes &&
      fe[2] - fs0[2] <= ctx.maxTextBytes &&
      ms >= MIN_POSTED_AT_MS &&
      ms <= ctx.maxPostedAtMs
    ) {
      // the urls split on spaces, empty pieces dropped (splitUrls), counted on the bytes
      let nUrls = 0;
      for (let k = fs0[7], inUrl = false; k < fe[7]; k++) {
        if (buf[k] === 0x20) inUrl = false;
        else if (!inUrl) {
          inUrl = true;
          nUrls++;
        }
      }
      // ids within MAX_ID_CHARS bytes are within it in characters: the row is passed on as bytes
      if (nUrls <= MAX_URLS) {
        f.bytes = buf;
        f.t = secs;
        onPost(f);
        f.bytes = null;
        return;
      }
    }
    const post = validatePost(
      {
        platform,
        post_id: str(buf, 0),
        posted_at: str(buf, 6),
        text: str(buf, 5),
        urls: splitUrls(str(buf, 7)),
        repost_of: str(buf, 3),
        reply_to: str(buf, 4),
        account: { id: str(buf, 1), handle: str(buf, 2) },
      },
      ctx,
    );
    if (typeof post === 'string') {
      rejected++;
      return;
    }
    f.postId = post.post_id;
    f.accountId = post.account.id;
    f.handle = post.account.handle;
    f.t = Math.round(Date.parse(post.posted_at)) / 1000;
    f.repostOf = post.repost_of;
    f.text = post.repost_of === null ? post.text : '';
    f.urls = post.urls;
    onPost(f);
  };

  try {
    for await (const chunk of chunks) {
      let buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      carry = null;
      if (first && buf.length > 0) {
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
          throw new NotPlainCsv('a byte-order mark');
        const nl = buf.indexOf(NL);
        const cr = buf.indexOf(CR);
        if (nl === -1 && cr === -1) {
          carry = buf;
          continue;
        }
        if (cr !== -1 && (nl === -1 || cr < nl) && cr + 1 !== nl) {
          if (cr + 1 >= buf.length) {
            carry = buf;
            continue;
          }
          throw new NotPlainCsv('CR-only line breaks');
        }
        first = false;
      }
      const last = buf.lastIndexOf(NL);
      if (last === -1) {
        if (buf.length > maxLine) throw new NotPlainCsv('a line over the limit');
        carry = buf;
        continue;
      }
      const region = buf.subarray(0, last + 1);
      if (region.indexOf(0) !== -1 || !isUtf8(region))
        throw new NotPlainCsv('NUL or invalid UTF-8');
      const rest = records(buf, last + 1, false);
      if (rest < buf.length) {
        // copied: a short tail must not keep the whole chunk alive
        buf = Buffer.from(buf.subarray(rest));
        carry = buf;
      }
    }
  } catch (err) {
    if (err instanceof NotPlainCsv) throw err;
    // a broken gzip stream or a read failure: the general reader reports it as ingest does
    throw new NotPlainCsv(`read failed: ${(err as Error)?.message ?? String(err)}`);
  }
  if (carry !== null && carry.length > 0) {
    if (first) throw new NotPlainCsv('no line break');
    if (carry.indexOf(0) !== -1 || !isUtf8(carry)) throw new NotPlainCsv('NUL or invalid UTF-8');
    records(carry, carry.length, true);
  }
  if (!headerDone) throw new NotPlainCsv('no header');
  return { rejected };
}
