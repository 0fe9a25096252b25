import { log10PoissonTail } from '../../cluster/co-set.ts';
import { createRng } from '../../null-model/prng.ts';
import type { CoEvidence, CorePost, Edge } from '../../types.ts';
import type { BatchKindDefinition } from './types.ts';

/**
 * C6 synchrony: two accounts active in the same 30-minute bins, day after day, more often than
 * their own daily rhythms explain. Batch scans (days of posts) call `synchronyEdges`; buildEdges
 * does not (one detection window holds too few days to say anything).
 *
 * Statistic: k = bins (day, half-hour slot) in which both accounts posted, on ≥ minDays days.
 *
 * Null ("shuffled bins"): each account keeps its time-of-day profile (which half-hours it is
 * active in, and on how many days) but its days are permuted at random among the D days of the
 * span. Two night-shift accounts, or two Americans who both tweet at 9 pm, co-occur just as much
 * under this null as in the data: only co-activity tied to the SAME days (a shared schedule, an
 * operator switching a bank of accounts on) is beyond it. Rounds use a seeded PRNG (pure core).
 * The shuffled mean has a closed form, λ = Σ_slot a_slot·b_slot / D (a_slot = days a is active in
 * the slot), used as the Poisson mean; the empirical p is (1 + #rounds ≥ k) / (R + 1).
 *
 * An edge needs both: the Poisson tail of k at λ below α / candidate pairs (Bonferroni, the same
 * family-wise rule as co-set links), and the empirical p at its floor resolution 1/(R+1) × 2 (the
 * shuffles agree that no permutation of days does as well). Candidates are pairs sharing ≥ minBins
 * bins, enumerated over bins with at most maxAccountsPerBin accounts (a bin where everyone posts,
 * the debate's first minute, says nothing about a pair: each such co-occurrence is worth
 * 1/(n − 1) strength, as every other kind's objects are).
 */

export interface SynchronyParams {
  /** bin width in seconds (DESIGN: 30 min) */
  binSeconds: number;
  /**
   * co-active bins must fall on at least this many distinct days: "across days" — two days can be
   * one shared event plus chance; three days is a schedule
   */
  minDays: number;
  /** fewest co-active bins for a candidate pair: more than one per required day (3 days → 4), so one chance bin a day never qualifies */
  minBins: number;
  /** shuffles of one account's days per candidate pair (199: the empirical p resolves 0.01) */
  rounds: number;
  seed: number;
  /** family-wise error rate over candidate pairs (the co-set links' 1 %) */
  alpha: number;
  /** bins with more active accounts do not propose candidates (each co-occurrence there is worth ≤ 1/49) */
  maxAccountsPerBin: number;
  evidenceCap: number;
}

export const DEFAULT_SYNCHRONY: SynchronyParams = {
  binSeconds: 1800,
  minDays: 3,
  minBins: 4,
  rounds: 199,
  seed: 1,
  alpha: 0.01,
  maxAccountsPerBin: 50,
  evidenceCap: 10,
};

export const synchrony: BatchKindDefinition<'synchrony'> = {
  id: 'synchrony',
  mode: 'batch',
  signal: 'C6',
  label: 'active in the same 30-minute bins across days beyond their own daily rhythms (synchronyEdges)',
};

interface Activity {
  /** bin id (day · slots + slot) → first post in it */
  bins: Map<number, { key: string; t: number }>;
  /** by slot: days active in it */
  perSlot: Map<number, number[]>;
}

const DAY = 86400;

export function synchronyEdges(posts: readonly CorePost[], params: SynchronyParams = DEFAULT_SYNCHRONY): Edge[] {
  const slots = Math.max(1, Math.round(DAY / params.binSeconds));
  const binOf = (t: number) => {
    const day = Math.floor(t / DAY);
    const slot = Math.min(slots - 1, Math.floor((t - day * DAY) / params.binSeconds));
    return day * slots + slot;
  };
  const acts = new Map<string, Activity>();
  let dayMin = Infinity;
  let dayMax = -Infinity;
  const sorted = [...posts].filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const p of sorted) {
    let a = acts.get(p.account);
    if (!a) acts.set(p.account, (a = { bins: new Map(), perSlot: new Map() }));
    const b = binOf(p.t);
    if (a.bins.has(b)) continue;
    a.bins.set(b, { key: p.key, t: p.t });
    const day = Math.floor(b / slots);
    const slot = b - day * slots;
    let ds = a.perSlot.get(slot);
    if (!ds) a.perSlot.set(slot, (ds = []));
    ds.push(day);
    if (day < dayMin) dayMin = day;
    if (day > dayMax) dayMax = day;
  }
  const D = dayMax - dayMin + 1;
  if (!(D >= params.minDays)) return [];

  // bins → accounts, for candidate pairs
  const inBin = new Map<number, string[]>();
  const accounts = [...acts.keys()].sort();
  for (const id of accounts) for (const b of acts.get(id)!.bins.keys()) {
    let l = inBin.get(b);
    if (!l) inBin.set(b, (l = []));
    l.push(id);
  }
  const co = new Map<string, number>();
  for (const ids of inBin.values()) {
    if (ids.length < 2 || ids.length > params.maxAccountsPerBin) continue;
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const k = `${ids[i]}\u0000${ids[j]}`;
      co.set(k, (co.get(k) ?? 0) + 1);
    }
  }
  const candidates = [...co].filter(([, n]) => n >= params.minBins).map(([k]) => k).sort();
  if (candidates.length === 0) return [];
  const threshold = Math.log10(params.alpha / candidates.length);
  const rng = createRng(`synchrony:${params.seed}`);
  const perm = new Int32Array(D);
  const out: Edge[] = [];
  for (const key of candidates) {
    const [x, y] = key.split('\u0000');
    const A = acts.get(x)!;
    const B = acts.get(y)!;
    // observed co-active bins, over all bins (crowded ones included: they are part of k and of λ)
    const shared: number[] = [];
    for (const b of B.bins.keys()) if (A.bins.has(b)) shared.push(b);
    const days = new Set(shared.map((b) => Math.floor(b / slots)));
    if (shared.length < params.minBins || days.size < params.minDays) continue;
    let lambda = 0;
    for (const [slot, ds] of B.perSlot) lambda += (ds.length * (A.perSlot.get(slot)?.length ?? 0)) / D;
    const logP = log10PoissonTail(shared.length, lambda);
    if (logP > threshold) continue;
    // shuffled bins: B's days permuted (Fisher–Yates), its time-of-day kept
    let atLeast = 0;
    for (let r = 0; r < params.rounds; r++) {
      for (let i = 0; i < D; i++) perm[i] = i;
      for (let i = D - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      let k = 0;
      for (const [slot, ds] of B.perSlot) {
        for (const d of ds) if (A.bins.has((dayMin + perm[d - dayMin]) * slots + slot)) k++;
      }
      if (k >= shared.length) atLeast++;
    }
    const p = (1 + atLeast) / (params.rounds + 1);
    if (p > 2 / (params.rounds + 1)) continue;
    let strength = 0;
    const evidence: CoEvidence[] = [];
    for (const b of shared.sort((u, v) => u - v)) {
      const n = inBin.get(b)!.length;
      strength += 1 / (n - 1);
      if (evidence.length < params.evidenceCap) {
        const day = Math.floor(b / slots);
        const slot = b - day * slots;
        const at = new Date((day * DAY + slot * params.binSeconds) * 1000).toISOString().slice(0, 16);
        const pa = A.bins.get(b)!;
        const pb = B.bins.get(b)!;
        evidence.push({ a_post: pa.key, b_post: pb.key, dt: Math.abs(pa.t - pb.t), object: `bin ${at}Z (${params.binSeconds / 60} min)` });
      }
    }
    out.push({ a: x, b: y, kind: 'synchrony', weight: shared.length, strength, evidence });
  }
  return out;
}
