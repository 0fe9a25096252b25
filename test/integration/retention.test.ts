import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

// Month partitions of posts on the real Postgres, through the CLI (jobs in-process, COPY
// path): created by the ingest for the months it needs, dropped whole by `retention`.
describe('posts partitions and coordwatch retention', () => {
  let tdb: TestDatabase;
  let client: pg.Client;
  let file: string;
  const line = (id: string, t: string, acct: string) =>
    JSON.stringify({ platform: 'x', post_id: id, posted_at: t, text: `post ${id} #tag https://a.example/${id}`, account: { id: acct, handle: acct }, lang: 'en', urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null });
  beforeAll(async () => {
    tdb = await createTestDatabase();
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-retention-'));
    file = path.join(dir, 'posts.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(line(`sep${i}`, `2016-09-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, `a${i % 5}`));
    lines.push('{"platform": "x", "post_id": "broken"'); // line 31: not JSON
    for (let i = 0; i < 40; i++) lines.push(line(`oct${i}`, `2016-10-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, `a${i % 5}`));
    for (let i = 0; i < 20; i++) lines.push(line(`nov${i}`, `2016-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`, `a${i % 5}`));
    // the last second of October and the first of November: each in its month
    lines.push(line('edge-oct', '2016-10-31T23:59:59Z', 'a1'), line('edge-nov', '2016-11-01T00:00:00Z', 'a1'));
    fs.writeFileSync(file, lines.join('\n') + '\n');
  });
  afterAll(async () => {
    await client?.end();
    await tdb?.drop();
  });

  const partitions = async () =>
    (
      await client.query<{ p: string; n: number }>(`
        select c.relname as p, (select count(*)::int from posts where tableoid = c.oid) as n
        from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'posts'::regclass order by 1`)
    ).rows;
  const copies = async () => (await client.query<{ n: number }>(`select count(*)::int as n from (select 1 from posts group by platform, post_id having count(*) > 1) d`)).rows[0]!.n;

  it('the ingest creates the months it needs; retention drops the old month only; re-ingest is exactly once', async () => {
    const r = await runCli(['ingest', file, '--no-progress'], { DATABASE_URL: tdb.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accepted\s+92\n\s+duplicates\s+0\n\s+rejected\s+1\n/);
    expect(await partitions()).toEqual([
      { p: 'posts_default', n: 0 },
      { p: 'posts_y2016m09', n: 30 },
      { p: 'posts_y2016m10', n: 41 },
      { p: 'posts_y2016m11', n: 21 },
    ]);
    const rej = await client.query<{ line: number; reason: string }>(`select line, reason from rejected_records`);
    expect(rej.rows).toHaveLength(1);
    expect(rej.rows[0]!.line).toBe(31);
    expect(rej.rows[0]!.reason).toMatch(/invalid JSON/);

    // horizon 2016-10-16: September ends before it, October does not
    const dry = await runCli(['retention', '--keep', '30d', '--as-of', '2016-11-15T00:00:00Z', '--dry-run'], { DATABASE_URL: tdb.url });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would drop 1 month partition\(s\), 30 posts/);
    expect(dry.stdout).toMatch(/posts_y2016m09\s+2016-09\s+30/);
    expect((await partitions()).length).toBe(4);

    const run = await runCli(['retention', '--keep', '30d', '--as-of', '2016-11-15T00:00:00Z'], { DATABASE_URL: tdb.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/dropped 1 month partition\(s\), 30 posts/);
    expect(run.stdout).toMatch(/kept 2 month partition\(s\) \(2016-10 … 2016-11\)/);
    expect(await partitions()).toEqual([
      { p: 'posts_default', n: 0 },
      { p: 'posts_y2016m10', n: 41 },
      { p: 'posts_y2016m11', n: 21 },
    ]);
    const again = await runCli(['retention', '--keep', '30d', '--as-of', '2016-11-15T00:00:00Z'], { DATABASE_URL: tdb.url });
    expect(again.stdout).toMatch(/nothing to drop/);

    // the same file again: October and November are duplicates, September's month is made
    // again for its posts (they are new to the database now), the bad record is kept again
    const re = await runCli(['ingest', file, '--no-progress'], { DATABASE_URL: tdb.url });
    expect(re.code, re.stderr).toBe(0);
    expect(re.stdout).toMatch(/accepted\s+30\n\s+duplicates\s+62\n\s+rejected\s+1\n/);
    expect(await partitions()).toEqual([
      { p: 'posts_default', n: 0 },
      { p: 'posts_y2016m09', n: 30 },
      { p: 'posts_y2016m10', n: 41 },
      { p: 'posts_y2016m11', n: 21 },
    ]);
    const re2 = await runCli(['ingest', file, '--no-progress'], { DATABASE_URL: tdb.url });
    expect(re2.stdout).toMatch(/accepted\s+0\n\s+duplicates\s+92\n\s+rejected\s+1\n/);
    expect(await copies()).toBe(0);
    expect((await client.query(`select count(*)::int as n from posts`)).rows[0].n).toBe(92);
    const rej2 = await client.query<{ reason: string }>(`select reason from rejected_records where line = 31`);
    expect(rej2.rows.map((x) => x.reason.slice(0, 12))).toEqual(['invalid JSON', 'invalid JSON', 'invalid JSON']);
  }, 180_000);

  it('retention refuses a --keep it cannot read', async () => {
    const r = await runCli(['retention', '--keep', '6 months'], { DATABASE_URL: tdb.url });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--keep: expected a duration such as 180d/);
  }, 60_000);
});
