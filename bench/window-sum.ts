/**
 * Could a batch scan take its edges from the detection windows' stored edges instead of
 * building them from the window's posts (issue 13's "reuse stored edges")? This measures what
 * that would find. For each file it builds:
 * - the scan's edges: each epoch-aligned `--scan-hours` window of the file (24, the rolling
 *   scan's default) analysed whole (analysisEdges, the shipped detection defaults), as a
 *   rolling scan over it builds them;
 * - the windows' edges: epoch-aligned windows of `--window-minutes` (the live default, 10),
 *   each over its posts and the Δ margin after it, claimed as a live run claims them
 *   (windowEdges: the co-action belongs to the window of its earlier post), then summed per pair
 *   and kind and cut at the minimum weight, as the cluster step reads stored edges
 *   (edgeRepository.rolling). Stored as the windows store them (each window's own minimum
 *   weight cut), and with every pair kept (weight 1 too: what a store of uncut pairs would hold).
 * Printed: how many of the scan's edges each sum finds, with the same weight, and the rows a
 * store would hold. Not a test: it prints numbers, it asserts nothing.
 *
 *   npm run bench:window-sum [-- --window-minutes 10 --scan-hours 24] [file …]
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import path from 'node:path';
import { DEFAULT_DETECTION } from '../config/detection.ts';
import { analysisEdges } from '../src/core/analyze.ts';
import type { AnalyzeParams } from '../src/core/analyze.ts';
import { canonicalOrder } from '../src/core/posts.ts';
import type { CorePost, Edge } from '../src/core/types.ts';
import { windowEdges } from '../src/detect/engine.ts';
import { loadCorePosts } from '../src/ingest/core-posts.ts';
import { sharedDataDir } from '../src/shared-data.ts';

const DATA = sharedDataDir(path.resolve(import.meta.dirname, '..'));
const args = process.argv.slice(2);
const opt = (name: string, dflt: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt;
const windowMinutes = opt('--window-minutes', 10);
const scanHours = opt('--scan-hours', 24);
const files = args.filter(
  (a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')),
);
const inputs = files.length
  ? files
  : [
      `${DATA}/debate-d1/posts.ndjson.gz`,
      `${DATA}/debate-d2/posts.ndjson.gz`,
      `${DATA}/ira-2016q4/posts.ndjson.gz`,
    ];

const key = (e: Pick<Edge, 'kind' | 'a' | 'b'>) => `${e.kind}\u0000${e.a}\u0000${e.b}`;

/** The detection defaults with every pair kept (weight 1 included), as long-horizon memory keeps them. */
function uncut(p: AnalyzeParams): AnalyzeParams {
  const perKind = Object.fromEntries(
    Object.entries(p.edges.perKind ?? {}).map(([k, o]) => [k, { ...o, minWeight: 1 }]),
  );
  return { ...p, edges: { ...p.edges, minWeight: 1, perKind } };
}

/** Each window's claimed edges, summed per pair and kind. */
function summedWindows(
  posts: readonly CorePost[],
  params: AnalyzeParams,
  delta: number,
): { sums: Map<string, number>; rows: number; windows: number } {
  const span = windowMinutes * 60;
  const sums = new Map<string, number>();
  let rows = 0;
  let windows = 0;
  let i = 0;
  while (i < posts.length) {
    const ws = Math.floor(posts[i]!.t / span) * span;
    const we = ws + span;
    let j = i;
    while (j < posts.length && posts[j]!.t < we + delta) j++;
    const range = posts.slice(i, j);
    const mine = windowEdges(analysisEdges(range, params), range, {
      start: new Date(ws * 1000),
      end: new Date(we * 1000),
    });
    rows += mine.length;
    windows++;
    for (const e of mine) sums.set(key(e), (sums.get(key(e)) ?? 0) + e.weight);
    while (i < posts.length && posts[i]!.t < we) i++;
  }
  return { sums, rows, windows };
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)} %` : '-');

/** The posts of each epoch-aligned scan window (canonical order). */
function scanWindows(posts: readonly CorePost[]): CorePost[][] {
  const span = scanHours * 3600;
  const out: CorePost[][] = [];
  let cur: CorePost[] = [];
  let end = -Infinity;
  for (const p of posts) {
    if (p.t >= end) {
      if (cur.length) out.push(cur);
      cur = [];
      end = (Math.floor(p.t / span) + 1) * span;
    }
    cur.push(p);
  }
  if (cur.length) out.push(cur);
  return out;
}

for (const file of inputs) {
  const { posts: loaded } = await loadCorePosts(file);
  const params = DEFAULT_DETECTION;
  const delta = params.edges.window ?? 60;
  const minWeight = params.edges.minWeight ?? 2;
  const scansOf = scanWindows([...loaded].sort(canonicalOrder));
  const t0 = performance.now();
  // edges keyed by scan window too: the same pair in two scans is two scan edges
  const scan = new Map<string, Edge>();
  scansOf.forEach((ps, n) => {
    for (const e of analysisEdges(ps, params)) scan.set(`${n}\u0000${key(e)}`, e);
  });
  const scanMs = performance.now() - t0;
  console.log(
    `${path.relative(DATA, file)}: ${loaded.length.toLocaleString('en')} posts in ${scansOf.length} scan windows of ${scanHours} h; the scans' edges: ${scan.size.toLocaleString('en')} (built in ${(scanMs / 1000).toFixed(1)} s)`,
  );
  for (const [label, p] of [
    ['stored as windows store them (each cut at the min weight)', params],
    ['every pair stored (weight 1 too)', uncut(params)],
  ] as const) {
    const t1 = performance.now();
    let found = 0;
    let sameWeight = 0;
    let extra = 0;
    let rows = 0;
    let windows = 0;
    scansOf.forEach((ps, n) => {
      const r = summedWindows(ps, p, delta);
      rows += r.rows;
      windows += r.windows;
      for (const [k, w] of r.sums) {
        if (w < minWeight) continue;
        const e = scan.get(`${n}\u0000${k}`);
        if (!e) extra++;
        else {
          found++;
          if (e.weight === w) sameWeight++;
        }
      }
    });
    const ms = performance.now() - t1;
    console.log(
      `  ${windowMinutes}-minute windows, ${label}: ${windows.toLocaleString('en')} windows, ${rows.toLocaleString('en')} stored rows (${(ms / 1000).toFixed(1)} s); ` +
        `summed and cut: ${found.toLocaleString('en')} of the scans' edges (${pct(found, scan.size)}), ${sameWeight.toLocaleString('en')} with their weight (${pct(sameWeight, scan.size)}), ${extra} the scans do not have`,
    );
  }
}
