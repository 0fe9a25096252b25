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
  // Each member's first action on each object, read from its own time-sorted posts: a
  // popular object's thousands of shares are never walked for a handful of members.
  const firsts = new Map<string, { members: number[]; times: number[] }>();
  members.forEach((m, i) => {
    const ps = index.postsByAccount.get(m) ?? [];
    const os = index.postObjects.get(m) ?? [];
    for (let n = 0; n < ps.length; n++) {
      const p = ps[n];
      for (const o of os[n]) {
        let f = firsts.get(o);
        if (!f) firsts.set(o, (f = { members: [], times: [] }));
        // members are walked one after another and their posts in time order: the member's
        // first share of o is the one that finds it not yet last in the list
        if (f.members[f.members.length - 1] !== i) {
          f.members.push(i);
          f.times.push(p.t);
        }
      }
    }
  });
  const objects: SharedObject[] = [];
  let work = 0;
  for (const o of [...firsts.keys()].sort()) {
    const f = firsts.get(o)!;
    if (f.members.length < 2) continue;
    objects.push({ weight: 1 / Math.log2(1 + (index.objects.get(o)?.sharers ?? f.members.length)), members: Int32Array.from(f.members), times: Float64Array.from(f.times) });
    work += f.members.length;
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
    for (let i = 0; i < k; i++) {
      if (offsets) {
        const s = spans[o.members[i]];
        scratch[i] = s.start + ((o.times[i] - s.start + offsets[o.members[i]]) % s.len);
      } else scratch[i] = o.times[i];
    }
    let pairs: number;
    if (k === 2) pairs = Math.abs(scratch[1] - scratch[0]) <= window ? 1 : 0;
    else {
      sortPrefix(scratch, k);
      pairs = 0;
      let j = 0;
      for (let i = 1; i < k; i++) {
        while (scratch[i] - scratch[j] > window) j++;
        pairs += i - j;
      }
    }
    total += pairs * o.weight;
  }
  return total;
}

/** Sort the first k values in place: insertion sort for the usual handful, no view allocated. */
function sortPrefix(xs: Float64Array, k: number): void {
  if (k > 24) {
    xs.subarray(0, k).sort();
    return;
  }
  for (let i = 1; i < k; i++) {
    const v = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j] > v) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = v;
  }
}
