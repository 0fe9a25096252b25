import type { ActionIndex } from './actions.ts';

/**
 * Co-set links: two accounts that acted on the same *rarely shared* objects, again and
 * again, anywhere in the window. The Δ-window edges catch lock-step action; this catches
 * the ring that works through the same short list of obscure posts over half an hour
 * (on a debate night, nine accounts reposting the same six posts nobody else touched).
 *
 * A pair is linked when it shares more rare objects than its two activity levels explain:
 * under a configuration model where each account draws its objects in proportion to their
 * popularity, the expected number of shared rare objects is λ = d_a · d_b · Σ n_o(n_o−1) / S²
 * (d = distinct objects of an account, n_o = accounts on object o, S = Σ n_o), and the
 * pair's count k is tested against Poisson(λ) with a Bonferroni bound over the candidate
 * pairs. Heavy users who happen to overlap a little are not linked; three accounts that do
 * nothing but the same five obscure reposts are.
 *
 * Only objects with few sharers are paired, so the cost is bounded by
 * Σ min(n, maxSharers)² over objects, never by the number of posts squared.
 */

export interface CoSetOptions {
  /** objects acted on by more accounts than this are too common to pair over a whole window */
  maxSharers: number;
  /** distinct shared rare objects a pair needs (repetition, DESIGN: min weight 2) */
  minShared: number;
  /** family-wise error rate over the candidate pairs */
  alpha: number;
}

export interface CoSetLink {
  a: string;
  b: string;
  /** the shared rare objects, sorted */
  shared: string[];
  /** Σ over shared objects of 1/(sharers − 1): the same resource-allocation scale as an edge's strength */
  strength: number;
  /** Jaccard overlap of the two accounts' whole object sets, 0..1 */
  overlap: number;
  /** expected shared rare objects under the configuration model */
  expected: number;
  /** −log10 of the Poisson tail probability of sharing this many */
  surprise: number;
}

/** log10 P(X ≥ k) for X ~ Poisson(λ), stable for tiny λ and large k. */
export function log10PoissonTail(k: number, lambda: number): number {
  if (k <= 0) return 0;
  if (lambda <= 0) return -Infinity;
  // log of the j = k term, then sum the (quickly shrinking) terms after it
  let logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
  let sum = 1;
  let ratio = 1;
  for (let j = k + 1; j < k + 1000; j++) {
    ratio *= lambda / j;
    sum += ratio;
    if (ratio < 1e-16 * sum) break;
  }
  logTerm += Math.log(sum);
  return Math.min(0, logTerm / Math.LN10);
}

function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n < 64) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  // Stirling with the first correction term
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n);
}

export function coSetLinks(index: ActionIndex, opts: CoSetOptions, skip?: ReadonlySet<string>): CoSetLink[] {
  let total = 0;
  let rareSq = 0;
  for (const { sharers: n } of index.objects.values()) {
    total += n;
    if (n >= 2 && n <= opts.maxSharers) rareSq += n * (n - 1);
  }
  if (total === 0 || rareSq === 0) return [];
  const q = rareSq / (total * total);

  // pairs by their first account, then their second (accounts sorted): the account strings
  // are hashed once, where a joined key would be built and hashed for every object of a pair
  const pairs = new Map<string, Map<string, string[]>>();
  let pairCount = 0;
  for (const [obj, { shares, sharers: n }] of index.objects) {
    if (n < 2 || n > opts.maxSharers || skip?.has(obj)) continue;
    const accounts = [...new Set(shares.map((s) => s.account))].sort();
    for (let i = 0; i < accounts.length; i++) {
      let withA = pairs.get(accounts[i]);
      if (!withA) pairs.set(accounts[i], (withA = new Map()));
      for (let j = i + 1; j < accounts.length; j++) {
        // made with its first object: a first push onto [] reserves 16 slots
        const l = withA.get(accounts[j]);
        if (l) l.push(obj);
        else {
          withA.set(accounts[j], [obj]);
          pairCount++;
        }
      }
    }
  }
  const threshold = Math.log10(opts.alpha / Math.max(1, pairCount));
  const out: CoSetLink[] = [];
  for (const [a, withA] of pairs) {
    for (const [b, shared] of withA) {
      if (shared.length < opts.minShared) continue;
      const sa = index.objectsOfAccount.get(a)!;
      const sb = index.objectsOfAccount.get(b)!;
      const expected = sa.size * sb.size * q;
      const logP = log10PoissonTail(shared.length, expected);
      if (logP > threshold) continue;
      let inter = 0;
      const [small, large] = sa.size <= sb.size ? [sa, sb] : [sb, sa];
      for (const o of small) if (large.has(o)) inter++;
      let strength = 0;
      for (const o of shared) strength += 1 / (index.objects.get(o)!.sharers - 1);
      out.push({
        a,
        b,
        shared: shared.sort(),
        strength,
        overlap: inter / (sa.size + sb.size - inter),
        expected,
        surprise: -logP,
      });
    }
  }
  out.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  return out;
}
