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

interface Track {
  /** member index */
  m: number;
  t: number;
}

export function nullModelTest(members: readonly string[], index: ActionIndex, opts: NullModelOptions): NullModelResult {
  const idx = new Map(members.map((m, i) => [m, i]));
  // the shared objects and their member shares
  const objects: { weight: number; tracks: Track[] }[] = [];
  const memberSet = new Set(members);
  const candidate = new Set<string>();
  for (const m of members) for (const o of index.objectsOfAccount.get(m) ?? []) candidate.add(o);
  for (const o of [...candidate].sort()) {
    const shares = index.shares.get(o)!;
    const tracks: Track[] = [];
    const who = new Set<number>();
    for (const s of shares) {
      if (!memberSet.has(s.account)) continue;
      const m = idx.get(s.account)!;
      tracks.push({ m, t: s.t });
      who.add(m);
    }
    if (who.size < 2) continue;
    objects.push({ weight: 1 / Math.log2(1 + (index.sharers.get(o) ?? who.size)), tracks });
  }
  const empty: NullModelResult = { observed: 0, expected: 0, sd: 0, z: 0, p: 1, ratio: 0, rounds: 0, objects: 0 };
  if (objects.length === 0) return { ...empty };

  const spans = members.map((m) => {
    const ps = index.postsByAccount.get(m) ?? [];
    const start = ps.length ? ps[0].t : 0;
    const end = ps.length ? ps[ps.length - 1].t : 0;
    return { start, len: Math.max(end - start, opts.minSpan) };
  });

  const observed = coActions(objects, opts.window, null, spans);
  const rng = createRng(`null:${opts.seed}:${members.length}:${members[0]}`);
  const offsets = new Float64Array(members.length);
  let sum = 0;
  let sumSq = 0;
  let atLeast = 0;
  for (let r = 0; r < opts.rounds; r++) {
    for (let i = 0; i < members.length; i++) offsets[i] = rng() * spans[i].len;
    const v = coActions(objects, opts.window, offsets, spans);
    sum += v;
    sumSq += v * v;
    if (v >= observed - 1e-9) atLeast++;
  }
  const expected = sum / opts.rounds;
  const sd = Math.sqrt(Math.max(0, sumSq / opts.rounds - expected * expected));
  const z = (observed - expected) / Math.max(sd, 0.5);
  return {
    observed,
    expected,
    sd,
    z,
    p: (1 + atLeast) / (opts.rounds + 1),
    ratio: observed / Math.max(expected, 0.25),
    rounds: opts.rounds,
    objects: objects.length,
  };
}

function coActions(
  objects: { weight: number; tracks: Track[] }[],
  window: number,
  offsets: Float64Array | null,
  spans: { start: number; len: number }[],
): number {
  let total = 0;
  const pairs = new Set<number>();
  for (const o of objects) {
    const tr = offsets
      ? o.tracks.map((x) => {
          const s = spans[x.m];
          return { m: x.m, t: s.start + ((x.t - s.start + offsets[x.m]) % s.len) };
        })
      : o.tracks.slice();
    tr.sort((a, b) => a.t - b.t);
    pairs.clear();
    for (let i = 0; i < tr.length; i++) {
      for (let j = i + 1; j < tr.length && tr[j].t - tr[i].t <= window; j++) {
        const a = tr[i].m;
        const b = tr[j].m;
        if (a === b) continue;
        pairs.add(a < b ? a * 1048576 + b : b * 1048576 + a);
      }
    }
    total += pairs.size * o.weight;
  }
  return total;
}
