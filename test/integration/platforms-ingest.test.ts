import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { personaGroups } from '../../src/core/signals/index.ts';
import { personaCandidates } from '../../src/db/persona.ts';
import { DATA, runCli } from '../helpers/cli.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

const F = path.join(DATA, 'formats');

/** sample → [accepted, duplicates, rejected] through the ingest queue into a fresh database */
const SAMPLES: [string, string, number, number, number][] = [
  ['io-archive/ira_2018_sample.csv', 'io-archive', 407, 0, 2],
  ['tiktok-research-api/videos_page_1.json', 'tiktok-research', 27, 0, 0],
  ['tiktok-research-api/videos_null_bytes.json', 'tiktok-research', 1, 0, 0],
  ['tiktok-research-api/comments.json', 'tiktok-research', 0, 0, 6],
  ['tiktok-zeeschuimer/search-fosfor.ndjson', 'tiktok-zeeschuimer', 96, 0, 0],
  ['bluesky/jetstream_corpus.jsonl', 'bluesky-jetstream', 143, 0, 9],
  ['bluesky/getPostThread.json', 'bluesky-posts', 171, 0, 0],
  ['telegram/telethon_britishnewspatriot.jsonl', 'telegram', 20, 0, 0],
  ['telegram/telethon_bloomberg.jsonl', 'telegram', 40, 0, 0],
  ['telegram/desktop_export_result.json', 'telegram', 13, 0, 6],
  // one row per (post, link): 28 posts shared two of the nine links
  ['crowdtangle/ct_shares_marked.csv', 'crowdtangle', 744, 28, 0],
];

describe('every platform sample ingests through the BullMQ workers into Postgres', () => {
  let tdb: TestDatabase;
  let db: Db;
  let q: { prefix: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
    q = testQueuePrefix();
  });
  afterAll(async () => {
    await q.cleanup();
    await db.close();
    await tdb.drop();
  });

  const num = async (s: string) => Number(Object.values((await db.pool!.query(s)).rows[0] as object)[0]);
  const env = () => ({ DATABASE_URL: tdb.url, REDIS_URL, QUEUE_PREFIX: q.prefix });

  it.each(SAMPLES)('%s (%s): %i accepted, %i duplicates, %i rejected', async (file, format, accepted, dups, rejected) => {
    const r = await runCli(['ingest', path.join(F, file), '--no-progress', '-w', '1'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`(${format})`);
    const batch = Number(/batch (\d+)/.exec(r.stdout)![1]);
    const row = (await db.pool!.query('select status, accepted, duplicates, rejected from ingest_batches where id = $1', [batch])).rows[0];
    expect(row).toEqual({ status: 'completed', accepted, duplicates: dups, rejected });
  }, 120_000);

  it('what landed: platforms, exact ids, accounts; re-ingesting a sample changes nothing', async () => {
    const byPlatform = (await db.pool!.query('select platform, count(*)::int as n from posts group by 1 order by 1')).rows;
    expect(byPlatform).toEqual([
      { platform: 'bluesky', n: 314 },
      { platform: 'facebook', n: 744 },
      { platform: 'telegram', n: 73 },
      { platform: 'tiktok', n: 124 },
      { platform: 'x', n: 407 },
    ]);
    // 64-bit TikTok ids exact in the database
    expect(await num(`select count(*) from posts where platform = 'tiktok' and post_id = '7320768196569599275'`)).toBe(1);
    expect(await num(`select count(*) from accounts where platform = 'tiktok' and account_id = 'حموديالباشا4'`)).toBe(1);
    expect(await num(`select count(*) from posts where platform = 'telegram' and repost_of like '1724102370/%'`)).toBe(8);
    expect(await num(`select count(*) from posts where platform = 'telegram' and repost_of = '1724102370/16072'`)).toBe(1);
    // the objects the kinds read reach the posts table (migration 2026-12-02T00-20-00)
    expect(await num(`select count(*) from posts where objects[1] like 'sound:%'`)).toBe(124);
    expect(await num(`select count(*) from posts where objects[1] like 'like:at://%'`)).toBe(105);
    expect(await num(`select count(*) from posts where objects[1] like 'fwd:%'`)).toBe(17);
    const again = await runCli(['ingest', path.join(F, 'tiktok-zeeschuimer/search-fosfor.ndjson'), '--no-progress', '-w', '1'], env());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/duplicates\s+96/);
    expect(await num(`select count(*) from posts where platform = 'tiktok'`)).toBe(124);
  }, 120_000);

  it('persona candidates: accounts whose handle, name, bio or avatar another platform carries too', async () => {
    const c = await personaCandidates(db.kysely);
    for (const a of c) expect(a.key.startsWith(`${a.platform}:`)).toBe(true);
    // the pure grouping over them: every group spans platforms
    for (const g of personaGroups(c)) expect(g.platforms.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
