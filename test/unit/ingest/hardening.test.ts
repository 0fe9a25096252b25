import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInput, InputError, readRecords } from '../../../src/ingest/index.ts';
import { MAX_HASHTAGS } from '../../../src/ingest/types.ts';
import { collect } from './helpers.ts';

// Issue 10, rows 4, 5, 6 and 13, and the gzip-bomb cap: each failed before the fix.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-hardening-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const post = (i: number, extra: object = {}) =>
  JSON.stringify({ platform: 'x', post_id: String(i), posted_at: '2024-01-01T00:00:00Z', text: `hello world ${i}`, account: { id: `a${i % 50}` }, ...extra });
const ndjson = (n: number, eol = '\n') => Array.from({ length: n }, (_, i) => post(i)).join(eol) + eol;

describe('row 4: a complete gzip followed by garbage', () => {
  it('keeps every complete record and records one rejected entry for the tail', async () => {
    const gz = Buffer.concat([zlib.gzipSync(ndjson(3000)), Buffer.from('garbage')]);
    const { posts, bad } = await collect(Readable.from([gz]));
    expect(posts).toHaveLength(3000);
    expect(bad.map((r) => r.reason)).toEqual(['trailing garbage after the gzip stream: 7 bytes that are not gzip data']);
  });

  it('the same read from a file, in one-byte and odd-sized chunks, and after two members', async () => {
    const member = zlib.gzipSync(ndjson(1500));
    const gz = Buffer.concat([member, member, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5])]);
    const file = path.join(dir, 'garbage.ndjson.gz');
    fs.writeFileSync(file, gz);
    const fromFile = await collect(file);
    // 1500 ids twice: duplicates are the ingest repository's business, the reader yields both
    expect(fromFile.posts).toHaveLength(3000);
    expect(fromFile.bad).toHaveLength(1);
    expect(fromFile.bad[0].reason).toMatch(/^(corrupt|truncated) gzip stream/);
    const pieces: Buffer[] = [];
    for (let i = 0, k = 1; i < gz.length; i += k, k = (k * 7 + 3) % 9000 || 1) pieces.push(gz.subarray(i, i + k));
    const odd = await collect(Readable.from(pieces));
    expect(odd.posts).toHaveLength(3000);
    expect(odd.bad.map((r) => r.reason)).toEqual(fromFile.bad.map((r) => r.reason));
  });

  it('zero padding after the last member is not garbage', async () => {
    const gz = Buffer.concat([zlib.gzipSync(ndjson(100)), Buffer.alloc(512)]);
    const { posts, bad } = await collect(Readable.from([gz]));
    expect(posts).toHaveLength(100);
    expect(bad).toEqual([]);
  });
});

describe('row 5: CR-only line endings', () => {
  it('NDJSON with CR line ends is read as lines (file and stream, sniffed)', async () => {
    const file = path.join(dir, 'mac.ndjson');
    fs.writeFileSync(file, ndjson(200, '\r'));
    const { posts, bad } = await collect(file);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(200);
    const bytes = Buffer.from(ndjson(50, '\r'));
    const split = await collect(Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 701), bytes.subarray(701)]));
    expect(split.posts).toHaveLength(50);
  });

  it('a CNT CSV with CR line ends, and a quoted field holding a CR LF in a CRLF file', async () => {
    const head = 'message_id,user_id,username,repost_id,reply_id,message,timestamp,urls';
    const rows = [head, 'm1,u1,u1,,,hello,1476089160,', 'm2,u2,u2,,,"hi, there",1476089161,'];
    const mac = await collect(Readable.from([Buffer.from(rows.join('\r') + '\r')]));
    expect(mac.bad).toEqual([]);
    expect(mac.posts.map((p) => p.post_id)).toEqual(['m1', 'm2']);
    const crlf = await collect(Readable.from([Buffer.from([head, 'm1,u1,u1,,,"a\r\nb",1476089160,'].join('\r\n') + '\r\n')]));
    expect(crlf.posts.map((p) => p.text)).toEqual(['a\r\nb']);
  });
});

describe('row 6: list caps per post', () => {
  it('a post with 100k hashtags (given or in its text) is rejected with the reason; its neighbours land', async () => {
    const tags = Array.from({ length: 100_000 }, (_, i) => `t${i}`);
    const text = tags.slice(0, 5000).map((t) => `#${t}`).join(' ');
    const lines = [post(1), post(2, { hashtags: tags }), post(3, { text, hashtags: null }), post(4, { hashtags: tags.slice(0, MAX_HASHTAGS) })];
    const { posts, bad } = await collect(Readable.from([Buffer.from(lines.join('\n') + '\n')]));
    expect(posts.map((p) => p.post_id)).toEqual(['1', '4']);
    expect(bad.map((r) => r.reason)).toEqual([
      'hashtags: 100000 items, over the 230-item limit per post',
      'hashtags: 5000 items, over the 230-item limit per post',
    ]);
  });

  it('urls and mentions too', async () => {
    const urls = Array.from({ length: 50_000 }, (_, i) => `https://e.example/${i}`);
    const { bad } = await collect(Readable.from([Buffer.from(post(1, { urls }) + '\n' + post(2, { mentions: urls.map((_, i) => `m${i}`) }) + '\n')]));
    expect(bad.map((r) => r.reason)).toEqual([
      'urls: 50000 items, over the 50-item limit per post',
      'mentions: 50000 items, over the 170-item limit per post',
    ]);
  });
});

describe('gzip bomb: maxDecompressedBytes', () => {
  it('stops with an InputError naming the limit, after the records below it', async () => {
    const bomb = zlib.gzipSync(Buffer.concat([Buffer.from(ndjson(10)), Buffer.alloc(3 * 1024 * 1024, 0x0a)]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const seen: string[] = [];
    const read = async () => {
      for await (const r of readRecords(Readable.from([bomb]), { maxDecompressedBytes: 1024 * 1024 })) if (r.ok) seen.push(r.post.post_id);
    };
    await expect(read()).rejects.toThrow(/decompresses to more than 1048576 bytes \(the maxDecompressedBytes limit\)/);
    expect(seen).toHaveLength(10);
    // under the limit the same input is fine (blank lines are skipped)
    const { posts } = await collect(Readable.from([bomb]), { maxDecompressedBytes: 4 * 1024 * 1024 });
    expect(posts).toHaveLength(10);
  });
});

describe('row 13: folders with subfolders, pipes and devices', () => {
  it('a named pipe is refused at once with a clear InputError (never opened for a writer)', async () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    await expect(collect(fifo)).rejects.toThrow(InputError);
    await expect(collect(fifo)).rejects.toThrow(/is a named pipe \(FIFO\), not a file/);
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(collect('/dev/null')).rejects.toThrow(/is a character device, not a file/);
  });

  it('a folder is read recursively; pipes, unknown files and folder links are reported, not skipped silently', async () => {
    const root = path.join(dir, 'tree');
    fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a.ndjson'), ndjson(3));
    fs.writeFileSync(path.join(root, 'sub', 'b.ndjson'), ndjson(2));
    fs.writeFileSync(path.join(root, 'sub', 'deeper', 'c.ndjson.gz'), zlib.gzipSync(ndjson(1)));
    fs.writeFileSync(path.join(root, 'sub', 'README'), 'just words, no data\n');
    execFileSync('mkfifo', [path.join(root, 'sub', 'pipe')]);
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'loop'));
    const r = await expandInput(root);
    expect(r.inputs.map((x) => [path.relative(root, x.path), x.format])).toEqual([
      ['a.ndjson', 'ndjson'],
      ['sub/b.ndjson', 'ndjson'],
      ['sub/deeper/c.ndjson.gz', 'ndjson'],
    ]);
    expect(r.notes.map((n) => n.replace(root + '/', ''))).toEqual([
      'skipping loop: a link to a folder (not followed)',
      'skipping sub/README: a CSV of no known layout (a column mapping, --format csv --map, reads it)',
      'skipping sub/pipe: a named pipe (FIFO), not a file',
    ]);
    await expect(expandInput(path.join(root, 'sub', 'pipe'))).rejects.toThrow(/is a named pipe \(FIFO\), not a file/);
  });
});

describe('blank-line floods', () => {
  it('16 MB of newlines between two posts: both land with their true line numbers, in a scan not an object per line', async () => {
    const post = (id: string) => JSON.stringify({ platform: 'x', post_id: id, posted_at: '2024-04-01T12:00:00Z', text: 't', account: { id: '1' } }) + '\n';
    const flood = 16 * 1024 * 1024;
    const body = Buffer.concat([Buffer.from(post('1')), Buffer.alloc(flood, 0x0a), Buffer.from(post('2'))]);
    const got: { ok: boolean; line: number }[] = [];
    for await (const r of readRecords(Readable.from([body], { objectMode: false }), { format: 'ndjson' })) got.push({ ok: r.ok, line: r.pos.line });
    expect(got).toEqual([
      { ok: true, line: 1 },
      { ok: true, line: flood + 2 },
    ]);
  });
});
