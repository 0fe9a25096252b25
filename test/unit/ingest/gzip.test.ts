import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DATA, FIXTURES, collect } from './helpers.ts';

const TRUNCATED = `${FIXTURES}/truncated.ndjson.gz`;

describe('gzip input', () => {
  it('is detected by its magic bytes and read transparently (same records as the plain text)', async () => {
    const gz = fs.readFileSync(`${FIXTURES}/v1-lines.jsonl`);
    const zipped = zlib.gzipSync(gz);
    const plain = await collect(Readable.from([gz]));
    const fromGz = await collect(Readable.from([zipped]), { name: '-' });
    expect(fromGz.posts).toEqual(plain.posts);
    expect(fromGz.posts).toHaveLength(3);
    // chunk boundaries anywhere, even inside the magic bytes
    const oneByte = await collect(Readable.from([...zipped].map((b) => Buffer.from([b]))));
    expect(oneByte.posts).toEqual(plain.posts);
  });

  it('reads concatenated gzip members as one stream', async () => {
    const a = zlib.gzipSync(fs.readFileSync(`${FIXTURES}/v1-lines.jsonl`));
    const { posts } = await collect(Readable.from([Buffer.concat([a, a])]));
    expect(posts).toHaveLength(6);
  });

  it('a truncated gzip keeps every complete record before the cut, then one rejected record', async () => {
    // what any reader could recover: the complete lines of the decompressible prefix
    const recoverable = zlib
      .gunzipSync(fs.readFileSync(TRUNCATED), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
      .toString('utf8');
    const complete = recoverable.split('\n').slice(0, -1);
    const partial = recoverable.split('\n').at(-1) as string;
    expect(complete).toHaveLength(1070);

    const { ok, bad } = await collect(TRUNCATED);
    expect(ok).toHaveLength(1070);
    expect(ok.at(-1)?.post.post_id).toBe(JSON.parse(complete[1069]).post_id);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toEqual({
      ok: false,
      pos: { file: TRUNCATED, line: 1071 },
      raw: partial,
      reason: 'truncated gzip stream: unexpected end of file',
    });
  });

  it('a gzip cut exactly at a line end still reports the truncation', async () => {
    const full = zlib.gunzipSync(fs.readFileSync(`${DATA}/debate-d1/posts.ndjson.gz`));
    const firstLines = full.subarray(0, full.indexOf(10, 5000) + 1);
    const gz = zlib.gzipSync(firstLines);
    const cut = gz.subarray(0, gz.length - 8); // the trailer (CRC, size) missing
    const { posts, bad } = await collect(Readable.from([cut]));
    expect(posts.length).toBe(firstLines.toString().split('\n').length - 1);
    expect(bad.map((r) => [r.raw, r.reason])).toEqual([
      ['', 'truncated gzip stream: unexpected end of file'],
    ]);
  });

  it('corrupt compressed data keeps what came before and says the stream is corrupt', async () => {
    const gz = Buffer.from(zlib.gzipSync(fs.readFileSync(`${FIXTURES}/v1-lines.jsonl`)));
    for (let i = 200; i < 260; i++) gz[i] ^= 0xff;
    const { bad } = await collect(Readable.from([gz]), { format: 'twitter-v1' });
    expect(bad.map((r) => r.reason)).toEqual([
      'corrupt gzip stream: invalid distance too far back',
    ]);
  });

  it('a bad checksum loses at most the last 64 KiB decoded, and says so', async () => {
    const full = zlib.gunzipSync(fs.readFileSync(`${DATA}/debate-d1/posts.ndjson.gz`));
    const text = full.subarray(0, full.indexOf(10, 600_000) + 1);
    const gz = Buffer.from(zlib.gzipSync(text));
    gz[gz.length - 6] ^= 0xff; // inside the CRC-32 of the trailer
    const { posts, bad } = await collect(Readable.from([gz]));
    const lines = text.toString('utf8').split('\n').slice(0, -1);
    const lostBytes = lines.slice(posts.length).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    expect(posts.map((p) => p.post_id)).toEqual(
      lines.slice(0, posts.length).map((l) => JSON.parse(l).post_id),
    );
    expect(lostBytes).toBeLessThanOrEqual(64 * 1024 + 2000);
    expect(bad.map((r) => r.reason)).toEqual(['corrupt gzip stream: incorrect data check']);
  });

  it('CSV inside gzip: a truncated CNT file keeps its complete rows', async () => {
    const file = `${DATA}/debate-d1/posts.cnt.csv.gz`;
    const whole = await collect(file);
    const { posts, ok, bad } = await collect(
      Readable.from([fs.readFileSync(file).subarray(0, 40_000)]),
    );
    expect(posts.length).toBeGreaterThan(500);
    expect(posts).toEqual(whole.posts.slice(0, posts.length));
    expect(bad).toHaveLength(1);
    expect(bad[0].reason).toBe('truncated gzip stream: unexpected end of file');
    expect(bad[0].pos.line).toBeGreaterThan(ok.at(-1)!.pos.line);
  });
});
