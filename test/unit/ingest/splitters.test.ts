import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CsvRecord } from '../../../src/ingest/read/csv.ts';
import { CsvRecordReader } from '../../../src/ingest/read/csv.ts';
import type { JsonItem } from '../../../src/ingest/read/json-values.ts';
import { JsonValueSplitter } from '../../../src/ingest/read/json-values.ts';
import type { RawLine } from '../../../src/ingest/read/lines.ts';
import { LineSplitter, firstInvalidUtf8 } from '../../../src/ingest/read/lines.ts';
import { FIXTURES } from './helpers.ts';

/** deterministic chunkings of a buffer: every size from 1 byte, plus pseudo-random cuts */
function chunkings(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [[buf]];
  for (const size of [1, 2, 3, 7, 64, 1000]) {
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
    out.push(parts);
  }
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < 5; k++) {
    const parts: Buffer[] = [];
    let i = 0;
    while (i < buf.length) {
      const n = 1 + Math.floor(rnd() * 200);
      parts.push(buf.subarray(i, i + n));
      i += n;
    }
    out.push(parts);
  }
  return out;
}

function splitLines(parts: Buffer[], max = 1 << 20): RawLine[] {
  const s = new LineSplitter(max);
  const out: RawLine[] = [];
  for (const p of parts) s.push(p, out);
  s.end(out, null);
  return out;
}

describe('LineSplitter', () => {
  it('gives the same lines, numbers, offsets and errors however the input is chunked', () => {
    const buf = Buffer.concat([
      Buffer.from('\ufeffé first\r\nsecond 😀\n\n'),
      Buffer.from([0x61, 0xc3, 0x28, 0x0a, 0x00, 0x62, 0x0a]),
      Buffer.from('last without newline'),
    ]);
    const expected = splitLines([buf]);
    expect(expected).toEqual([
      { text: 'é first', line: 1, offset: 0, error: null, cr: true },
      { text: 'second 😀', line: 2, offset: 13, error: null, cr: false },
      { text: '', line: 3, offset: 25, error: null, cr: false },
      {
        text: 'a\ufffd(',
        line: 4,
        offset: 26,
        error: 'invalid UTF-8 at byte offset 27 (byte 1 of the line)',
        cr: false,
      },
      {
        text: '\u0000b',
        line: 5,
        offset: 30,
        error: 'binary data: NUL byte at byte offset 30 (byte 0 of the line)',
        cr: false,
      },
      { text: 'last without newline', line: 6, offset: 33, error: null, cr: false },
    ]);
    for (const parts of chunkings(buf)) expect(splitLines(parts)).toEqual(expected);
  });

  it('rejects over-long lines without holding them, wherever chunks fall', () => {
    const buf = Buffer.from(`ok\n${'x'.repeat(300)}\nnext\n`);
    for (const parts of chunkings(buf)) {
      expect(splitLines(parts, 100).map((l) => [l.line, l.error, l.text.length])).toEqual([
        [1, null, 2],
        [2, 'line is 300 bytes, over the 100-byte limit', 300],
        [3, null, 4],
      ]);
    }
  });

  it('a stream error ends the input with the partial line', () => {
    const s = new LineSplitter(1000);
    const out: RawLine[] = [];
    s.push(Buffer.from('a\nparti'), out);
    s.end(out, 'truncated gzip stream: unexpected end of file');
    expect(out.map((l) => [l.line, l.text, l.error])).toEqual([
      [1, 'a', null],
      [2, 'parti', 'truncated gzip stream: unexpected end of file'],
    ]);
  });

  it('finds the first invalid UTF-8 byte (overlongs, surrogates, cut sequences)', () => {
    const at = (bytes: number[]): number =>
      firstInvalidUtf8(Uint8Array.from(bytes), 0, bytes.length);
    expect(at([0x61, 0xe2, 0x82, 0xac])).toBe(-1);
    expect(at([0x61, 0xc0, 0xaf])).toBe(1); // overlong '/'
    expect(at([0xed, 0xa0, 0x80])).toBe(0); // UTF-16 surrogate
    expect(at([0x61, 0x62, 0xe2, 0x82])).toBe(2); // cut at the end
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0); // above U+10FFFF
    expect(at([0x80])).toBe(0);
  });
});

function splitValues(parts: Buffer[], max = 1 << 20): JsonItem[] {
  const s = new JsonValueSplitter(max);
  const out: JsonItem[] = [];
  for (const p of parts) s.push(p, out);
  s.end(out, null);
  return out;
}

describe('JsonValueSplitter', () => {
  it('splits a top-level array into its elements, strings and escapes included, chunk-independent', () => {
    const doc = '[\n {"a": "x]},\\"[{"},\n  {"b": [1, {"c": "\\\\"}]} ,\n 42, "s,]", null\n]\n';
    const expected = splitValues([Buffer.from(doc)]);
    expect(expected.map((v) => [v.text, v.line, v.item, v.error])).toEqual([
      ['{"a": "x]},\\"[{"}', 2, 0, null],
      ['{"b": [1, {"c": "\\\\"}]}', 3, 1, null],
      ['42', 4, 2, null],
      ['"s,]"', 4, 3, null],
      ['null', 4, 4, null],
    ]);
    expect(JSON.parse(expected[0].text)).toEqual({ a: 'x]},"[{' });
    for (const parts of chunkings(Buffer.from(doc))) expect(splitValues(parts)).toEqual(expected);
  });

  it('splits concatenated / pretty-printed top-level values', () => {
    const doc = '{\n  "a": 1\n}\n{"b": {"c": "}"}}\n';
    expect(splitValues([Buffer.from(doc)]).map((v) => [v.text, v.line, v.item])).toEqual([
      ['{\n  "a": 1\n}', 1, null],
      ['{"b": {"c": "}"}}', 4, null],
    ]);
  });

  it('reports an unclosed value, an unclosed array, an over-long element', () => {
    expect(splitValues([Buffer.from('[{"a": 1}, {"b": ')]).map((v) => [v.item, v.error])).toEqual([
      [0, null],
      [1, 'invalid JSON: unexpected end of input inside a value'],
    ]);
    expect(splitValues([Buffer.from('[{"a": 1}, ')]).map((v) => v.error)).toEqual([
      null,
      'invalid JSON: unexpected end of input: top-level array not closed',
    ]);
    for (const parts of chunkings(Buffer.from(`[{"a": "${'x'.repeat(500)}"}, {"b": 2}]`))) {
      expect(splitValues(parts, 100).map((v) => [v.item, v.error])).toEqual([
        [0, 'JSON value is 509 bytes, over the 100-byte limit'],
        [1, null],
      ]);
    }
  });

  it('finds the same 4 elements in the v1 array fixture however it is chunked', () => {
    const buf = fs.readFileSync(`${FIXTURES}/v1-array.json`);
    const whole = splitValues([buf]);
    expect(whole).toHaveLength(4);
    for (const parts of chunkings(buf).slice(4)) expect(splitValues(parts)).toEqual(whole);
  });
});

function readCsv(text: string, expected: number | null = null): CsvRecord[] {
  const r = new CsvRecordReader(',', 1 << 20);
  r.expected = expected;
  const out: CsvRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((t, i) =>
    r.push(
      {
        text: t.endsWith('\r') ? t.slice(0, -1) : t,
        line: i + 1,
        offset: 0,
        error: null,
        cr: t.endsWith('\r'),
      },
      out,
    ),
  );
  r.end(out);
  return out;
}

describe('CsvRecordReader', () => {
  it('quoted fields: delimiters, doubled quotes, line breaks (CR LF kept), empty fields', () => {
    const recs = readCsv('a,"b,c","say ""hi""",\n"multi\r\nline",x,,""\n\nplain,row,"",end');
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b,c', 'say "hi"', '']],
      [2, ['multi\r\nline', 'x', '', '']],
      [5, ['plain', 'row', '', 'end']],
    ]);
    expect(recs[1].raw).toBe('"multi\r\nline",x,,""');
  });

  it('is lenient like Python csv on one line: text after a closing quote, quotes inside unquoted fields', () => {
    expect(readCsv('"ab"cd,e"f,g').map((r) => r.fields)).toEqual([['abcd', 'e"f', 'g']]);
  });

  it('an unbalanced quote costs one row: the rows it swallowed are read again', () => {
    const recs = readCsv(['1,"oops,2', '3,4,5', '6,"fine\nstill fine",7', '8,9,10'].join('\n'), 3);
    expect(recs.map((r) => [r.line, r.error, r.fields])).toEqual([
      [1, 'unterminated quoted field', []],
      [2, null, ['3', '4', '5']],
      [3, null, ['6', 'fine\nstill fine', '7']],
      [5, null, ['8', '9', '10']],
    ]);
  });

  it('an unbalanced quote at the very end rejects that row only', () => {
    const recs = readCsv('1,2,3\n4,"5,6\n7,8,9', 3);
    expect(recs.map((r) => [r.line, r.error, r.fields])).toEqual([
      [1, null, ['1', '2', '3']],
      [2, 'unterminated quoted field', []],
      [3, null, ['7', '8', '9']],
    ]);
  });
});
