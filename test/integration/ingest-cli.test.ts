import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, runCli } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

// The ingest command on the real Postgres, jobs in-process (no REDIS_URL).
describe('coordwatch ingest and batches', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('a folder: each data file is its own batch, a LICENSE beside them is skipped with a note', async () => {
    const r = await runCli(['ingest', path.join(DATA, 'formats/x-api-v2'), '--no-progress'], { DATABASE_URL: tdb.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/skipping .*LICENSE: cannot tell the format/);
    expect(r.stdout).toMatch(/2sets\.jsonl \(x-v2\)\s+completed\n\s+accepted\s+200\n/);
    expect(r.stdout).toMatch(/streaming_output_with_error\.jsonl \(x-v2\)\s+completed\n\s+accepted\s+7\n\s+duplicates\s+0\n\s+rejected\s+1\n/);
    const id = /batch (\d+)\s+\S+streaming_output_with_error/.exec(r.stdout)![1];
    const b = await runCli(['batches', id], { DATABASE_URL: tdb.url });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/rejected records \(1–1 of 1\):\n\s+streaming_output_with_error\.jsonl:8\s+invalid JSON: Expected .,. or .}. after property value/);
    const list = await runCli(['batches', '--json'], { DATABASE_URL: tdb.url });
    const rows = JSON.parse(list.stdout) as { status: string }[];
    expect(rows.length).toBe(6);
    expect(rows.every((x) => x.status === 'completed')).toBe(true);
  }, 120_000);

  it('the debate panel CSV loads through a column mapping, giving the same posts as the canonical set', async () => {
    const map = path.join(process.cwd(), 'test/fixtures/ingest/pitt-debate1.mapping.json');
    const csv = await runCli(
      ['ingest', path.join(DATA, 'formats/pitt-debates/tweets_debate1.csv'), '--format', 'csv', '--map', map, '--timezone', 'America/New_York', '--no-progress'],
      { DATABASE_URL: tdb.url },
    );
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toMatch(/accepted\s+23,247\n/);
    const canonical = await runCli(['ingest', path.join(DATA, 'debate-d1/posts.ndjson.gz'), '--no-progress'], { DATABASE_URL: tdb.url });
    expect(canonical.code, canonical.stderr).toBe(0);
    // the panel's posts are already there: only the IRA posts of the window are new
    expect(canonical.stdout).toMatch(/accepted\s+1,403\n\s+duplicates\s+23,247\n/);
  }, 120_000);
});
