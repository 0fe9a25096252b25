import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { edgesOfClusters } from '../../src/core/alerts/edges.ts';
import { analyze } from '../../src/core/analyze.ts';
import type { Db } from '../../src/db/connection.ts';
import { reviewRepository } from '../../src/db/review-repository.ts';
import { loadAccounts, loadPosts } from '../../src/detect/load.ts';
import { DATA, runCli } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * The analyst's network picture draws the edges the detector built for the alert — kinds,
 * weights — and nothing re-derived: a scan of the debate night, then every alert's picture
 * against its stored edges and against the core's own edges for the same clusters.
 */

const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');
const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

describe('the network picture is the detector’s edges', () => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = { DATABASE_URL: t.url, DETECT_STREAMING: 'false' };
    const ing = await runCli(['ingest', DEBATE, '--no-progress'], env);
    expect(ing.code, ing.stderr).toBe(0);
    const scan = await runCli(['scan', '--all', '--json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    db = await t.open();
  }, 240_000);

  afterAll(async () => {
    await db?.close();
    await t?.drop();
  });

  it('every alert’s graph edges equal its stored edges, and those equal the core’s edges among the cluster’s members', async () => {
    const alerts = await db.kysely.selectFrom('alerts').select(['id']).orderBy('id').execute();
    expect(alerts.length).toBeGreaterThan(0);
    const run = await db.kysely.selectFrom('scan_runs').select(['window_start', 'window_end']).where('kind', '=', 'manual').executeTakeFirstOrThrow();

    // the core over the same window, as the engine runs it
    const w = { start: new Date(run.window_start), end: new Date(run.window_end) };
    const posts = await loadPosts(db, w);
    const accounts = await loadAccounts(db.kysely, posts.map((p) => p.account));
    const res = analyze({ posts, accounts, watchlist: [], now: w.end.getTime() / 1000 }, DEFAULT_DETECTION);
    const core = edgesOfClusters(res.clusters, res.edges);
    const coreAll = new Set(res.edges.map((e) => `${pairKey(e.a, e.b)} ${e.kind}`));

    const review = reviewRepository(db.kysely);
    let drawn = 0;
    for (const { id } of alerts) {
      const stored = await db.kysely.selectFrom('alert_edges').select(['account_a', 'account_b', 'kind', 'weight']).where('alert_id', '=', id).execute();
      const g = await review.graph(id);
      expect(g.source).toBe('stored');
      // the picture: one edge per stored pair, its kinds and summed weight
      const byPair = new Map<string, { kinds: string[]; weight: number }>();
      for (const r of stored) {
        const k = pairKey(r.account_a, r.account_b);
        const p = byPair.get(k) ?? { kinds: [], weight: 0 };
        p.kinds.push(r.kind);
        p.weight += r.weight;
        byPair.set(k, p);
      }
      expect(g.edges).toHaveLength(byPair.size);
      for (const e of g.edges) {
        const p = byPair.get(pairKey(e.a, e.b));
        expect(p, `alert ${id}: drawn edge ${e.a}–${e.b} is not stored`).toBeDefined();
        expect(e.kinds).toEqual([...p!.kinds].sort());
        expect(e.weight).toBe(p!.weight);
      }
      // every stored edge is one the core built, with the same weight, for this alert's cluster
      const clusters = await db.kysely.selectFrom('clusters').select('fingerprint').where('alert_id', '=', id).execute();
      const fromCore = new Map<string, number>();
      for (const c of clusters) for (const e of core[c.fingerprint] ?? []) fromCore.set(`${pairKey(e.a, e.b)} ${e.kind}`, Math.max(fromCore.get(`${pairKey(e.a, e.b)} ${e.kind}`) ?? 0, e.weight));
      for (const r of stored) {
        const k = `${pairKey(r.account_a, r.account_b)} ${r.kind}`;
        expect(coreAll.has(k), `alert ${id}: stored edge ${k} was never built by the detector`).toBe(true);
        expect(fromCore.get(k), `alert ${id}: ${k}`).toBe(r.weight);
      }
      expect(stored.length).toBe(fromCore.size);
      drawn += g.edges.length;
    }
    expect(drawn).toBeGreaterThan(0);
  }, 120_000);
});
