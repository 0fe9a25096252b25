import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openPglite } from '../../src/db/connection.ts';
import type { Db } from '../../src/db/connection.ts';
import { ingestRepository } from '../../src/db/ingest-repository.ts';
import type { ChunkResult } from '../../src/db/ingest-repository.ts';
import type { CanonicalPost } from '../../src/core/types.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { post } from '../helpers/posts.ts';

// The COPY path (Postgres) and the array INSERT path (Postgres and PGlite) store the same
// rows, results and notes for the same chunks: hostile text, COPY's own escapes, nulls,
// repeats inside a chunk, ids seen again with other content, records the database refuses.
const hostile = "tab\there, newline\nthere, cr\r, back\\slash \\N \\. , \"quotes\" {braces} 'single' \u200b\u202e مرحبا 🇺🇸";
const chunks = (): CanonicalPost[][] => [
  [
    post({ post_id: 'c1', text: hostile, hashtags: ['a\tb', 'c\\d', '{e}', 'f"g', '\\N'], urls: ['https://a.example/x?y=1\tz'], posted_at: '2024-03-31T23:59:59Z' }),
    post({ post_id: 'c2', text: '', lang: null, repost_of: 'c1', posted_at: '2024-04-01T00:00:00Z' }, { handle: null, bio: 'line1\nline2\\', location: null, followers: null }),
    post({ post_id: 'c3', text: 'first', posted_at: '2024-04-02T10:00:00Z', mentions: ['m1'], reply_to: 'c1' }, { id: 'acct2' }),
    post({ post_id: 'c3', text: 'again in the chunk', posted_at: '2024-05-02T10:00:00Z' }, { id: 'acct2' }),
    post({ post_id: 'bad-time', posted_at: 'not a time' }),
    post({ post_id: 'c4', media_hashes: ['h1', 'h2'], objects: ['sound:1', 'like:x'], posted_at: '2024-04-03T00:00:00+05:00' }, { id: 'acct3', display_name: 'N\u0000UL' }),
  ],
  [
    post({ post_id: 'c1', text: hostile, hashtags: ['a\tb', 'c\\d', '{e}', 'f"g', '\\N'], urls: ['https://a.example/x?y=1\tz'], posted_at: '2024-03-31T23:59:59Z' }),
    post({ post_id: 'c2', text: 'changed text', repost_of: 'c1', posted_at: '2024-04-01T00:00:00Z' }),
    post({ post_id: 'c5', text: 'x'.repeat(70_000), hashtags: ['h'.repeat(3000)], posted_at: '2024-04-04T00:00:00Z' }),
    post({ post_id: 'c6', text: 'later', posted_at: '2024-04-05T00:00:00Z' }, { handle: 'renamed' }),
  ],
];

type Snapshot = Record<string, unknown[]>;
async function snapshot(db: Db): Promise<Snapshot> {
  const q = async (s: ReturnType<typeof sql>) => (await s.execute(db.kysely)).rows;
  return {
    posts: await q(sql`select platform, post_id, account_id, posted_at, text, lang, urls, hashtags, mentions, media_hashes, objects, repost_of, reply_to, tableoid::regclass::text as part from posts order by platform, post_id, posted_at`),
    accounts: await q(sql`select platform, account_id, handle, display_name, bio, created_at, followers, following, location, avatar_hash, first_post_at, last_post_at from accounts order by 1, 2`),
    sightings: await q(sql`select platform, account_id, persona_hash, handle, display_name, bio, location, lang, followers, following, first_seen_at, last_seen_at, posts from account_sightings order by 1, 2, 3`),
    rejected: await q(sql`select file, line, raw, reason from rejected_records order by id`),
    notes: await q(sql`select kind, platform, post_id, file, line, detail from ingest_post_notes order by id`),
    chunks: await q(sql`select seq, records, accepted, duplicates, rejected from ingest_chunks order by seq`),
  };
}

describe('COPY and INSERT write paths store identical rows', () => {
  const opened: { db: Db; done: () => Promise<void> }[] = [];
  const results: Record<string, { r: ChunkResult[]; snap: Snapshot }> = {};
  beforeAll(async () => {
    const pgOf = async () => {
      const t: TestDatabase = await createTestDatabase();
      const db = await t.open();
      const o = { db, done: async () => { await db.close(); await t.drop(); } };
      opened.push(o);
      return db;
    };
    const lite = await openPglite('memory://');
    await migrateToLatest(lite.kysely);
    opened.push({ db: lite, done: () => lite.close() });
    const copyDb = await pgOf();
    const insertDb = await pgOf();
    const runs: [string, Db, ReturnType<typeof ingestRepository>][] = [
      ['copy', copyDb, ingestRepository(copyDb.kysely, undefined, { pool: copyDb.pool })],
      ['insert', insertDb, ingestRepository(insertDb.kysely, undefined, { pool: insertDb.pool, path: 'insert' })],
      ['pglite', lite, ingestRepository(lite.kysely)],
    ];
    for (const [name, db, repo] of runs) {
      const batchId = await repo.createBatch({ source: 'test', format: 'ndjson', fileName: 'f.ndjson' });
      const r: ChunkResult[] = [];
      for (const [seq, posts] of chunks().entries()) {
        r.push(await repo.writeChunk({ batchId, seq, posts, rejected: [], positions: posts.map((_, i) => ({ file: 'f.ndjson', line: seq * 100 + i + 1 })) }));
      }
      results[name] = { r, snap: await snapshot(db) };
    }
    expect(runs[0]![2].writePath).toBe('copy');
    expect(runs[1]![2].writePath).toBe('insert');
  }, 120_000);
  afterAll(async () => {
    for (const o of opened) await o.done();
  });

  it('the COPY path stores what the INSERT path stores, on Postgres', () => {
    expect(results.copy!.r).toEqual(results.insert!.r);
    expect(results.copy!.snap).toEqual(results.insert!.snap);
  });

  it('PGlite stores the same', () => {
    expect(results.pglite!.r).toEqual(results.insert!.r);
    expect(JSON.parse(JSON.stringify(results.pglite!.snap))).toEqual(JSON.parse(JSON.stringify(results.insert!.snap)));
  });

  it('what was stored is right: text byte for byte, one row per id, the refused ones with their reason', () => {
    const s = results.copy!.snap;
    const posts = s.posts as { post_id: string; text: string; hashtags: string[]; urls: string[]; part: string }[];
    expect(posts.map((p) => p.post_id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(posts.find((p) => p.post_id === 'c5')!.text.length).toBe(70_000);
    expect(posts.find((p) => p.post_id === 'c5')!.hashtags[0]!.length).toBeLessThan(3000); // trimmed, noted
    expect(posts[0]!.text).toBe(hostile);
    expect(posts[0]!.hashtags).toEqual(['a\tb', 'c\\d', '{e}', 'f"g', '\\N']);
    expect(posts[0]!.urls).toEqual(['https://a.example/x?y=1\tz']);
    expect(posts[0]!.part).toBe('posts_y2024m03');
    expect(posts.find((p) => p.post_id === 'c3')!.text).toBe('first');
    expect(posts.find((p) => p.post_id === 'c4')!.part).toBe('posts_y2024m04'); // 2024-04-02T19:00Z
    expect(results.copy!.r.map((r) => [r.accepted, r.duplicates, r.changed])).toEqual([
      [4, 1, 1],
      [2, 2, 1],
    ]);
    expect(results.copy!.r.map((r) => r.trimmed)).toEqual([0, 1]);
    const rej = s.rejected as { line: number; reason: string }[];
    expect(rej.map((x) => x.line)).toEqual([5]);
    expect(rej[0]!.reason).toMatch(/posted_at|refused/);
    const notes = s.notes as { kind: string; post_id: string }[];
    expect(notes.map((n) => [n.kind, n.post_id])).toEqual([
      ['changed', 'c3'], // its second copy in the first chunk: another text and time, the first is kept
      ['changed', 'c2'],
      ['trimmed', 'c5'],
    ]);
  });
});
