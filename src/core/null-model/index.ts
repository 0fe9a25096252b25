import type { ActionIndex } from '../cluster/actions.ts';
import { createRng } from './prng.ts';

export { createRng, hashSeed } from './prng.ts';
export type { Rng } from './prng.ts';

/**
 * How far a cluster's co-actions exceed what the same accounts would produce by chance.
 *
 * Observed: the rarity-weighted number of distinct (member pair, object) co-actions within
 * Δ, over the objects at least two members acted on. Null: each member's timeline is
 * circularly shifted by its own random offset within its own active span (its rhythm and
 * bursts are kept, the alignment with the others is not), R rounds with a seeded PRNG.
 * Only the cluster's posts on its shared objects are touched, so it is cheap.
 */

export interface NullModelOptions {
  /** co-action window Δ in seconds */
  window: number;
  rounds: number;
  seed: number;
  /** floor of an account's active span (s), so one-minute accounts are still shuffled a little */
  minSpan: number;
}

export interface NullModelResult {
  /** weighted co-actions observed */
  observed: number;
  /** mean under the null */
  expected: number;
  sd: number;
  /** (observed − expected) / sd, sd floored */
  z: number;
  /** empirical one-sided p-value, (1 + #null ≥ observed) / (R + 1) */
  p: number;
  /** observed / expected, expected floored at a small value */
  ratio: number;
  rounds: number;
  /** objects at least two members acted on */
  objects: number;
}

interface SharedObject {
  weight: number;
  /** member index of each track (one track per member: its first action on the object) */
  members: Int32Array;
  times: Float64Array;
}

/** Work (track sorts) one test may spend; big crowds get fewer rounds, never fewer than minRounds. */
const WORK_BUDGET = 3_000_000;
const MIN_ROUNDS = 20;

export function nullModelTest(members: readonly string[], index: ActionIndex, opts: NullModelOptions): NullModelResult {
  const idx = new Map(members.map((m, i) => [m, i]));
  const candidate = new Set<string>();
  for (const m of members) for (const o of index.objectsOfAccount.get(m) ?? []) candidate.add(o);
  const objects: SharedObject[] = [];
  let work = 0;
  for (const o of [...candidate].sort()) {
    const first = new Map<number, number>();
    for (const s of index.shares.get(o)!) {
      const m = idx.get(s.account);
      if (m !== undefined && !first.has(m)) first.set(m, s.t); // shares are time-sorted
    }
    if (first.size < 2) continue;
    const ms = Int32Array.from(first.keys());
    const ts = Float64Array.from(first.values());
    objects.push({ weight: 1 / Math.log2(1 + (index.sharers.get(o) ?? first.size)), members: ms, times: ts });
    work += first.size;
  }
  if (objects.length === 0) return { observed: 0, expected: 0, sd: 0, z: 0, p: 1, ratio: 0, rounds: 0, objects: 0 };

  const spans = members.map((m) => {
    const ps = index.postsByAccount.get(m) ?? [];
    const start = ps.length ? ps[0].t : 0;
    const end = ps.length ? ps[ps.length - 1].t : 0;
    return { start, len: Math.max(end - start, opts.minSpan) };
  });
  const maxTracks = objects.reduce((a, o) => Math.max(a, o.times.length), 0);
  const scratch = new Float64Array(maxTracks);

  const observed = coActions(objects, opts.window, null, spans, scratch);
  const rounds = Math.max(Math.min(opts.rounds, MIN_ROUNDS), Math.min(opts.rounds, Math.floor(WORK_BUDGET / Math.max(1, work))));
  const rng = createRng(`null:${opts.seed}:${members.length}:${members[0]}`);
  const offsets = new Float64Array(members.length);
  let sum = 0;
  let sumSq = 0;
  let atLeast = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < members.length; i++) offsets[i] = rng() * spans[i].len;
    const v = coActions(objects, opts.window, offsets, spans, scratch);
    sum += v;
    sumSq += v * v;
    if (v >= observed - 1e-9) atLeast++;
  }
  const expected = sum / rounds;
  const sd = Math.sqrt(Math.max(0, sumSq / rounds - expected * expected));
  return {
    observed,
    expected,
    sd,
    z: (observed - expected) / Math.max(sd, 0.5),
    p: (1 + atLeast) / (rounds + 1),
    ratio: observed / Math.max(expected, 0.25),
    rounds,
    objects: objects.length,
  };
}

/** Σ over objects of weight × member pairs whose (shifted) first actions lie within the window. */
function coActions(
  objects: readonly SharedObject[],
  window: number,
  offsets: Float64Array | null,
  spans: readonly { start: number; len: number }[],
  scratch: Float64Array,
): number {
  let total = 0;
  for (const o of objects) {
    const k = o.times.length;
    const t = scratch.subarray(0, k);
    for (let i = 0; i < k; i++) {
      if (offsets) {
        const s = spans[o.members[i]];
        t[i] = s.start + ((o.times[i] - s.start + offsets[o.members[i]]) % s.len);
      } else t[i] = o.times[i];
    }
    t.sort();
    let pairs = 0;
    let j = 0;
    for (let i = 1; i < k; i++) {
      while (t[i] - t[j] > window) j++;
      pairs += i - j;
    }
    total += pairs * o.weight;
  }
  return total;
}
