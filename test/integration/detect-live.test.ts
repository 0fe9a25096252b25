import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { compileNarratives } from '../../src/core/narratives/index.ts';
import { simulate } from '../../src/core/simulate/index.ts';
import type { CanonicalPost } from '../../src/core/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { ingestRepository } from '../../src/db/ingest-repository.ts';
import { inlineEngine } from '../../src/detect/engine.ts';
import type { Engine, WindowTask, WindowTaskResult } from '../../src/detect/engine.ts';
import { loadLivePosts } from '../../src/detect/live-load.ts';
import type { LivePosts } from '../../src/detect/live-load.ts';
import { loadPosts } from '../../src/detect/load.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

// A live window's runs read only the posts ingested since the last one (live-load.ts): each
// run must see exactly the posts, edges and cluster step a run from scratch sees, whatever
// arrives late, whatever ingest transaction is still open at a read, and across an engine
// restart; a state that missed rows (ids wrapped, say) is caught by the range's count.
const W = { start: new Date('2026-11-02T12:00:00Z'), end: new Date('2026-11-02T12:01:00Z') };
const RANGE = { start: W.start, end: new Date(W.end.getTime() + 60_000) };
const HORIZON_FROM = new Date(W.end.getTime() - 10 * 60_000);

/** simulated posts with campaigns, squeezed into the window and its Δ margin in their order */
function posts(): CanonicalPost[] {
  const sim = simulate({
    seed: 5,
    days: 1,
    organicAccounts: 300,
    posts: 3000,
    campaigns: 3,
    campaignSize: 6,
    wavesPerDay: 48,
  });
  const out: CanonicalPost[] = [];
  for (const p of sim.posts()) {
    out.push(p);
    if (out.length === 3000) break;
  }
  const span = RANGE.end.getTime() - RANGE.start.getTime() - 1000;
  return out.map((p, i) => ({
    ...p,
    posted_at: new Date(
      RANGE.start.getTime() + Math.floor(((i / out.length) * span) / 1000) * 1000,
    ).toISOString(),
  }));
}

const comparable = (r: WindowTaskResult) => ({
  posts: r.posts,
  edges: r.edges,
  hash: r.hash,
  same: r.same,
  cluster: r.cluster && { ...r.cluster, ms: null },
});

describe('a live window read incrementally', () => {
  let tdb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('gives each run the posts, edges and cluster step of a full recompute (late posts, an open transaction, a restart)', async () => {
    const all = posts();
    // arrival order: mostly in time, but a slice of early posts lands late (after later ones)
    const late = all.filter((_, i) => i % 10 === 3 && i < 1500);
    const onTime = all.filter((p) => !late.includes(p));
    const chunks: CanonicalPost[][] = [];
    for (let i = 0; i < onTime.length; i += 500) chunks.push(onTime.slice(i, i + 500));
    chunks.splice(4, 0, late.slice(0, 80));
    chunks.push(late.slice(80));
    const repo = ingestRepository(db.kysely);
    const batchId = await repo.createBatch({ source: 'test', format: 'sim', fileName: null });
    const narratives = compileNarratives(loadNarrativeLexicons());
    const params = DEFAULT_DETECTION;
    const task: WindowTask = {
      range: RANGE,
      window: W,
      params,
      storedHash: null,
      from: HORIZON_FROM,
      cluster: true,
      watchlist: [],
    };

    let live: Engine = inlineEngine(db, narratives);
    let state: LivePosts | null = null;
    const incremental: boolean[] = [];
    const engineIncremental: boolean[] = [];
    let clustered = 0;
    expect(chunks).toHaveLength(8);
    for (let seq = 0; seq < chunks.length; seq++) {
      await repo.writeChunk({ batchId, seq, posts: chunks[seq]!, rejected: [] });
      // an ingest transaction open across this step's reads (begun before them), committed after
      const open = seq === 5 ? await db.pool!.connect() : null;
      if (open) {
        // (under a savepoint, as ingest writes: the rows' xmin is a subtransaction's)
        await open.query('begin');
        await open.query('select txid_current()');
        await open.query('savepoint s');
        for (const p of chunks[seq]!.slice(0, 20))
          await open.query(
            `insert into posts (platform, post_id, account_id, posted_at, text, lang) values ($1, $2, $3, $4, $5, 'en')`,
            [
              p.platform,
              `${p.post_id}-straggler`,
              p.account.id,
              p.posted_at,
              `${p.text ?? ''} again`,
            ],
          );
      }
      // an engine restart: its kept posts are gone
      if (seq === 3) live = inlineEngine(db, narratives);
      // a kept state that would miss this step's rows: the count must catch it
      if (seq === 7) state = { ...state!, xmin: state!.xmin + 1_000_000 };

      const reference = await loadPosts(db, RANGE);
      const r = await loadLivePosts(db, db.pool!, RANGE, state);
      state = r.state;
      incremental.push(r.incremental);
      expect(r.posts).toEqual(reference);

      const scratch = inlineEngine(db, narratives);
      const full = await scratch.window(task);
      await scratch.storeWindow({
        window: W,
        hash: full.hash,
        detectorVersion: params.detectorVersion,
      });
      const run = await live.window(task);
      await live.storeWindow({
        window: W,
        hash: run.hash,
        detectorVersion: params.detectorVersion,
      });
      expect(comparable(run)).toEqual(comparable(full));
      expect(run.posts).toBe(reference.length);
      engineIncremental.push(run.load!.incremental);
      if (run.cluster?.result?.clusters.length) clustered++;
      if (open) {
        await open.query('commit');
        open.release();
      }
    }
    // the runs did reuse their posts (else this test compares two full reads), the open
    // transaction's rows came in the next read, the state missing rows was read whole, and
    // the campaigns were found
    expect(await loadPosts(db, RANGE)).toHaveLength(all.length + 20);
    expect(incremental).toEqual(chunks.map((_, i) => i > 0 && i !== 7));
    expect(engineIncremental).toEqual(chunks.map((_, i) => i > 0 && i !== 3));
    expect(clustered).toBeGreaterThan(0);
  });
});
