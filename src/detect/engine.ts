import { createHash } from 'node:crypto';
import type { AnalyzeMemo, AnalyzeParams } from '../core/analyze.ts';
import type { CorePost } from '../core/types.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { Edge } from '../core/types.ts';
import { edgeRepository } from '../db/edge-repository.ts';
import { loadAccounts, loadPosts } from './load.ts';
import type { LoadDb } from './load.ts';
import { edgeParams } from './params.ts';
import { Phases } from './phases.ts';
import { analyzeEdges } from '../core/analyze.ts';
import { dedupePosts, memoTextKey } from '../core/cluster/index.ts';
import { buildEdges } from '../core/edges/index.ts';
import type { TextMemo } from '../core/edges/index.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { copyWindowEdges } from './edge-store.ts';
import { loadLivePosts } from './live-load.ts';
import { GenerationalMap } from './live-memo.ts';
import type { LivePosts } from './live-load.ts';
import { EngineStateError, strip } from './engine-result.ts';
import type { EngineResult } from './engine-result.ts';
import { scanOps } from './scan-engine.ts';
import type {
  ScanEdgesResult,
  ScanEdgesTask,
  ScanFinishTask,
  ScanPrepareTask,
  ScanTask,
  ScanTaskResult,
} from './scan-engine.ts';

export { EngineStateError } from './engine-result.ts';
export type { EngineResult } from './engine-result.ts';
export type {
  ScanEdgesResult,
  ScanEdgesTask,
  ScanFinishTask,
  ScanPrepareTask,
  ScanTask,
  ScanTaskResult,
} from './scan-engine.ts';

/**
 * The CPU-heavy half of detection — loading a window's posts and running the core on them —
 * behind one interface, so it can run on a worker thread (see engine-thread.ts) while the
 * job's own thread keeps renewing its BullMQ lock. Tasks and results are plain data
 * (structured-clonable): no posts cross the thread boundary, only windows in and counts or
 * scored clusters out. The engine writes one thing, a window's edges (an idempotent
 * replace); alerts are written by the caller.
 */

export interface WindowTask {
  /** the posts loaded: the window plus the Δ margin after it */
  range: TimeWindow;
  /** edges whose earlier post is inside this window are the window's */
  window: TimeWindow;
  params: AnalyzeParams;
  /** the fingerprint of the edges the window's last completed run stored: the same edges need nothing more */
  storedHash: string | null;
  /** the cluster step's horizon: the stored edges of windows starting in [from, window end), this window's fresh */
  from: Date;
  /** run the cluster step (false: an earlier window of the horizon is still running; its run re-steps this one) */
  cluster: boolean;
  watchlist: string[];
}

export interface WindowTaskResult {
  posts: number;
  edges: number;
  /** fingerprint of the edges (kind, pair, weight, strength, detector version) */
  hash: string;
  /** the edges equal storedHash's: no cluster step ran and nothing is to be stored */
  same: boolean;
  /** the cluster step over the horizon with this window's fresh edges (null when same, deferred or no edges) */
  cluster: ClusterTaskResult | null;
  ms: Record<string, number>;
  /** rows read from Postgres for the window's posts, and whether the last run's posts were reused */
  load?: { read: number; incremental: boolean };
}

export interface StoreTask {
  window: TimeWindow;
  /** the hash a window task returned: its edges are the ones written */
  hash: string;
  detectorVersion: string;
}

export interface ClusterTask {
  /** the stored edges of windows starting in [from, end) */
  from: Date;
  end: Date;
  params: AnalyzeParams;
  watchlist: string[];
}

export interface ClusterTaskResult {
  edges: number;
  accounts: number;
  posts: number;
  /** null when the horizon holds no edges */
  result: EngineResult | null;
  ms: Record<string, number>;
}

/**
 * The engine's operations — each one task type and its result — in one table that the inline
 * engine implements, the worker thread dispatches and the thread client forwards.
 */
export interface EngineOps {
  /** a window's edges, then (unless they are the stored ones) the cluster step with them; the edges wait for storeWindow */
  window: [WindowTask, WindowTaskResult];
  /** write the edges of the last window task of this window (its rows replaced) */
  storeWindow: [StoreTask, number];
  cluster: [ClusterTask, ClusterTaskResult];
  scan: [ScanTask, ScanTaskResult];
  scanEdges: [ScanEdgesTask, ScanEdgesResult];
  scanPrepare: [ScanPrepareTask, void];
  scanFinish: [ScanFinishTask, ScanTaskResult];
  /** forget a preparation whose scan failed */
  scanDrop: [{ id: number }, void];
  /** get ready (start the thread, open its connections) before the first task needs it */
  warm: [void, void];
}
export type EngineOp = keyof EngineOps;
export const ENGINE_OPS = [
  'window',
  'storeWindow',
  'cluster',
  'scan',
  'scanEdges',
  'scanPrepare',
  'scanFinish',
  'scanDrop',
  'warm',
] as const satisfies readonly EngineOp[];

export type Engine = { readonly mode: 'thread' | 'inline'; close(): Promise<void> } & {
  [K in EngineOp]: (task: EngineOps[K][0]) => Promise<EngineOps[K][1]>;
};

export function edgesHash(edges: readonly Edge[], detectorVersion: string): string {
  const h = createHash('sha1').update(detectorVersion).update('\n');
  const rows = edges
    .map((e) => `${e.kind}\u0000${e.a}\u0000${e.b}\u0000${e.weight}\u0000${e.strength}`)
    .sort();
  for (const r of rows) h.update(r).update('\n');
  return h.digest('hex');
}

/** windows whose edges may wait for their store at once (a few live windows, with margin) */
const PENDING_WINDOWS = 8;
/**
 * entries of each cache generation kept between window runs (live-memo.ts; at most twice
 * this, a few hundred MB): a busy window's distinct texts (10,000 posts/s: up to ~1.2 M posts
 * in a 1-minute window and its margin) still hit after the limit
 */
const MEMO_LIMIT = 600_000;
/** live windows whose posts are kept between runs, and the most posts kept in all */
const LIVE_WINDOWS = 3;
const LIVE_POSTS_LIMIT = 1_500_000;

/**
 * texts whose derived facts (normalised text, word count, shingles, LSH band keys) are kept
 * between window runs in each generation (text-memo.ts; ~0.3 KB each, at most twice this)
 */
const TEXT_FACTS_LIMIT = 400_000;

/** Co-action edges of a window's posts (repeated captures dropped first, as the engine does). */
function buildWindowEdges(
  posts: readonly CorePost[],
  params: AnalyzeParams,
  textKeys?: Map<string, string>,
  texts?: TextMemo,
): Edge[] {
  return buildEdges(
    params.dedupe ? dedupePosts(posts, memoTextKey(textKeys)) : posts,
    params.edges,
    texts,
  );
}

/**
 * The edges of `built` (from `posts`) that are the window's: the co-action belongs to the
 * window of its earlier post, so adjacent windows do not both claim it. Posts are in
 * canonical (time) order; when none is before the window's start (a window task's range
 * starts there), an evidence pair's earlier post is inside the window unless both posts lie
 * at or past its end, so only those (a suffix of the posts: the Δ margin) are looked up.
 */
export function windowEdges(built: Edge[], posts: readonly CorePost[], window: TimeWindow): Edge[] {
  const s = window.start.getTime() / 1000;
  const e = window.end.getTime() / 1000;
  if (posts.length === 0 || posts[0]!.t >= s) {
    let i = posts.length;
    while (i > 0 && posts[i - 1]!.t >= e) i--;
    if (i === posts.length) return built;
    const margin = new Set<string>();
    for (let k = i; k < posts.length; k++) margin.add(posts[k]!.key);
    return built.filter((x) => x.evidence.some((ev) => !(margin.has(ev.a_post) && margin.has(ev.b_post))));
  }
  const t = new Map(posts.map((p) => [p.key, p.t]));
  const inside = (ev: Edge['evidence'][number]) => {
    const first = Math.min(t.get(ev.a_post) ?? Infinity, t.get(ev.b_post) ?? Infinity);
    return first >= s && first < e;
  };
  return built.filter((x) => x.evidence.some(inside));
}

/** The engine on the calling thread, over the given database. */
export function inlineEngine(
  db: LoadDb,
  narratives: CompiledNarratives | undefined,
  /** keepPosts false: every window run reads its posts whole (the reference the bench compares with) */
  opts: { keepPosts?: boolean } = {},
): Engine {
  // Edges of window tasks waiting for storeWindow, by window start: the job writes its
  // alerts first, so a window's alerts never wait on rewriting its rows. On Postgres the
  // write starts as soon as the edges are known, on a connection of its own, while the
  // cluster step works (it reads the other windows' rows and takes this one's from memory):
  // the rewrite (1-2 s for 50-110k edges, mostly the server's index work) is off the run's
  // path, and storeWindow waits for what is left of it. A run that fails after its write
  // leaves the window's rows as its edges (a later run or the retry replaces them, as it
  // replaces any run's); a window's writes never overlap (each waits for the one before).
  const pending = new Map<
    number,
    { hash: string; edges: Edge[]; write: Promise<number> | null; version: string }
  >();
  // A live window is analysed again and again over mostly the same posts: text keys and
  // narrative matches are kept between its runs (bounded; scans do not use them).
  const memo: Required<AnalyzeMemo> = {
    textKeys: new GenerationalMap(MEMO_LIMIT),
    narratives: new GenerationalMap(MEMO_LIMIT),
  };
  // and what the text kinds derive from a text (the same edges; scans do not use it either)
  const texts: TextMemo = new GenerationalMap(TEXT_FACTS_LIMIT);
  const scans = scanOps(db, narratives);
  // The posts of the last few windows run, by window start, so a window's next run reads only
  // what landed since (live-load.ts); a window no longer run ages out.
  const live = new Map<number, LivePosts>();
  async function loadWindow(
    range: TimeWindow,
    ws: number,
  ): Promise<{ posts: CorePost[]; load?: WindowTaskResult['load'] }> {
    if (db.kind !== 'postgres' || !db.pool || opts.keepPosts === false)
      return { posts: await loadPosts(db, range) };
    const prev = live.get(ws) ?? null;
    live.delete(ws);
    const r = await loadLivePosts(db, db.pool, range, prev);
    if (r.state) live.set(ws, r.state);
    let kept = 0;
    for (const s of live.values()) kept += s.posts.length;
    for (const [k, s] of live) {
      if (live.size <= LIVE_WINDOWS && kept <= LIVE_POSTS_LIMIT) break;
      if (k === ws && live.size === 1) break;
      live.delete(k);
      kept -= s.posts.length;
    }
    return { posts: r.posts, load: { read: r.read, incremental: r.incremental } };
  }

  /**
   * The posts of some accounts over [from, to): with `have`, the posts of every account over a
   * range ending at `to` already loaded (a window run's), only the part before it is read and
   * the rest is taken from `have` (the same rows, as one read of the whole range gives; a post
   * landing between the two reads is the window's next run's, as it is for its edges).
   */
  async function postsOf(
    keys: string[],
    from: Date,
    to: Date,
    have?: { range: TimeWindow; posts: readonly CorePost[] },
  ): Promise<CorePost[]> {
    if (
      !have ||
      have.range.end.getTime() !== to.getTime() ||
      have.range.start.getTime() <= from.getTime()
    )
      return loadPosts(db, { start: from, end: to }, { accounts: keys });
    const wanted = new Set(keys);
    const before = await loadPosts(db, { start: from, end: have.range.start }, { accounts: keys });
    // canonical order: every post before the range's start sorts before every post in it
    for (const p of have.posts) if (wanted.has(p.account)) before.push(p);
    return before;
  }

  async function clusterOver(
    from: Date,
    end: Date,
    params: AnalyzeParams,
    watchlist: string[],
    fresh?: { windowStart: Date; edges: Edge[] },
    have?: { range: TimeWindow; posts: readonly CorePost[] },
  ): Promise<ClusterTaskResult> {
    const ph = new Phases();
    const edges = (
      await ph.time('loadEdges', () => edgeRepository(db.kysely).rolling(from, end, fresh))
    ).filter((e) => e.weight >= edgeParams(params).minWeight);
    if (edges.length === 0) return { edges: 0, accounts: 0, posts: 0, result: null, ms: ph.ms };
    const keys = [...new Set(edges.flatMap((e) => [e.a, e.b]))].sort();
    const posts = await ph.time('loadPosts', () =>
      postsOf(keys, from, new Date(end.getTime() + edgeParams(params).delta * 1000), have),
    );
    const accounts = await ph.time('loadAccounts', () => loadAccounts(db.kysely, keys));
    const res = await ph.time('engine', () =>
      analyzeEdges(
        { posts, accounts, watchlist, narratives, now: end.getTime() / 1000, memo },
        edges,
        params,
      ),
    );
    return {
      edges: edges.length,
      accounts: keys.length,
      posts: posts.length,
      result: strip(res),
      ms: ph.ms,
    };
  }

  return {
    mode: 'inline',

    async window({ range, window, params, storedHash, from, cluster: step, watchlist }) {
      const ph = new Phases();
      const ws = window.start.getTime();
      const { posts: loaded, load } = await ph.time('load', () => loadWindow(range, ws));
      const edges = await ph.time('edges', () => {
        const built = buildWindowEdges(loaded, params, memo.textKeys, texts);
        return ph.time('edges.claim', () => windowEdges(built, loaded, window));
      });
      const hash = edgesHash(edges, params.detectorVersion);
      const base = { posts: loaded.length, edges: edges.length, hash, load };
      if (hash === storedHash) return { ...base, same: true, cluster: null, ms: ph.ms };
      const before = pending.get(ws)?.write;
      const pool = db.kind === 'postgres' ? db.pool : null;
      const write = pool
        ? (async () => {
            await before?.catch(() => {});
            return copyWindowEdges(pool, window, edges, params.detectorVersion);
          })()
        : null;
      // its failure is storeWindow's to report; a run that fails before then leaves it unobserved
      write?.catch(() => {});
      pending.delete(ws);
      pending.set(ws, { hash, edges, write, version: params.detectorVersion });
      // a run that failed before its store leaves its edges behind: only the latest few are kept
      while (pending.size > PENDING_WINDOWS) pending.delete(pending.keys().next().value!);
      const cluster = step
        ? await clusterOver(
            from,
            window.end,
            params,
            watchlist,
            { windowStart: window.start, edges },
            { range, posts: loaded },
          )
        : null;
      return { ...base, same: false, cluster, ms: ph.ms };
    },

    async storeWindow({ window, hash, detectorVersion }) {
      const p = pending.get(window.start.getTime());
      if (!p || p.hash !== hash)
        throw new EngineStateError(
          `no edges of window ${window.start.toISOString()} wait to be stored (the engine restarted?); the job runs again`,
        );
      // the early write used the window task's detector version (the job passes the same one here)
      const early = p.write && p.version === detectorVersion ? p.write : null;
      if (p.write && !early) await p.write.catch(() => {});
      const n = early
        ? await early
        : await edgeRepository(db.kysely).replaceWindow(window, p.edges, detectorVersion);
      if (pending.get(window.start.getTime()) === p) pending.delete(window.start.getTime());
      return n;
    },

    cluster: ({ from, end, params, watchlist }) => clusterOver(from, end, params, watchlist),

    ...scans,

    async warm() {},

    async close() {},
  };
}
