import type { AnalyzeInput, AnalyzeParams, PreparedAnalysis } from '../core/analyze.ts';
import {
  analysisEdges,
  analyze,
  analyzePrepared,
  prepareAnalysis,
  prepareClusterInputs,
} from '../core/analyze.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { Edge } from '../core/types.ts';
import {
  buildEdges,
  resolveOptions,
  synchronyEdges,
  TEXT_EDGE_KINDS,
} from '../core/edges/index.ts';
import type { CoActionKind } from '../core/edges/index.ts';
import { dayOf, memoryRows, mergeMemory } from '../core/memory/index.ts';
import type { MemoryParams } from '../core/memory/index.ts';
import { pairMemoryRepository } from '../db/pair-memory-repository.ts';
import type { MessagePort } from 'node:worker_threads';
import type { TimeWindow } from '../core/alerts/windows.ts';
import type { CorePost } from '../core/types.ts';
import { receiveTextPosts, TextPostSender } from './scan-stream.ts';
import { loadAccounts, loadPosts, loadSightings, loadTextPosts } from './load.ts';
import type { LoadDb } from './load.ts';
import { Phases } from './phases.ts';
import { EngineStateError, strip } from './engine-result.ts';
import type { EngineResult } from './engine-result.ts';

/**
 * The engine's batch-scan operations (see engine.ts for the engine and its window
 * operations): a whole window's posts loaded and analysed at once. On the thread engine a
 * scan splits in two (engine-client.ts): one thread builds the text kinds' and co_repost's
 * edges (scanEdges: near-same texts are the costliest kind) while the other loads and prepares the posts,
 * computes what needs the posts but not the edges (templates, co-set links) and builds the
 * other kinds' edges (scanPrepare), then finishes with both (scanFinish). Kinds are built
 * independently of each other, so the edges are the ones one thread would build.
 */

export interface ScanTask {
  window: TimeWindow;
  params: AnalyzeParams;
  /** load the stored sightings too (A5, deep scans) */
  sightings: boolean;
  watchlist: string[];
  /**
   * Deep scans: remember this window's pairs and add the remembered earlier days to the pairs
   * active again (src/core/memory), and add C6 synchrony; null for other scans.
   */
  longHorizon?: MemoryParams | null;
}

export interface ScanTaskResult {
  posts: number;
  accounts: number;
  result: EngineResult;
  ms: Record<string, number>;
}

/** The halves of a scan split over two threads (see threadEngine): the posts' edges on one… */
export interface ScanEdgesTask {
  window: TimeWindow;
  params: AnalyzeParams;
  longHorizon?: MemoryParams | null;
  /** the kinds to build (scanKindSplit's `edges`); all of params.edges.kinds when absent */
  kinds?: CoActionKind[];
  /**
   * the posts as the preparing side reads them (scan-stream.ts; only the light kinds' fields,
   * so `kinds` must be light ones): no read of its own. Absent: the window is loaded here.
   */
  stream?: MessagePort;
}

export interface ScanEdgesResult {
  edges: Edge[];
  /** the posts the edges were built over */
  posts: number;
  ms: Record<string, number>;
}

/** …the posts' preparation on the other, kept under `id` until the edges come (scanFinish). */
export interface ScanPrepareTask extends ScanTask {
  id: number;
  /** the kinds this side builds itself (scanKindSplit's `prepare`); none when absent */
  kinds?: CoActionKind[];
  /** where to stream the posts as they are read, for the edges side (ScanEdgesTask.stream) */
  stream?: MessagePort;
}

/**
 * The kinds whose edges read no more of a post than loadTextPosts loads (key, account, time,
 * text, repost and reply targets): the text kinds and co_repost (its object is the repost target).
 */
const LIGHT_KINDS: ReadonlySet<string> = new Set<string>([...TEXT_EDGE_KINDS, 'co_repost']);

/**
 * Which of a scan's kinds each thread builds: the text kinds (sharing their normalised texts
 * and shingles) and co_repost beside the loading, the rest after the preparation, so the two
 * threads take about as long (the preparation side also builds the action index, templates
 * and co-set links).
 */
export function scanKindSplit(params: AnalyzeParams): {
  edges: CoActionKind[];
  prepare: CoActionKind[];
} {
  const kinds = [...params.edges.kinds];
  return {
    edges: kinds.filter((k) => LIGHT_KINDS.has(k)),
    prepare: kinds.filter((k) => !LIGHT_KINDS.has(k)),
  };
}

/** Edges of some kinds only, as analysisEdges builds them over the prepared (canonical) posts. */
function kindEdges(
  posts: PreparedAnalysis['posts'],
  params: AnalyzeParams,
  kinds: readonly CoActionKind[],
): Edge[] {
  return kinds.length ? buildEdges(posts, { ...params.edges, kinds }) : [];
}

/** Both threads' edges in the order one build gives: kind by kind as requested. */
function mergeKinds(kinds: readonly CoActionKind[], ...parts: (readonly Edge[])[]): Edge[] {
  const byKind = new Map<string, Edge[]>();
  for (const part of parts)
    for (const e of part) {
      let l = byKind.get(e.kind);
      if (!l) byKind.set(e.kind, (l = []));
      l.push(e);
    }
  const out: Edge[] = [];
  for (const k of kinds) for (const e of byKind.get(k) ?? []) out.push(e);
  return out;
}

export interface ScanFinishTask {
  id: number;
  edges: Edge[];
}

/** Edge parameters that keep every pair (weight 1 included): what long-horizon memory remembers. */
function edgesForMemory(params: AnalyzeParams): AnalyzeParams {
  const perKind = Object.fromEntries(
    Object.entries(params.edges.perKind ?? {}).map(([k, o]) => [k, { ...o, minWeight: 1 }]),
  );
  return { ...params, edges: { ...params.edges, minWeight: 1, perKind } };
}

/** The engine's scan operations (each one task and its result; see EngineOps in engine.ts). */
export interface ScanOps {
  scan(task: ScanTask): Promise<ScanTaskResult>;
  scanEdges(task: ScanEdgesTask): Promise<ScanEdgesResult>;
  scanPrepare(task: ScanPrepareTask): Promise<void>;
  scanFinish(task: ScanFinishTask): Promise<ScanTaskResult>;
  /** forget a preparation whose scan failed */
  scanDrop(task: { id: number }): Promise<void>;
}

/** A scan's edges side's edges of its posts: the kinds asked for, every pair kept for a deep scan's memory. */
async function edgesOf(
  posts: readonly CorePost[],
  { params, longHorizon, kinds }: ScanEdgesTask,
  ph: Phases,
): Promise<Edge[]> {
  const p = longHorizon ? edgesForMemory(params) : params;
  return ph.time('edges', () =>
    analysisEdges(posts, kinds ? { ...p, edges: { ...p.edges, kinds } } : p),
  );
}

/**
 * scanEdges over the posts the preparing side streams as it reads them (task.stream): no
 * database of its own (the thread engine's helper opens none for it).
 */
export async function streamedScanEdges(task: ScanEdgesTask & { stream: MessagePort }): Promise<ScanEdgesResult> {
  const { kinds, stream } = task;
  if (!kinds?.every((k) => LIGHT_KINDS.has(k))) {
    stream.close();
    throw new Error(
      `a scan's streamed posts carry only what ${[...LIGHT_KINDS].join(', ')} read: not ${kinds?.join(', ') ?? 'every kind'}`,
    );
  }
  const ph = new Phases();
  const posts = await ph.time('receivePosts', () => receiveTextPosts(stream));
  return { edges: await edgesOf(posts, task, ph), posts: posts.length, ms: ph.ms };
}

/** The scan operations of an engine over the given database. */
export function scanOps(db: LoadDb, narratives: CompiledNarratives | undefined): ScanOps {
  const prepared = new Map<
    number,
    {
      input: AnalyzeInput;
      prep: PreparedAnalysis;
      accounts: number;
      params: AnalyzeParams;
      ph: Phases;
      window: TimeWindow;
      longHorizon: MemoryParams | null;
      /** the edges of the kinds built on this side */
      edges: Edge[];
    }
  >();

  /**
   * A deep scan's edges over the long horizon: every pair it saw (weight 1 included) is
   * remembered per day; the remembered earlier days are added, decayed, to the pairs active
   * again, and each kind's minimum weight cut applies after; C6 synchrony joins.
   */
  async function withLongHorizon(
    input: AnalyzeInput,
    built: readonly Edge[],
    window: TimeWindow,
    params: AnalyzeParams,
    mem: MemoryParams,
    ph: Phases,
  ): Promise<Edge[]> {
    const ro = resolveOptions(params.edges);
    let edges: Edge[];
    if (mem.horizonDays > 0) {
      const times = new Map(input.posts.map((p) => [p.key, p.t]));
      const repo = pairMemoryRepository(db.kysely);
      await ph.time('memory.store', () => repo.remember(memoryRows(built, (k) => times.get(k))));
      const startDay = dayOf(window.start.getTime() / 1000);
      const pairs = [
        ...new Map(
          built
            .map((e) => (e.a < e.b ? { a: e.a, b: e.b } : { a: e.b, b: e.a }))
            .map((p) => [`${p.a}\u0000${p.b}`, p]),
        ).values(),
      ];
      const prior = await ph.time('memory.recall', () =>
        repo.recall(pairs, startDay - mem.horizonDays * 86_400, startDay),
      );
      edges = mergeMemory(
        built,
        prior,
        window.start.getTime() / 1000,
        mem,
        (k) => ro.kind(k as CoActionKind).minWeight,
      ).edges;
    } else {
      edges = built.filter((e) => e.weight >= ro.kind(e.kind as CoActionKind).minWeight);
    }
    const sync = await ph.time('synchrony', () => synchronyEdges(input.posts, params.synchrony));
    return [...edges, ...sync];
  }

  /** The window's posts, each also sent down `stream` as it is read (the edges side's, ended or failed here). */
  async function streamedLoad(window: TimeWindow, stream?: MessagePort): Promise<CorePost[]> {
    if (!stream) return loadPosts(db, window);
    const sender = new TextPostSender(stream);
    try {
      const posts = await loadPosts(db, window, { each: (p) => sender.push(p) });
      sender.end();
      return posts;
    } catch (err) {
      sender.fail(err);
      throw err;
    }
  }

  async function scanInput(
    window: TimeWindow,
    sightings: boolean,
    watchlist: string[],
    ph: Phases,
    stream?: MessagePort,
  ): Promise<{ input: AnalyzeInput; accounts: number }> {
    const posts = await ph.time('loadPosts', () => streamedLoad(window, stream));
    const keys = [...new Set(posts.map((p) => p.account))];
    const accounts = await ph.time('loadAccounts', () => loadAccounts(db.kysely, keys));
    const seen = sightings
      ? await ph.time('loadSightings', () => loadSightings(db.kysely, keys))
      : undefined;
    return {
      input: {
        posts,
        accounts,
        sightings: seen,
        watchlist,
        narratives,
        now: window.end.getTime() / 1000,
      },
      accounts: keys.length,
    };
  }

  return {
    async scan({ window, params, sightings, watchlist, longHorizon }) {
      const ph = new Phases();
      const { input, accounts } = await scanInput(window, sightings, watchlist, ph);
      if (longHorizon) {
        const prep = await ph.time('prepare', () => prepareAnalysis(input, params));
        const built = await ph.time('edges', () =>
          analysisEdges(input.posts, edgesForMemory(params)),
        );
        const edges = await withLongHorizon(input, built, window, params, longHorizon, ph);
        const res = await ph.time('engine', () => analyzePrepared(input, prep, edges, params));
        return { posts: input.posts.length, accounts, result: strip(res), ms: ph.ms };
      }
      const res = await ph.time('engine', () => analyze(input, params));
      return { posts: input.posts.length, accounts, result: strip(res), ms: ph.ms };
    },

    async scanEdges(task) {
      if (task.stream) return streamedScanEdges({ ...task, stream: task.stream });
      const { window, kinds } = task;
      const ph = new Phases();
      // text kinds and co_repost read only the texts and the repost and reply targets: load just those
      const posts = await ph.time('loadPosts', () =>
        kinds?.every((k) => LIGHT_KINDS.has(k)) ? loadTextPosts(db, window) : loadPosts(db, window),
      );
      return { edges: await edgesOf(posts, task, ph), posts: posts.length, ms: ph.ms };
    },

    async scanPrepare({ id, window, params, sightings, watchlist, longHorizon, kinds, stream }) {
      // one scan at a time: a preparation left behind by a failed scan is dropped, not kept
      prepared.clear();
      const ph = new Phases();
      const { input, accounts } = await scanInput(window, sightings, watchlist, ph, stream);
      const prep = await ph.time('prepare', () => prepareAnalysis(input, params));
      const ahead = await ph.time('clusterInputs', () => prepareClusterInputs(prep, params));
      const edges = await ph.time('edgesHere', () =>
        kindEdges(prep.posts, longHorizon ? edgesForMemory(params) : params, kinds ?? []),
      );
      prepared.set(id, {
        input,
        prep: ahead,
        accounts,
        params,
        ph,
        window,
        longHorizon: longHorizon ?? null,
        edges,
      });
    },

    async scanDrop({ id }) {
      prepared.delete(id);
    },

    async scanFinish({ id, edges }) {
      const p = prepared.get(id);
      if (!p)
        throw new EngineStateError(
          `scan ${id} was not prepared on this engine (it restarted?); the job runs again`,
        );
      prepared.delete(id);
      const built = p.edges.length ? mergeKinds(p.params.edges.kinds, edges, p.edges) : edges;
      const all = p.longHorizon
        ? await withLongHorizon(p.input, built, p.window, p.params, p.longHorizon, p.ph)
        : built;
      const res = await p.ph.time('engine', () => analyzePrepared(p.input, p.prep, all, p.params));
      return { posts: p.input.posts.length, accounts: p.accounts, result: strip(res), ms: p.ph.ms };
    },
  };
}
