import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { round } from '../../src/core/alerts/rows.ts';
import { analyze } from '../../src/core/analyze.ts';
import type { AnalyzeResult } from '../../src/core/analyze.ts';
import { compileNarratives } from '../../src/core/narratives/index.ts';
import { loadCorePosts } from '../../src/ingest/core-posts.ts';
import { DATA, killAll, runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { query } from '../helpers/pg-query.ts';

/**
 * Issue 9, "end-to-end tests through the workers that the scores and alerts agree with eval":
 * debate-d1 ingested through Redis and the ingest workers, one manual scan of the whole set on a
 * scan worker, against the core's `analyze` over the same file read as `coordwatch eval` reads it
 * (ingest/core-posts.ts loadCorePosts), with the same detection parameters and lexicons. Every
 * cluster (fingerprint, members, score) and every alert (members, score) must be the same.
 */

const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');

type Child = ReturnType<typeof startProcess>;

describe('workers agree with eval on debate-d1 (real Postgres and Redis)', () => {
  let t: TestDatabase;
  let q: { prefix: string; cleanup(): Promise<void> };
  const children: Child[] = [];
  let expected: AnalyzeResult;
  let scanWindow: { start: Date; end: Date };
  let lastPost: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    q = testQueuePrefix();
    const env = { DATABASE_URL: t.url, REDIS_URL, QUEUE_PREFIX: q.prefix, DETECT_STREAMING: 'false', SCAN_ROLLING_EVERY_MINUTES: '0', SCAN_DEEP_EVERY_HOURS: '0' };
    // the ingest workers: the file goes through Redis chunk jobs to Postgres
    const ing = await runCli(['ingest', DEBATE, '--no-progress'], env);
    expect(ing.code, ing.stderr).toBe(0);
    children.push(startProcess('workers/scan.ts', [], env));
    const enq = await runCli(['scan', '--all', '--enqueue'], env);
    expect(enq.code, enq.stderr).toBe(0);
    await waitFor('scan completed', async () => Number((await query<{ n: number }>(t.url, `select count(*) n from scan_runs where kind = 'manual' and status = 'completed'`))[0]!.n) === 1, 300_000, 250);
    const [run] = await query<{ window_start: Date; window_end: Date }>(t.url, `select window_start, window_end from scan_runs where kind = 'manual'`);
    scanWindow = { start: new Date(run!.window_start), end: new Date(run!.window_end) };

    // eval's reading and analysis of the same file
    const loaded = await loadCorePosts(DEBATE);
    lastPost = loaded.posts.reduce((m, p) => Math.max(m, p.t), 0);
    expected = analyze({ posts: loaded.posts, accounts: loaded.accounts, narratives: compileNarratives(loadNarrativeLexicons()), now: lastPost }, DEFAULT_DETECTION);
  }, 600_000);
  afterAll(async () => {
    await killAll(children);
    await q?.cleanup();
    await t?.drop();
  });

  it('the scan covers every post of the file', async () => {
    const [r] = await query<{ n: number; lo: Date; hi: Date }>(t.url, `select count(*)::int n, min(posted_at) lo, max(posted_at) hi from posts`);
    expect(r!.n).toBeGreaterThan(0);
    expect(scanWindow.start.getTime()).toBeLessThanOrEqual(new Date(r!.lo).getTime());
    expect(scanWindow.end.getTime()).toBeGreaterThan(new Date(r!.hi).getTime());
    const [s] = await query<{ stats: { posts: number } }>(t.url, `select stats from scan_runs where kind = 'manual'`);
    expect(s!.stats.posts).toBe(r!.n);
  });

  it('the scan stores the clusters eval finds: same fingerprints, members and scores', async () => {
    const rows = await query<{ fingerprint: string; members: string[]; score: number }>(t.url, `select fingerprint, members, score from clusters order by fingerprint`);
    const want = expected.clusters.map((c) => ({ fingerprint: c.id, members: [...c.members].sort(), score: round(c.score.total) })).sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    expect(want.length).toBeGreaterThan(0);
    expect(rows.map((r) => ({ fingerprint: r.fingerprint, members: [...r.members].sort(), score: r.score }))).toEqual(want);
  });

  it('the alerts are eval’s clusters at or above the alert minimum: members and scores', async () => {
    const alerts = await query<{ score: number; members: string }>(
      t.url,
      `select a.score, string_agg(m.account_key, ',' order by m.account_key) members from alerts a join alert_members m on m.alert_id = a.id group by a.id order by 2`,
    );
    // a fresh database: each cluster at or above ALERT_MIN_SCORE (50) opens its own alert unless it overlaps one already opened
    const flagged = expected.clusters.filter((c) => c.score.total >= 50);
    expect(flagged.length).toBeGreaterThan(0);
    const want = flagged.map((c) => ({ score: round(c.score.total), members: [...c.members].sort().join(',') })).sort((a, b) => (a.members < b.members ? -1 : 1));
    expect(alerts.map((a) => ({ score: a.score, members: a.members }))).toEqual(want);
  });
});
