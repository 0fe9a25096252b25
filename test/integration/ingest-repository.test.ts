import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/connection.ts';
import type { Db } from '../../src/db/connection.ts';
import { ensurePostPartitions, ingestRepository } from '../../src/db/ingest-repository.ts';
import type { IngestRepository } from '../../src/db/ingest-repository.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { post } from '../helpers/posts.ts';

// The same repository behaviour on the real Postgres (array INSERT path and COPY path) and
// on the embedded PGlite (array INSERT path).
type Make = () => Promise<{ db: Db; done: () => Promise<void> }>;
const onPostgres: Make = async () => {
  const t: TestDatabase = await createTestDatabase();
  const db = await t.open();
  return { db, done: async () => { await db.close(); await t.drop(); } };
};
const backends: [string, Make, (db: Db) => IngestRepository][] = [
  ['postgres (insert)', onPostgres, (db) => ingestRepository(db.kysely)],
  ['postgres (COPY)', onPostgres, (db) => ingestRepository(db.kysely, undefined, { pool: db.pool })],
  [
    'pglite',
    async () => {
      const db = await openPglite('memory://');
      await migrateToLatest(db.kysely);
      return { db, done: () => db.close() };
    },
    (db) => ingestRepository(db.kysely),
  ],
];

describe.each(backends)('ingest repository on %s', (_name, make, mk) => {
  let db: Db;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ db, done } = await make());
  });
  afterAll(async () => {
    await done();
  });

  it('writes a chunk with its posts, accounts, sightings and rejected records, and completes the batch', async () => {
    const repo = mk(db);
    const batchId = await repo.createBatch({ source: 'test', format: 'ndjson', fileName: 'a.ndjson' });
    const posts = [
      post({ post_id: '1', urls: ['https://a.example/x'], hashtags: ['MAGA', 'vote'], posted_at: '2024-04-01T12:00:00Z' }),
      post({ post_id: '2', posted_at: '2024-04-01T12:05:00Z' }, { handle: 'renamed', location: 'Beijing' }),
      post({ post_id: '3', repost_of: 'rt_abc', text: '', posted_at: '2024-04-01T12:01:00Z' }, { id: 'acct2', handle: 'b' }),
    ];
    const r = await repo.writeChunk({
      batchId,
      seq: 0,
      posts,
      rejected: [{ file: 'a.ndjson', line: 4, raw: '{bad', reason: 'invalid JSON' }],
    });
    expect(r).toMatchObject({ written: true, accepted: 3, duplicates: 0, rejected: 1 });
    expect(r.minPostedAt).toBe(Date.parse('2024-04-01T12:00:00Z'));
    expect(r.maxPostedAt).toBe(Date.parse('2024-04-01T12:05:00Z'));
    await repo.sealBatch(batchId, 1);
    const b = await repo.getBatch(batchId);
    expect(b).toMatchObject({ status: 'completed', total: 4, accepted: 3, duplicates: 0, rejected: 1, chunks_done: 1, chunks_expected: 1 });
    expect(typeof b!.id).toBe('number');

    const p1 = await db.kysely.selectFrom('posts').selectAll().where('post_id', '=', '1').executeTakeFirstOrThrow();
    expect(p1.urls).toEqual(['https://a.example/x']);
    expect(p1.hashtags).toEqual(['MAGA', 'vote']);
    expect(p1.mentions).toEqual([]);
    expect(p1.posted_at.toISOString()).toBe('2024-04-01T12:00:00.000Z');
    expect(p1.batch_id).toBe(batchId);

    // the account carries the profile of its latest post; both personas are kept as sightings
    const a = await db.kysely.selectFrom('accounts').selectAll().where('account_id', '=', 'acct1').executeTakeFirstOrThrow();
    expect(a.handle).toBe('renamed');
    expect(a.location).toBe('Beijing');
    expect(a.first_post_at!.toISOString()).toBe('2024-04-01T12:00:00.000Z');
    expect(a.last_post_at!.toISOString()).toBe('2024-04-01T12:05:00.000Z');
    const s = await db.kysely.selectFrom('account_sightings').selectAll().where('account_id', '=', 'acct1').orderBy('first_seen_at').execute();
    expect(s.map((x) => [x.handle, x.posts])).toEqual([['fo29904619', 1], ['renamed', 1]]);

    const rej = await repo.rejectedOf(batchId);
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ file: 'a.ndjson', line: 4, raw: '{bad', reason: 'invalid JSON' });
  });

  it('a retried chunk writes nothing twice', async () => {
    const repo = mk(db);
    const batchId = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const chunk = { batchId, seq: 0, posts: [post({ post_id: 'r1' }, { id: 'racc' })], rejected: [{ file: 'f', line: 9, raw: 'x', reason: 'bad' }] };
    expect((await repo.writeChunk(chunk)).written).toBe(true);
    expect(await repo.writeChunk(chunk)).toMatchObject({ written: false, accepted: 0 });
    const b = await repo.getBatch(batchId);
    expect(b).toMatchObject({ accepted: 1, rejected: 1, chunks_done: 1 });
    expect((await repo.rejectedOf(batchId)).length).toBe(1);
    const s = await db.kysely.selectFrom('account_sightings').select('posts').where('account_id', '=', 'racc').execute();
    expect(s.map((x) => x.posts)).toEqual([1]);
  });

  it('the same posts in a new batch count as duplicates and change nothing', async () => {
    const repo = mk(db);
    const before = await db.kysely.selectFrom('account_sightings').select(['account_id', 'posts']).orderBy('account_id').execute();
    const batchId = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const r = await repo.writeChunk({
      batchId,
      seq: 0,
      posts: [post({ post_id: '1' }), post({ post_id: '2' }), post({ post_id: 'new' }, { id: 'acct9' })],
      rejected: [],
    });
    expect(r).toMatchObject({ accepted: 1, duplicates: 2 });
    const after = await db.kysely.selectFrom('account_sightings').select(['account_id', 'posts']).where('account_id', '!=', 'acct9').orderBy('account_id').execute();
    expect(after).toEqual(before);
  });

  it('a chunk that fails half-way leaves nothing behind', async () => {
    const repo = mk(db);
    const batchId = await repo.createBatch({ source: 'test', format: null, fileName: null });
    // A failure that is not about the data (here a trigger raising P0001, like a lost
    // connection or a cancelled statement) fails the whole chunk: it is retried as a unit.
    // (Data the database refuses is isolated and rejected instead: ingest-hardening.test.ts.)
    await sql`create function cw_test_boom() returns trigger language plpgsql as $$
      begin if new.post_id = 'h2' then raise exception 'boom'; end if; return new; end $$`.execute(db.kysely);
    await sql`create trigger cw_test_boom before insert on posts for each row execute function cw_test_boom()`.execute(db.kysely);
    const bad = post({ post_id: 'h2' });
    try {
      await expect(
        repo.writeChunk({ batchId, seq: 0, posts: [post({ post_id: 'h1' }), bad], rejected: [{ file: 'f', line: 1, raw: 'x', reason: 'r' }] }),
      ).rejects.toThrow(/boom/);
    } finally {
      await sql`drop trigger cw_test_boom on posts`.execute(db.kysely);
      await sql`drop function cw_test_boom()`.execute(db.kysely);
    }
    expect(await db.kysely.selectFrom('posts').select('post_id').where('post_id', '=', 'h1').execute()).toEqual([]);
    expect(await repo.rejectedOf(batchId)).toEqual([]);
    expect(await repo.getBatch(batchId)).toMatchObject({ accepted: 0, chunks_done: 0 });
    // and the chunk can be written once the problem is gone
    const ok = await repo.writeChunk({ batchId, seq: 0, posts: [post({ post_id: 'h1' })], rejected: [] });
    expect(ok.written).toBe(true);
  });

  it('keeps hostile text byte for byte', async () => {
    const repo = mk(db);
    const batchId = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const text = "<img src=x onerror=alert(1)> '; drop table posts; -- \u200b\u202e مرحبا 🇺🇸 , \\ \"";
    await repo.writeChunk({ batchId, seq: 0, posts: [post({ post_id: 'evil', text, hashtags: ['a,b', '{c}', 'd"e'] })], rejected: [] });
    const p = await db.kysely.selectFrom('posts').selectAll().where('post_id', '=', 'evil').executeTakeFirstOrThrow();
    expect(p.text).toBe(text);
    expect(p.hashtags).toEqual(['a,b', '{c}', 'd"e']);
  });

  it('stores posts in month partitions it creates, and an id seen again with another time once', async () => {
    const repo = mk(db);
    expect(repo.writePath).toBe(_name === 'postgres (COPY)' ? 'copy' : 'insert');
    const batchId = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const r = await repo.writeChunk({
      batchId,
      seq: 0,
      posts: [
        post({ post_id: 'm1', posted_at: '2019-12-31T23:59:59Z' }, { id: 'macc' }),
        post({ post_id: 'm2', posted_at: '2020-01-01T00:00:00Z' }, { id: 'macc' }),
        // the same id twice in one chunk with different times: the first is kept
        post({ post_id: 'm3', posted_at: '2020-02-10T00:00:00Z', text: 'first' }, { id: 'macc' }),
        post({ post_id: 'm3', posted_at: '2020-03-10T00:00:00Z', text: 'second' }, { id: 'macc' }),
      ],
      rejected: [],
    });
    expect(r).toMatchObject({ accepted: 3, duplicates: 1 });
    const parts = await sql<{ p: string; n: number }>`
      select tableoid::regclass::text as p, count(*)::int as n from posts where post_id in ('m1', 'm2', 'm3') group by 1 order by 1`.execute(db.kysely);
    expect(parts.rows).toEqual([
      { p: 'posts_y2019m12', n: 1 },
      { p: 'posts_y2020m01', n: 1 },
      { p: 'posts_y2020m02', n: 1 },
    ]);
    // again in a new batch, and with another posted_at (another month): still one row, noted changed
    const b2 = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const r2 = await repo.writeChunk({
      batchId: b2,
      seq: 0,
      posts: [post({ post_id: 'm1', posted_at: '2019-12-31T23:59:59Z' }, { id: 'macc' }), post({ post_id: 'm2', posted_at: '2020-05-01T00:00:00Z' }, { id: 'macc' })],
      rejected: [],
    });
    expect(r2).toMatchObject({ accepted: 0, duplicates: 2, changed: 1 });
    const m2 = await db.kysely.selectFrom('posts').select(['posted_at']).where('post_id', '=', 'm2').execute();
    expect(m2.map((x) => new Date(x.posted_at).toISOString())).toEqual(['2020-01-01T00:00:00.000Z']);
    const m3 = await db.kysely.selectFrom('posts').select(['text']).where('post_id', '=', 'm3').execute();
    expect(m3.map((x) => x.text)).toEqual(['first']);
  });

  it('re-creates a month partition dropped behind its back', async () => {
    const repo = mk(db);
    const b = await repo.createBatch({ source: 'test', format: null, fileName: null });
    await repo.writeChunk({ batchId: b, seq: 0, posts: [post({ post_id: 'd1', posted_at: '2018-06-01T00:00:00Z' })], rejected: [] });
    await sql`drop table posts_y2018m06`.execute(db.kysely);
    const r = await repo.writeChunk({ batchId: b, seq: 1, posts: [post({ post_id: 'd1', posted_at: '2018-06-01T00:00:00Z' })], rejected: [] });
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('posts written around the writer wait in the default partition and move to their month when it is made', async () => {
    const repo = mk(db);
    await sql`insert into posts (platform, post_id, account_id, posted_at, text) values ('x', 'seeded', 'sacc', '2017-03-05T00:00:00Z', 'seeded')`.execute(db.kysely);
    const where = async (id: string) => (await sql<{ p: string }>`select tableoid::regclass::text as p from posts where post_id = ${id}`.execute(db.kysely)).rows.map((r) => r.p);
    expect(await where('seeded')).toEqual(['posts_default']);
    const b = await repo.createBatch({ source: 'test', format: null, fileName: null });
    const r = await repo.writeChunk({ batchId: b, seq: 0, posts: [post({ post_id: 'seeded', posted_at: '2017-03-05T00:00:00Z' }, { id: 'sacc' }), post({ post_id: 'mar', posted_at: '2017-03-06T00:00:00Z' })], rejected: [] });
    expect(r).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await where('seeded')).toEqual(['posts_y2017m03']);
    expect(await where('mar')).toEqual(['posts_y2017m03']);
  });
});

describe('the duplicate probe of a chunk on a month partition with no statistics yet', () => {
  it('probes each partition by its primary key, never by an index led by platform alone', async () => {
    const t = await createTestDatabase();
    const db = await t.open();
    try {
      await ensurePostPartitions(db.kysely, ['2016-10', '2016-11']);
      // the probe's shape in insertPosts, planned as a fresh chunk would be: the months just made, empty
      await sql`create temp table probe_stage (platform text, post_id text)`.execute(db.kysely);
      await sql`insert into probe_stage select 'x', 'p' || g from generate_series(1, 5000) g`.execute(db.kysely);
      const plan = (
        await sql<{ 'QUERY PLAN': string }>`explain select 1 from probe_stage u
          where not exists (select 1 from posts p where p.platform = u.platform and p.post_id = u.post_id offset 0)`.execute(db.kysely)
      ).rows.map((r) => r['QUERY PLAN']);
      const scans = plan.filter((l) => / on posts_/.test(l));
      expect(scans.map((l) => /posts_(y2016m1[01]|default)_pkey/.test(l))).toEqual(scans.map(() => true));
      expect(scans.length).toBe(3);
      expect(plan.join('\n')).not.toMatch(/Filter: \(post_id =/);
    } finally {
      await db.close();
      await t.drop();
    }
  });
});
