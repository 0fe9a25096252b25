import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError, readRecords } from '../../../src/ingest/index.ts';
import { FIXTURES, collect } from './helpers.ts';

const BAD = `${FIXTURES}/bad.ndjson`;

describe('bad input loses nothing: each bad record is kept with position, raw text and a specific reason', () => {
  it('hostile NDJSON: the exact reasons, in order, and every good record of the file', async () => {
    const { ok, bad } = await collect(BAD);
    expect(ok.map((r) => [r.pos.line, r.post.post_id])).toEqual([
      [1, 'g1'],
      [11, 'g2'],
      [14, 'r1'], // a repost needs no text
      [18, 'g3'], // CR LF line ending, milliseconds kept
    ]);
    expect(ok[3].post.posted_at).toBe('2016-10-01T12:00:00.250Z');
    expect(bad.map((r) => [r.pos.line, r.reason])).toEqual([
      [2, 'invalid JSON: Unexpected end of JSON input'],
      [4, 'missing required field: account.id'],
      [5, 'invalid posted_at: "2016-13-45"'],
      [6, 'invalid posted_at: "1999-12-31T23:59:59Z" (before 2000)'],
      [7, 'invalid posted_at: "2099-01-01T00:00:00Z" (in the future)'],
      [8, 'text is 70000 bytes, over the 65536-byte limit'],
      [9, 'invalid UTF-8 at byte offset 70872 (byte 84 of the line)'],
      [10, 'binary data: NUL byte at byte offset 70926 (byte 0 of the line)'],
      [13, 'missing required field: text'],
      [15, 'expected a JSON object, got an array'],
      [
        16,
        'invalid post_id: expected a string, got a number too large to be exact (12345678901234567000); ids must be strings',
      ],
      [17, 'text contains a NUL character (U+0000), which cannot be stored'],
      [19, 'missing required fields: platform, posted_at, account.id'],
    ]);
    // blank and whitespace-only lines (3, 12) are skipped silently
    expect(bad.every((r) => r.pos.file === BAD)).toBe(true);
  });

  it('raw keeps the original line (lossy only where the bytes were not text)', async () => {
    const lines = fs.readFileSync(BAD).toString('utf8').split('\n');
    const { bad } = await collect(BAD);
    const byLine = new Map(bad.map((r) => [r.pos.line, r.raw]));
    expect(byLine.get(2)).toBe(lines[1]);
    expect(byLine.get(5)).toBe(lines[4]);
    expect(byLine.get(9)).toContain('caf\ufffd ok'); // the invalid byte shows as U+FFFD
    expect(byLine.get(10)).toContain('binary junk');
    // Postgres text cannot hold NUL: it is shown as U+FFFD
    expect(byLine.get(10)).toBe('\ufffd\u0001\u0002\ufffd\ufffd binary junk \ufffd\ufffd');
    // the 70 KB line is cut at 65,536 characters and says so
    expect(byLine.get(8)).toMatch(/^\{"platform": "x", "post_id": "b6"/);
    expect(byLine.get(8)).toMatch(/ …\[truncated: 70\d{3} characters in all\]$/);
    expect(byLine.get(8)!.length).toBeLessThan(65_536 + 50);
  });

  it('the text limit and the future cut-off follow the options', async () => {
    const line = JSON.stringify({
      platform: 'x',
      post_id: '1',
      posted_at: '2024-06-01T00:00:00Z',
      text: 'ééé',
      account: { id: 'a' },
    });
    const small = await collect(Readable.from([line]), { maxTextBytes: 5 });
    expect(small.bad.map((r) => r.reason)).toEqual(['text is 6 bytes, over the 5-byte limit']);
    const early = await collect(Readable.from([line]), { now: Date.UTC(2024, 4, 1) });
    expect(early.bad.map((r) => r.reason)).toEqual([
      'invalid posted_at: "2024-06-01T00:00:00Z" (in the future)',
    ]);
    const inTime = await collect(Readable.from([line]), { now: new Date(Date.UTC(2024, 5, 1)) });
    expect(inTime.posts).toHaveLength(1);
  });

  it('a line over maxLineBytes is rejected unread and the next line still lands', async () => {
    const good = JSON.stringify({
      platform: 'x',
      post_id: '2',
      posted_at: '2024-04-01T12:00:00Z',
      text: 'after',
      account: { id: 'a' },
    });
    const huge = '{"x":"' + 'y'.repeat(5000) + '"}';
    // fed in small chunks so the long line spans many of them
    const data = Buffer.from(`${huge}\n${good}\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 700) chunks.push(data.subarray(i, i + 700));
    const { ok, bad } = await collect(Readable.from(chunks), {
      maxLineBytes: 1000,
      format: 'ndjson',
    });
    expect(bad.map((r) => [r.pos.line, r.reason])).toEqual([
      [1, 'line is 5008 bytes, over the 1000-byte limit'],
    ]);
    expect(bad[0].raw.startsWith('{"x":"yyyy')).toBe(true);
    expect(ok.map((r) => [r.pos.line, r.post.post_id])).toEqual([[2, '2']]);
  });

  it('ids and strings that cannot be what they claim', async () => {
    const base = {
      platform: 'x',
      posted_at: '2024-04-01T12:00:00Z',
      text: 't',
      account: { id: 'a' },
    };
    const lines = [
      { ...base, post_id: 'x'.repeat(300) },
      { ...base, post_id: { nested: true } },
      { ...base, post_id: '5', account: { id: 'a', bio: 'b'.repeat(70_000) } },
      { ...base, post_id: '6', hashtags: 'not-a-list' },
      { ...base, post_id: '7', urls: ['ok', 3] },
      { ...base, post_id: '8', text: 42 },
      { ...base, post_id: '9', posted_at: 1475000000 }, // epoch seconds are fine
    ].map((o) => JSON.stringify(o));
    const { ok, bad } = await collect(Readable.from([lines.join('\n')]));
    expect(bad.map((r) => r.reason)).toEqual([
      'post_id is 300 characters, over the 256-character limit',
      'invalid post_id: expected a string, got a object',
      'account.bio is 70000 bytes, over the 65536-byte limit',
      'invalid hashtags: expected an array of strings, got a string',
      'invalid urls: expected an array of strings, item 1 is a number (3)',
      'invalid text: expected a string, got a number (42)',
    ]);
    expect(ok.map((r) => r.post.posted_at)).toEqual(['2016-09-27T18:13:20Z']);
  });

  it('hostile nesting is rejected, never a crash', async () => {
    const deep = 200_000;
    const page = `{"data":[{"id":"1","text":"t","created_at":"bad","author_id":"2","junk":${'['.repeat(deep)}${']'.repeat(deep)}}]}`;
    const v2 = await collect(Readable.from([page]), { format: 'x-v2' });
    expect(v2.bad.map((r) => [r.reason, r.raw])).toEqual([
      ['invalid posted_at: "bad"', '[value too deeply nested to show]'],
    ]);
    const v1 = await collect(Readable.from(['[[[[[[[[{"id_str":"1","text":"x"}]]]]]]]]\n']), {
      format: 'twitter-v1',
    });
    expect(v1.bad.map((r) => r.reason)).toEqual(['not a tweet: arrays nested too deeply']);
  });

  it('inputs that cannot be read at all are InputErrors, not records', async () => {
    await expect(collect(`${FIXTURES}/does-not-exist.ndjson`)).rejects.toThrow(
      new InputError(`${FIXTURES}/does-not-exist.ndjson: no such file`),
    );
    const zip = Readable.from([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00])]);
    await expect(collect(zip)).rejects.toThrow(/looks like a zip archive/);
    const utf16 = Readable.from([Buffer.from('\ufeff{"a":1}', 'utf16le')]);
    await expect(collect(utf16)).rejects.toThrow(/UTF-16 text; convert it to UTF-8/);
    await expect(collect(Readable.from(['{"hello": "world"}\n']))).rejects.toThrow(
      /cannot tell the format of -: JSON lines of unknown shape/,
    );
    await expect(collect(Readable.from(['a']), { format: 'json' as never })).rejects.toThrow(
      /unknown format "json"/,
    );
    await expect(collect(Readable.from(['a']), { timezone: 'Nowhere/Land' })).rejects.toThrow(
      /unknown time zone/,
    );
  });

  it('errors are thrown where the records are read, not before', () => {
    // readRecords is lazy: building the iterable never throws, iterating does
    expect(() => readRecords(`${FIXTURES}/does-not-exist.ndjson`)).not.toThrow();
  });
});
