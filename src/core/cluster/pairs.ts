import type { ActionIndex } from './actions.ts';
import { log10PoissonTail } from './co-set.ts';

/**
 * Pairs: two accounts that share objects no one else shared, more of them than their activity
 * explains, are a network of two (a pair of IRA accounts reposting the same 8 posts nobody else
 * touched). Clusters under minSize are dropped except such pairs.
 *
 * Null: the configuration model of co-set links, restricted to exclusive objects (acted on by
 * exactly two accounts): with d = distinct objects of an account and S = Σ_o n_o, the expected
 * number of objects a and b alone share is λ = d_a · d_b · 2 E₂ / S² (E₂ = exclusive objects).
 * k counts distinct actions (a post with a text, a link and a hashtag sequence is one). A pair
 * is kept when it shares k ≥ minExclusive of them and P(Poisson(λ) ≥ k) ≤ alpha / M,
 * M = pairs sharing any exclusive object (Bonferroni, as co-set links).
 */

export interface PairOptions {
  enabled: boolean;
  /** fewest objects only the two shared */
  minExclusive: number;
  /** family-wise error rate over the candidate pairs */
  alpha: number;
}

export interface ExclusivePairs {
  /** distinct actions on objects only the pair acted on (0 when it is not a candidate) */
  count(a: string, b: string): number;
  /** whether the pair passes the test */
  strong(a: string, b: string): boolean;
}

const key = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function exclusivePairs(index: ActionIndex, opts: PairOptions, skip?: ReadonlySet<string>): ExclusivePairs {
  let total = 0;
  let exclusive = 0;
  // per pair: the distinct posts of each side on exclusive objects. One post carries several
  // objects (its text, its hashtag sequence, its link): the pair's count is its distinct
  // actions, min(a's posts, b's posts), not its objects.
  const sides = new Map<string, { a: Set<string>; b: Set<string> }>();
  for (const [o, x] of index.objects) {
    total += x.sharers;
    if (x.sharers !== 2 || skip?.has(o)) continue;
    exclusive++;
    const first = x.shares[0];
    const other = x.shares.find((s) => s.account !== first.account);
    if (!other) continue;
    const [pa, pb] = first.account < other.account ? [first, other] : [other, first];
    const k = key(pa.account, pb.account);
    let side = sides.get(k);
    if (!side) sides.set(k, (side = { a: new Set(), b: new Set() }));
    side.a.add(pa.post);
    side.b.add(pb.post);
  }
  const counts = new Map<string, number>();
  for (const [k, side] of sides) counts.set(k, Math.min(side.a.size, side.b.size));
  const q = total > 0 ? (2 * exclusive) / (total * total) : 0;
  const threshold = Math.log10(opts.alpha / Math.max(1, counts.size));
  const memo = new Map<string, boolean>();
  return {
    count: (a, b) => counts.get(key(a, b)) ?? 0,
    strong(a, b) {
      const k = key(a, b);
      let v = memo.get(k);
      if (v === undefined) {
        const n = counts.get(k) ?? 0;
        const lambda = (index.objectsOfAccount.get(a)?.size ?? 0) * (index.objectsOfAccount.get(b)?.size ?? 0) * q;
        v = n >= opts.minExclusive && log10PoissonTail(n, lambda) <= threshold;
        memo.set(k, v);
      }
      return v;
    },
  };
}
