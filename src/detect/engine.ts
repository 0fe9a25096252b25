import { createHash } from 'node:crypto';
import type { AnalyzeParams, AnalyzeResult } from '../core/analyze.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { Edge } from '../core/types.ts';
import { edgeRepository } from '../db/edge-repository.ts';
import { loadAccounts, loadPosts, loadSightings } from './load.ts';
import type { LoadDb } from './load.ts';
import { Phases } from './phases.ts';
import { analyzeWindow, buildWindowEdges, clusterEdges, edgeMinWeight, edgeWindow } from './run-engine.ts';
import type { TimeWindow } from './windows.ts';

/**
 * The CPU-heavy half of detection — loading a window's posts and running the core on them —
 * behind one interface, so it can run on a worker thread (see engine-thread.ts) while the
 * job's own thread keeps renewing its BullMQ lock. Tasks and results are plain data
 * (structured-clonable): no posts cross the thread boundary, only windows in and counts or
 * scored clusters out. The engine writes one thing, a window's edges (an idempotent
 * replace); alerts are written by the caller.
 */

/** A result without the edge list (callers count edges; the list can be large). */
export type EngineResult = Omit<AnalyzeResult, 'edges'>;

export interface WindowEdgesTask {
  /** the posts loaded: the window plus the Δ margin after it */
  range: TimeWindow;
  /** edges whose earlier post is inside this window are kept, and stored as the window's */
  window: TimeWindow;
  params: AnalyzeParams;
  /** the fingerprint of the edges the window's last completed run stored: the same edges are not written again */
  storedHash: string | null;
}

export interface WindowEdgesResult {
  posts: number;
  edges: number;
  /** fingerprint of the edges (kind, pair, weight, strength): a re-run that finds the same edges changes nothing downstream */
  hash: string;
  /** the window's rows were replaced (the edges differ from storedHash) */
  stored: boolean;
  ms: Record<string, number>;
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

export interface ScanTask {
  window: TimeWindow;
  params: AnalyzeParams;
  /** load the stored sightings too (A5, deep scans) */
  sightings: boolean;
  watchlist: string[];
}

export interface ScanTaskResult {
  posts: number;
  accounts: number;
  result: EngineResult;
  ms: Record<string, number>;
}

export interface Engine {
  readonly mode: 'thread' | 'inline';
  windowEdges(task: WindowEdgesTask): Promise<WindowEdgesResult>;
  cluster(task: ClusterTask): Promise<ClusterTaskResult>;
  scan(task: ScanTask): Promise<ScanTaskResult>;
  close(): Promise<void>;
}

export function edgesHash(edges: readonly Edge[], detectorVersion: string): string {
  const h = createHash('sha1').update(detectorVersion).update('\n');
  const rows = edges.map((e) => `${e.kind}\u0000${e.a}\u0000${e.b}\u0000${e.weight}\u0000${e.strength}`).sort();
  for (const r of rows) h.update(r).update('\n');
  return h.digest('hex');
}

const strip = ({ edges: _edges, ...rest }: AnalyzeResult): EngineResult => rest;

/** The engine on the calling thread, over the given database. */
export function inlineEngine(db: LoadDb, narratives: CompiledNarratives | undefined): Engine {
  return {
    mode: 'inline',

    async windowEdges({ range, window, params, storedHash }) {
      const ph = new Phases();
      const loaded = await ph.time('load', () => loadPosts(db, range));
      const edges = await ph.time('edges', () => {
        const t = new Map(loaded.map((p) => [p.key, p.t]));
        const s = window.start.getTime() / 1000;
        const e = window.end.getTime() / 1000;
        // the co-action belongs to the window of its earlier post: adjacent windows do not both claim it
        const inside = (ev: Edge['evidence'][number]) => {
          const first = Math.min(t.get(ev.a_post) ?? Infinity, t.get(ev.b_post) ?? Infinity);
          return first >= s && first < e;
        };
        return buildWindowEdges(loaded, params).filter((x) => x.evidence.some(inside));
      });
      const hash = edgesHash(edges, params.detectorVersion);
      const stored = hash !== storedHash;
      if (stored) await ph.time('store', () => edgeRepository(db.kysely).replaceWindow(window, edges, params.detectorVersion));
      return { posts: loaded.length, edges: edges.length, hash, stored, ms: ph.ms };
    },

    async cluster({ from, end, params, watchlist }) {
      const ph = new Phases();
      const edges = (await ph.time('loadEdges', () => edgeRepository(db.kysely).rolling(from, end))).filter((e) => e.weight >= edgeMinWeight(params));
      if (edges.length === 0) return { edges: 0, accounts: 0, posts: 0, result: null, ms: ph.ms };
      const keys = [...new Set(edges.flatMap((e) => [e.a, e.b]))].sort();
      const posts = await ph.time('loadPosts', () => loadPosts(db, { start: from, end: new Date(end.getTime() + edgeWindow(params) * 1000) }, { accounts: keys }));
      const accounts = await ph.time('loadAccounts', () => loadAccounts(db.kysely, keys));
      const res = await ph.time('engine', () => clusterEdges({ posts, accounts, watchlist, narratives, now: end.getTime() / 1000 }, edges, params));
      return { edges: edges.length, accounts: keys.length, posts: posts.length, result: strip(res), ms: ph.ms };
    },

    async scan({ window, params, sightings, watchlist }) {
      const ph = new Phases();
      const posts = await ph.time('loadPosts', () => loadPosts(db, window));
      const keys = [...new Set(posts.map((p) => p.account))];
      const accounts = await ph.time('loadAccounts', () => loadAccounts(db.kysely, keys));
      const seen = sightings ? await ph.time('loadSightings', () => loadSightings(db.kysely, keys)) : undefined;
      const res = await ph.time('engine', () => analyzeWindow({ posts, accounts, sightings: seen, watchlist, narratives, now: window.end.getTime() / 1000 }, params));
      return { posts: posts.length, accounts: keys.length, result: strip(res), ms: ph.ms };
    },

    async close() {},
  };
}
