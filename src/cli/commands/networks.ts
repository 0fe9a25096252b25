import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CanonicalAccount, CorePost, Edge } from '../../core/types.ts';
import {
  buildKindEdges,
  CNT_KIND_NAMES,
  CO_ACTION_KINDS,
  edgesToCsv,
  edgesToGraphml,
  EdgeOptionsError,
  parseKinds,
  preparePosts,
  resolveOptions,
  type CoActionKind,
  type EdgeOptions,
} from '../../core/edges/index.ts';
import { INPUT_FORMATS, type InputFormat } from '../../ingest/index.ts';
import { bareKeys, loadCorePosts } from '../../ingest/core-posts.ts';
import { cntNetworks } from '../../ingest/read/cnt-networks.ts';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { runCommand, UsageError } from '../run.ts';
import { n, rate, safe, secs, table } from '../format.ts';

/*
 * The clusters' analysis (narratives, natural) is imported when used: a program that only runs
 * `runNetworks` (bench/networks.ts, tests) does not load it. The runner is cli/run.ts, which loads
 * no service client (cli/context.ts would add config, pg, ioredis and pino: ~50 MB of RSS).
 */

/**
 * `coordwatch networks`: the co-action engine on a file, no services. Writes one CSV per kind and
 * one GraphML with every kind, and prints a one-screen summary.
 *
 * For extension (clusters.json): `runNetworks` returns the loaded posts and accounts, the edges
 * and the step timings; `writeNetworks` writes the edge files. A caller can run both and then
 * cluster `result.edges` over `result.posts` / `result.accounts`.
 */

export const CNT_DEFAULT_KINDS: readonly CoActionKind[] = [
  'co_repost',
  'co_text',
  'co_link',
  'co_similar',
];

export interface NetworksOptions {
  file: string;
  kinds?: readonly CoActionKind[];
  window?: number;
  minWeight?: number;
  similarity?: number;
  compat?: 'cnt' | null;
  format?: InputFormat;
  /** extra edge options (per-kind overrides, caps) */
  edgeOptions?: Partial<EdgeOptions>;
  /**
   * Keep the text of reposts in `result.posts` (default true). No edge kind reads it, so the
   * edges-only command turns it off (on retweet-heavy data it is most of the parsing and memory);
   * anything that scores narratives over all posts keeps it.
   */
  repostText?: boolean;
  /**
   * Memory budget in MiB (`--memory-mb`): under `--compat cnt` with `repostText: false`, input
   * larger than about a quarter of it is hash-partitioned by object into temp files and counted
   * one partition at a time (ingest/read/cnt-networks.ts). The edges are the same.
   */
  memoryMb?: number | null;
  /**
   * partitions (tests force them): spilled with `memoryMb` set, else in memory; default from the
   * input's size and the budget
   */
  partitions?: number;
  /** folder for the spilled partitions (default: the OS temp folder) */
  tmpDir?: string;
}

export interface StepTiming {
  step: string;
  ms: number;
}

export interface NetworksResult {
  /**
   * The posts read. Empty on the columnar `--compat cnt` path (edges only), which holds no post
   * objects: `postCount` counts them either way.
   */
  posts: CorePost[];
  postCount: number;
  /** partitions the columnar path used (1: in memory; undefined: the post-object path) */
  partitions?: number;
  spilledBytes?: number;
  /** how the columnar path read the file (ingest/read/cnt-networks.ts) */
  reader?: string;
  /** platforms of the posts: with one, the files show bare ids (keys are `platform:id` inside) */
  platforms: string[];
  accounts: Map<string, CanonicalAccount>;
  /** all kinds, in kind order */
  edges: Edge[];
  edgesByKind: Map<CoActionKind, Edge[]>;
  kinds: readonly CoActionKind[];
  compat: 'cnt' | null;
  window: number;
  minWeight: number;
  rejected: number;
  duplicates: number;
  format: InputFormat;
  timings: StepTiming[];
}

/** Δ, the minimum edge weight and the near-same threshold as config/detection.ts sets them. */
const DEFAULTS = {
  window: DEFAULT_DETECTION.edges.window!,
  minWeight: DEFAULT_DETECTION.edges.minWeight!,
  similarity: DEFAULT_DETECTION.edges.similarity ?? 0.8,
};

export async function runNetworks(opts: NetworksOptions): Promise<NetworksResult> {
  const compat = opts.compat ?? null;
  const kinds = opts.kinds ?? (compat === 'cnt' ? CNT_DEFAULT_KINDS : CO_ACTION_KINDS);
  // the defaults are config/detection.ts's (DEFAULTS below), never re-stated here
  const window = opts.window ?? DEFAULTS.window;
  const minWeight = opts.minWeight ?? DEFAULTS.minWeight;
  const ro = resolveOptions({
    ...opts.edgeOptions,
    kinds,
    window,
    minWeight,
    similarity: opts.similarity ?? DEFAULTS.similarity,
    compat,
  });
  const timings: StepTiming[] = [];
  const time = <T>(step: string, f: () => T): T => {
    const t0 = performance.now();
    const v = f();
    timings.push({ step, ms: performance.now() - t0 });
    return v;
  };

  if (compat === 'cnt' && opts.repostText === false) {
    // edges only: the columnar engine, no post objects (core/edges/cnt-columns.ts)
    const r = await cntNetworks({
      file: opts.file,
      format: opts.format,
      kinds,
      ro,
      memoryMb: opts.memoryMb,
      partitions: opts.partitions,
      tmpDir: opts.tmpDir,
    });
    const edges: Edge[] = [];
    for (const kind of kinds) for (const e of r.edgesByKind.get(kind) ?? []) edges.push(e);
    return {
      posts: [],
      postCount: r.postCount,
      partitions: r.partitions,
      spilledBytes: r.spilledBytes,
      reader: r.reader,
      platforms: r.platforms,
      accounts: r.accounts,
      edges,
      edgesByKind: r.edgesByKind,
      kinds,
      compat,
      window,
      minWeight,
      rejected: r.rejected,
      duplicates: r.duplicates,
      format: r.format,
      timings: r.timings,
    };
  }
  const t0 = performance.now();
  const loaded = await loadCorePosts(opts.file, {
    format: opts.format,
    repostText: opts.repostText ?? true,
  });
  timings.push({ step: 'load', ms: performance.now() - t0 });
  const prep = time('prepare', () => preparePosts(loaded.posts));
  const edgesByKind = new Map<CoActionKind, Edge[]>();
  const edges: Edge[] = [];
  for (const kind of kinds) {
    const ke = time(kind, () => buildKindEdges(prep, kind, ro));
    edgesByKind.set(kind, ke);
    for (const e of ke) edges.push(e);
  }
  return {
    posts: loaded.posts,
    postCount: loaded.posts.length,
    platforms: loaded.platforms,
    accounts: loaded.accounts,
    edges,
    edgesByKind,
    kinds,
    compat,
    window,
    minWeight,
    rejected: loaded.rejected,
    duplicates: loaded.duplicates,
    format: loaded.format,
    timings,
  };
}

/** File name of a kind's CSV: CNT's network names in compat mode. */
export function kindFileName(kind: CoActionKind, compat: 'cnt' | null): string {
  return `${compat === 'cnt' ? (CNT_KIND_NAMES[kind] ?? kind) : kind}.csv`;
}

/** Writes `<kind>.csv` per kind and `edges.graphml`; returns the paths written. */
export async function writeNetworks(result: NetworksResult, outDir: string): Promise<string[]> {
  await fs.promises.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const t0 = performance.now();
  const shown = shownKeys(result.platforms);
  for (const kind of result.kinds) {
    const file = path.join(outDir, kindFileName(kind, result.compat));
    const csv = edgesToCsv(shown.edges(result.edgesByKind.get(kind) ?? []), {
      compat: result.compat === 'cnt',
      minWeight: result.minWeight,
      edgeType: CNT_KIND_NAMES[kind] ?? kind,
    });
    await fs.promises.writeFile(file, csv);
    written.push(file);
  }
  const graphml = path.join(outDir, 'edges.graphml');
  await fs.promises.writeFile(
    graphml,
    edgesToGraphml(shown.edges(result.edges), shown.accounts(result.accounts)),
  );
  written.push(graphml);
  result.timings.push({ step: 'write', ms: performance.now() - t0 });
  return written;
}

/**
 * Keys are `platform:id` inside; with one platform in play the files show bare ids, as the
 * toolkit's outputs and the labels files do.
 */
function shownKeys(platforms: readonly string[]) {
  const bare = bareKeys(platforms);
  const same = platforms.length !== 1;
  const KEY_FIELDS = new Set([
    'members',
    'flagged_accounts',
    'accounts',
    'account',
    'post',
    'a',
    'b',
    'a_post',
    'b_post',
  ]);
  return {
    edges: (es: readonly Edge[]): readonly Edge[] =>
      same ? es : es.map((e) => ({ ...e, a: bare(e.a), b: bare(e.b) })),
    accounts: <V>(m: ReadonlyMap<string, V>): ReadonlyMap<string, V> =>
      same ? m : new Map([...m].map(([k, v]) => [bare(k), v])),
    /** JSON.stringify replacer: key-valued fields (and lists of them) shown bare */
    json: (key: string, v: unknown): unknown => {
      if (same || !KEY_FIELDS.has(key)) return v;
      if (typeof v === 'string') return bare(v);
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map(bare) : v;
    },
  };
}

export function networksSummary(result: NetworksResult, written: readonly string[]): string {
  const lines: string[] = [];
  const mode =
    result.compat === 'cnt'
      ? 'coordination-network-toolkit compatible (directed weights)'
      : 'coordwatch';
  lines.push(`networks: ${mode}, window ${result.window} s, min weight ${result.minWeight}`);
  const extra = [
    result.rejected > 0 ? `${n(result.rejected)} unreadable` : '',
    result.duplicates > 0 ? `${n(result.duplicates)} repeated ids dropped` : '',
  ]
    .filter(Boolean)
    .join(', ');
  lines.push(
    `input: ${n(result.postCount)} posts by ${n(result.accounts.size)} accounts (${result.format})${extra ? `; ${extra}` : ''}`,
  );
  lines.push('');
  const rows: (string | number)[][] = [['kind', 'edges', 'accounts', 'max weight', 'strength Σ']];
  for (const kind of result.kinds) {
    const es = result.edgesByKind.get(kind) ?? [];
    const members = new Set<string>();
    let maxW = 0;
    let strength = 0;
    for (const e of es) {
      members.add(e.a);
      members.add(e.b);
      if (e.weight > maxW) maxW = e.weight;
      strength += e.strength;
    }
    const name =
      result.compat === 'cnt' && CNT_KIND_NAMES[kind] ? `${kind} (${CNT_KIND_NAMES[kind]})` : kind;
    rows.push([name, es.length, members.size, maxW, Number(strength.toFixed(2))]);
  }
  lines.push(table(rows));
  lines.push('');
  const total = result.timings.reduce((s, t) => s + t.ms, 0);
  lines.push(
    `time: ${result.timings.map((t) => `${t.step} ${secs(t.ms)}`).join(', ')}; total ${secs(total)} (${n(rate(result.postCount, total))} posts/s)`,
  );
  if (result.partitions !== undefined && result.partitions > 1) {
    const spilled = result.spilledBytes ?? 0;
    lines.push(
      `memory: ${result.partitions} partitions per kind, ${spilled > 0 ? `${n(Math.round(spilled / 1e6))} MB spilled to temp files` : 'in memory'}`,
    );
  }
  if (written.length > 0) lines.push(`wrote: ${written.map((w) => safe(w)).join(', ')}`);
  return lines.join('\n') + '\n';
}

interface NetworksFlags {
  clusters?: boolean;
  kinds?: string;
  window: string;
  minWeight: string;
  similarity: string;
  out: string;
  compat?: string;
  format?: string;
  memoryMb?: string;
}

function number(name: string, v: string, integer: boolean): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x)))
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, not "${v}"`);
  return x;
}

export function registerNetworksCommand(program: Command): void {
  program
    .command('networks')
    .description(
      'build co-action networks (coordination edges between accounts) from a file, without services',
    )
    .argument(
      '<file>',
      'posts file (plain or gzip): canonical NDJSON, CNT CSV, or any format `ingest` reads',
    )
    .option(
      '-k, --kinds <list>',
      `comma-separated kinds: ${CO_ACTION_KINDS.join(', ')} (CNT names co_retweet, co_tweet, co_similar_tweet also accepted); default all, or the four CNT kinds with --compat cnt`,
    )
    .option(
      '-w, --window <seconds>',
      'Δ, the co-action window: two actions co-occur when at most this far apart',
      String(DEFAULTS.window),
    )
    .option('--min-weight <n>', 'drop edges below this weight', String(DEFAULTS.minWeight))
    .option(
      '--similarity <x>',
      'Jaccard threshold for near-same text (co_similar, co_reply)',
      String(DEFAULTS.similarity),
    )
    .option('-o, --out <dir>', 'output folder', 'networks')
    .option(
      '--compat <tool>',
      'cnt: reproduce coordination-network-toolkit (directed weights, its text handling, its file names)',
    )
    .option(
      '-f, --format <format>',
      `input format (default: detected): ${INPUT_FORMATS.join(', ')}`,
    )
    .option(
      '--memory-mb <n>',
      'with --compat cnt: memory budget; larger input is partitioned by object into temp files and counted one partition at a time (same edges)',
    )
    .option('--no-clusters', 'edges only: skip clusters.json (communities, scores and reasons)')
    .addHelpText(
      'after',
      '\nWrites one CSV per kind, edges.graphml and (default mode) clusters.json: every cluster with its\n' +
        'score, severity, verdict, score parts and evidence.\nExit codes: 0 done, 2 bad option or unreadable input.',
    )
    .action(async (file: string, flags: NetworksFlags) => {
      await runCommand(() => networksCommand(file, flags));
    });
}

async function networksCommand(file: string, flags: NetworksFlags): Promise<number> {
  if (flags.compat !== undefined && flags.compat !== 'cnt')
    throw new UsageError(`--compat takes "cnt", not "${flags.compat}"`);
  if (flags.format !== undefined && !INPUT_FORMATS.includes(flags.format as InputFormat)) {
    throw new UsageError(
      `unknown --format "${flags.format}"; use one of ${INPUT_FORMATS.join(', ')}`,
    );
  }
  const similarity = number('similarity', flags.similarity, false);
  if (similarity <= 0 || similarity > 1) throw new UsageError('--similarity must be in (0, 1]');
  let kinds: CoActionKind[] | undefined;
  try {
    kinds = flags.kinds ? parseKinds(flags.kinds.split(',')) : undefined;
  } catch (err) {
    if (err instanceof EdgeOptionsError) throw new UsageError(err.message);
    throw err;
  }
  if (kinds && kinds.length === 0) throw new UsageError('--kinds names no kind');
  // clusters need coordwatch's undirected edges; the toolkit's directed weights are for comparison
  const withClusters = flags.clusters !== false && flags.compat !== 'cnt';
  let memoryMb: number | null = null;
  if (flags.memoryMb !== undefined) {
    memoryMb = number('memory-mb', flags.memoryMb, false);
    if (memoryMb <= 0) throw new UsageError('--memory-mb must be > 0');
    if (flags.compat !== 'cnt')
      throw new UsageError(
        '--memory-mb needs --compat cnt (the default mode keeps posts for its clusters)',
      );
  }
  const result = await runNetworks({
    file,
    kinds,
    window: number('window', flags.window, false),
    minWeight: Math.max(1, number('min-weight', flags.minWeight, true)),
    similarity,
    compat: flags.compat === 'cnt' ? 'cnt' : null,
    format: flags.format as InputFormat | undefined,
    // repost text is only needed for the clusters' evidence and narratives
    repostText: withClusters,
    memoryMb,
  });
  const written = await writeNetworks(result, flags.out);
  let clusterLines = '';
  if (withClusters) {
    const t0 = performance.now();
    const out = await clustersOf(result);
    const file = path.join(flags.out, 'clusters.json');
    await fs.promises.writeFile(
      file,
      JSON.stringify(out.json, shownKeys(result.platforms).json, 2) + '\n',
    );
    written.push(file);
    result.timings.push({ step: 'clusters', ms: performance.now() - t0 });
    clusterLines = out.summary;
  }
  process.stdout.write(networksSummary(result, written) + clusterLines);
  return 0;
}

/**
 * Communities, scores and reasons over the edges just built, with the default detection
 * parameters (config/detection.ts) and the shipped narratives.
 */
async function clustersOf(result: NetworksResult): Promise<{ json: unknown; summary: string }> {
  const [{ loadNarrativeLexicons }, { analyzeEdges }, { compileNarratives }] = await Promise.all([
    import('../../../config/narratives.ts'),
    import('../../core/analyze.ts'),
    import('../../core/narratives/index.ts'),
  ]);
  const params = detectionParams({ edges: { window: result.window, minWeight: result.minWeight } });
  let now = 0;
  for (const p of result.posts) if (p.t > now) now = p.t;
  const narratives = compileNarratives(loadNarrativeLexicons());
  const r = analyzeEdges(
    { posts: result.posts, accounts: result.accounts, narratives, now },
    result.edges,
    params,
  );
  const flagged = r.clusters.filter((c) => c.score.total >= params.flagThreshold);
  const json = {
    detector_version: r.detectorVersion,
    flag_threshold: params.flagThreshold,
    flagged_accounts: r.flagged,
    clusters: r.clusters.map((c) => ({
      id: c.id,
      size: c.size,
      score: Number(c.score.total.toFixed(1)),
      severity: c.score.severity,
      verdict: c.score.verdict,
      members: c.members,
      kinds: c.kinds,
      parts: c.score.parts,
      evidence: c.score.evidence,
      narratives: c.narratives,
      null_model: c.nullModel,
      member_details: c.memberDetails,
      stats: c.stats,
    })),
  };
  const lines = [
    '',
    `clusters: ${n(r.clusters.length)} (${n(flagged.length)} at or above ${params.flagThreshold}, ${n(r.flagged.length)} accounts flagged)`,
  ];
  for (const c of r.clusters.slice(0, 8)) {
    lines.push(
      `  ${c.score.total.toFixed(0).padStart(3)} ${c.score.severity.padEnd(8)} ${String(c.size).padStart(4)} accounts  ${safe(c.score.verdict, 110)}`,
    );
  }
  if (r.clusters.length > 8) lines.push(`  … ${n(r.clusters.length - 8)} more in clusters.json`);
  return { json, summary: lines.join('\n') + '\n' };
}
