import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { compileNarratives } from '../../src/core/narratives/index.ts';
import type { CompiledNarratives } from '../../src/core/narratives/index.ts';
import type { AnalyzeParams } from '../../src/core/analyze.ts';
import type { Db } from '../../src/db/connection.ts';
import { loadPosts, loadTextPosts } from '../../src/detect/load.ts';
import { scanKindSplit, scanOps } from '../../src/detect/scan-engine.ts';
import type { ScanTask } from '../../src/detect/scan-engine.ts';
import { deepParams } from '../../src/detect/scan.ts';
import { writeSimulatedWindow } from '../helpers/scan-window.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * A scan split over two threads (text kinds' edges on one; the preparation, templates, co-set
 * links and the other kinds' edges on the other) gives exactly what one thread analysing the
 * whole window at once gives: the same clusters, scores, explanations, account signals and
 * stats, for rolling and deep scans. Simulated organic posts with planted campaigns, real
 * Postgres; the window read once and streamed to the edges side, as the thread engine does,
 * and read by each side (the rolling scan). (The thread engine's own scan, which runs these
 * operations on two threads, is exercised by every scan of the integration tests, e.g.
 * pair-memory and shadow, and by scan-stream.)
 */

let tdb: TestDatabase;
let db: Db;
let narratives: CompiledNarratives;
const window = { start: new Date(0), end: new Date(0) };

/** Maps and sets as entries, so the comparison sees their contents and order. */
const plain = (x: unknown) =>
  JSON.parse(
    JSON.stringify(x, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)),
  );

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  narratives = compileNarratives(loadNarrativeLexicons());
  const w = await writeSimulatedWindow(
    db,
    {
      seed: 5,
      days: 1,
      organicAccounts: 250,
      posts: 5_000,
      campaigns: 4,
      campaignSize: 8,
      wavesPerDay: 48,
    },
    (posts) => {
      // and a few replies to one post, twice each minute apart (the simulator writes none)
      const base = posts[100]!;
      for (let i = 0; i < 8; i++) {
        const at = new Date(
          Date.parse(base.posted_at) + (i % 2) * 60_000 + Math.floor(i / 2) * 20_000,
        ).toISOString();
        posts.push({
          ...base,
          post_id: `reply-${i}`,
          posted_at: at,
          text: `this is exactly what they will not tell you about the count ${i % 2}`,
          repost_of: null,
          reply_to: 'target-1',
          account: { ...base.account, id: `replier-${Math.floor(i / 2)}` },
        });
      }
    },
  );
  Object.assign(window, w.window);
}, 120_000);

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

async function oneThread(task: ScanTask) {
  return plain((await scanOps(db, narratives).scan(task)).result);
}

/**
 * The split as the thread engine runs it: by default the preparing side reads the window and
 * streams it to the edges side (scan-stream.ts); `stream: false`, each side loads it itself.
 */
async function split(task: ScanTask, { stream = true } = {}) {
  const ops = scanOps(db, narratives);
  const kinds = scanKindSplit(task.params);
  const ch = stream ? new MessageChannel() : null;
  const [built] = await Promise.all([
    ops.scanEdges({
      window: task.window,
      params: task.params,
      longHorizon: task.longHorizon ?? null,
      kinds: kinds.edges,
      stream: ch?.port2,
    }),
    ops.scanPrepare({ ...task, id: 1, kinds: kinds.prepare, stream: ch?.port1 }),
  ]);
  const res = await ops.scanFinish({ id: 1, edges: built.edges });
  expect(built.posts).toBe(res.posts);
  return plain(res.result);
}

describe('a scan split over two threads', () => {
  it('splits the kinds: text kinds and co_repost on one side, the others on the other, each once', () => {
    const s = scanKindSplit(DEFAULT_DETECTION);
    expect(s.edges).toEqual(
      expect.arrayContaining(['co_text', 'co_similar', 'co_reply', 'co_repost']),
    );
    expect(s.prepare).toEqual(expect.arrayContaining(['co_link', 'co_hashtag_seq']));
    expect([...s.edges, ...s.prepare].sort()).toEqual([...DEFAULT_DETECTION.edges.kinds].sort());
  });

  it('loads for the text kinds the same posts, in the same order, with what they read', async () => {
    const full = await loadPosts(db, window);
    const text = await loadTextPosts(db, window);
    const fields = (p: (typeof full)[number]) => [
      p.key,
      p.account,
      p.t,
      p.text,
      p.repost_of,
      p.reply_to,
    ];
    expect(text.map(fields)).toEqual(full.map(fields));
    expect(full.some((p) => p.repost_of) && full.some((p) => p.reply_to)).toBe(true);
    expect(
      text.every((p) => p.urls.length === 0 && p.hashtags.length === 0 && !p.objects?.length),
    ).toBe(true);
  });

  it('finds the rolling scan of one thread: clusters, scores, signals, stats', async () => {
    const task: ScanTask = {
      window,
      params: DEFAULT_DETECTION,
      sightings: false,
      watchlist: [],
      longHorizon: null,
    };
    const ref = await oneThread(task);
    // the set exercises what the split moves: several kinds on both sides, templates, co-set links
    expect(ref.clusters.length).toBeGreaterThan(2);
    expect(ref.stats.flaggedClusters).toBeGreaterThan(0);
    expect(ref.stats.coSetLinks).toBeGreaterThan(0);
    expect(
      Object.keys(ref.stats.edgesByKind).filter((k) =>
        ['co_text', 'co_similar', 'co_reply'].includes(k),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      Object.keys(ref.stats.edgesByKind).filter(
        (k) => !['co_text', 'co_similar', 'co_reply'].includes(k),
      ).length,
    ).toBeGreaterThan(0);
    expect(await split(task)).toEqual(ref);
    expect(await split(task, { stream: false })).toEqual(ref);
  }, 90_000);

  it('finds the deep scan of one thread (all accounts signals, sightings, synchrony)', async () => {
    const params: AnalyzeParams = deepParams(DEFAULT_DETECTION);
    const task: ScanTask = {
      window,
      params,
      sightings: true,
      watchlist: [],
      longHorizon: { horizonDays: 0, halfLifeDays: 14 },
    };
    expect(await split(task)).toEqual(await oneThread(task));
  }, 60_000);
});
