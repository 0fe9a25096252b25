import type { Edge, EdgeKind } from '../types.ts';

/**
 * Long-horizon pair memory (DESIGN: "evidence accumulates"). A network that co-acts once or
 * twice a week never reaches the minimum edge weight inside one scan's window, yet over a month
 * its pairs share as much as a burst network does in an hour. Each deep scan remembers the
 * co-actions it saw, per pair, kind and UTC day (its *every* edge, weight 1 included), and adds
 * what earlier days remembered, decayed, to the pairs it sees active again.
 *
 * The decay is a half-life h: a co-action d days before the window counts 2^(−d/h), and the
 * decayed count is taken in whole co-actions (floored). The default h is twice the deep scan's
 * span (14 days for 7): a remembered co-action keeps at least half its weight while it is at
 * most two deep windows old, so a pair that co-acts once a week reaches the minimum weight of 2
 * in its third week (1 now + ⌊2^(−½) + 2^(−1)⌋ = 1 + ⌊1.21⌋), while one co-action a month
 * before never lifts a pair (⌊2^(−30/14)⌋ = 0) and a network must keep co-acting to stay
 * visible. Memory never makes a pair out of nothing: only pairs with a
 * co-action inside the window are lifted, so every edge keeps evidence an analyst can read,
 * and the cluster's score still needs the corroboration its parts demand (timing, rarity,
 * account signals). Pure: the caller loads and stores the rows.
 */

export interface MemoryRow {
  /** account keys, a < b */
  a: string;
  b: string;
  kind: EdgeKind;
  /** UTC day, epoch seconds of its midnight */
  day: number;
  weight: number;
  strength: number;
}

export interface MemoryParams {
  /** days for a remembered co-action to count half */
  halfLifeDays: number;
  /** how many days before the window are read (older rows count < 2^(−horizon/h)) */
  horizonDays: number;
}

const DAY = 86_400;
export const dayOf = (t: number) => Math.floor(t / DAY) * DAY;

/**
 * The rows a scan remembers: one per pair, kind and day of the pair's earliest co-action of
 * that edge (a scan's edge is attributed to the day its evidence starts; its weight and
 * strength to that day). `timeOf` gives a post's time (epoch seconds).
 */
export function memoryRows(edges: readonly Edge[], timeOf: (postKey: string) => number | undefined): MemoryRow[] {
  const out: MemoryRow[] = [];
  for (const e of edges) {
    let first = Infinity;
    for (const ev of e.evidence) first = Math.min(first, timeOf(ev.a_post) ?? Infinity, timeOf(ev.b_post) ?? Infinity);
    if (!Number.isFinite(first)) continue;
    const [a, b] = e.a < e.b ? [e.a, e.b] : [e.b, e.a];
    out.push({ a, b, kind: e.kind, day: dayOf(first), weight: e.weight, strength: e.strength });
  }
  return out;
}

export interface MergeResult {
  edges: Edge[];
  /** edges whose weight memory raised */
  lifted: number;
}

/**
 * The window's edges with the remembered ones of earlier days added (decayed to the window's
 * start), then cut at each kind's minimum weight. Rows of days inside the window are ignored:
 * the window's own edges already hold them.
 */
export function mergeMemory(
  edges: readonly Edge[],
  rows: readonly MemoryRow[],
  windowStart: number,
  params: MemoryParams,
  minWeightOf: (kind: EdgeKind) => number,
): MergeResult {
  const startDay = dayOf(windowStart);
  const prior = new Map<string, { weight: number; strength: number; days: number }>();
  for (const r of rows) {
    if (r.day >= startDay || r.day < startDay - params.horizonDays * DAY) continue;
    const age = (startDay - r.day) / DAY;
    const f = Math.pow(2, -age / params.halfLifeDays);
    const k = `${r.kind}\u0000${r.a}\u0000${r.b}`;
    const p = prior.get(k) ?? { weight: 0, strength: 0, days: 0 };
    p.weight += r.weight * f;
    p.strength += r.strength * f;
    p.days++;
    prior.set(k, p);
  }
  const out: Edge[] = [];
  let lifted = 0;
  for (const e of edges) {
    const [a, b] = e.a < e.b ? [e.a, e.b] : [e.b, e.a];
    const p = prior.get(`${e.kind}\u0000${a}\u0000${b}`);
    // weights are counts of co-actions: remembered ones count in whole units once decayed
    const add = p ? Math.floor(p.weight + 1e-9) : 0;
    const merged = add > 0 ? { ...e, weight: e.weight + add, strength: e.strength + p!.strength } : e;
    if (merged.weight < minWeightOf(e.kind)) continue;
    if (add > 0 && e.weight < minWeightOf(e.kind)) lifted++;
    out.push(merged);
  }
  return { edges: out, lifted };
}
