import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedRecord } from '../../../src/core/types.ts';
import { readRecords } from '../../../src/ingest/index.ts';
import type { InputFormat } from '../../../src/ingest/index.ts';
import { NOW } from './helpers.ts';

/**
 * Issue 10: for any generated file mixing good and bad records, CR / LF / CR LF line ends,
 * plain or gzip (whole, or followed by garbage): the reader ends, every record is a post or a
 * rejection with a reason, every good record is a post, every bad one a rejection, and the
 * counts add up (one record per non-blank line, plus one for a gzip tail).
 */

type Line = { text: string | Buffer; good: boolean; id: string | null };

const T0 = Date.UTC(2016, 9, 1) / 1000;
const word = fc.stringMatching(/^[a-z]{1,8}$/);
const text = fc.array(fc.oneof(word, fc.constantFrom('#tag', '@who', 'https://t.co/x', 'é', '日本', '"', ',')), { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));

function ndjsonLine(i: number, kind: number, t: string): Line {
  const post = { platform: 'x', post_id: `p${i}`, posted_at: new Date((T0 + i) * 1000).toISOString(), text: t, account: { id: `a${i % 7}` } };
  switch (kind) {
    case 0:
      return { text: JSON.stringify(post), good: true, id: `p${i}` };
    case 1:
      return { text: JSON.stringify(post).slice(0, -3), good: false, id: null }; // cut JSON
    case 2:
      return { text: JSON.stringify({ ...post, account: {} }), good: false, id: null }; // no account.id
    case 3:
      return { text: JSON.stringify({ ...post, posted_at: '2016-13-45' }), good: false, id: null };
    case 4:
      return { text: Buffer.concat([Buffer.from('{"post_id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), good: false, id: null }; // invalid UTF-8
    case 5:
      return { text: Buffer.from(`{"a":"b\u0000c"}`), good: false, id: null }; // NUL byte
    default:
      return { text: '[1,2]', good: false, id: null };
  }
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
function csvLine(i: number, kind: number, t: string): Line {
  const cells = [`m${i}`, `u${i % 7}`, `user${i % 7}`, '', '', csvField(t), String(T0 + i), ''];
  switch (kind) {
    case 0:
      return { text: cells.join(','), good: true, id: `m${i}` };
    case 1:
      return { text: cells.slice(0, 5).join(','), good: false, id: null }; // too few columns
    case 2:
      return { text: [...cells.slice(0, 6), 'not-a-time', ''].join(','), good: false, id: null };
    case 3:
      return { text: ['', ...cells.slice(1)].join(','), good: false, id: null }; // no message_id
    case 4:
      return { text: Buffer.concat([Buffer.from(`m${i},u1,u1,,,`), Buffer.from([0xc3, 0x28]), Buffer.from(`,${T0},`)]), good: false, id: null };
    default:
      return { text: [...cells.slice(0, 6), String(T0 + i), '', 'extra'].join(','), good: false, id: null }; // too many
  }
}

const fileArb = (csv: boolean) =>
  fc.record({
    lines: fc.array(fc.record({ kind: fc.nat({ max: 9 }), text, blank: fc.boolean() }), { minLength: 1, maxLength: 40 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    gzip: fc.constantFrom('none', 'whole', 'garbage'),
    finalEol: fc.boolean(),
    cut: fc.nat({ max: 5000 }),
  }).map((g) => {
    // kinds 0–4 are good records: most lines are, as in real files
    const lines = g.lines.map((l, i) => (csv ? csvLine : ndjsonLine)(i, l.kind <= 4 ? 0 : l.kind - 4, l.text));
    const parts: Buffer[] = [];
    if (csv) parts.push(Buffer.from('message_id,user_id,username,repost_id,reply_id,message,timestamp,urls' + g.eol));
    lines.forEach((l, i) => {
      parts.push(Buffer.isBuffer(l.text) ? l.text : Buffer.from(l.text));
      if (i < lines.length - 1 || g.finalEol) parts.push(Buffer.from(g.eol));
      // a blank line between records is skipped, never a record (not after the last: a CR LF
      // file ending in a bare CR would be another line ending)
      if (g.lines[i].blank && i < lines.length - 1) parts.push(Buffer.from(g.eol));
    });
    let bytes = Buffer.concat(parts);
    let tail = 0;
    if (g.gzip !== 'none') {
      bytes = zlib.gzipSync(bytes);
      if (g.gzip === 'garbage') {
        bytes = Buffer.concat([bytes, Buffer.from('garbage!')]);
        tail = 1;
      }
    }
    // read in two pieces, cut anywhere
    const at = Math.min(g.cut, bytes.length);
    return { lines, pieces: [bytes.subarray(0, at), bytes.subarray(at)], tail, desc: { eol: JSON.stringify(g.eol), gzip: g.gzip, finalEol: g.finalEol } };
  });

async function readAll(pieces: Buffer[], format: InputFormat): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  const reading = (async () => {
    for await (const r of readRecords(Readable.from(pieces), { format, now: NOW })) out.push(r);
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the reader did not end within 10 s')), 10_000);
  });
  try {
    await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

for (const [format, csv] of [['ndjson', false], ['cnt-csv', true]] as const) {
  describe(`property: ${format} files of good and bad records`, () => {
    it('every record is a post or a rejection with a reason; good ones land, bad ones are rejected, counts add up', async () => {
      await fc.assert(
        fc.asyncProperty(fileArb(csv), async (f) => {
          const recs = await readAll(f.pieces, format);
          for (const r of recs) if (!r.ok) expect(r.reason.length, JSON.stringify(r)).toBeGreaterThan(0);
          const ok = recs.filter((r) => r.ok).map((r) => (r.ok ? r.post.post_id : ''));
          const bad = recs.filter((r) => !r.ok);
          const goodIds = f.lines.filter((l) => l.good).map((l) => l.id);
          expect(ok, JSON.stringify(f.desc)).toEqual(goodIds);
          expect(bad.length, JSON.stringify({ ...f.desc, reasons: bad.map((r) => (r.ok ? '' : r.reason)) })).toBe(f.lines.length - goodIds.length + f.tail);
          if (f.tail === 1) expect(bad.at(-1)?.ok === false && bad.at(-1)?.reason).toMatch(/^trailing garbage after the gzip stream/);
        }),
        { numRuns: 150, seed: 20261202 },
      );
    }, 120_000);
  });
}
