/**
 * Significance beyond Δ (default mode). A fixed Δ says two actions on one object are
 * coordinated when they are ≤ Δ apart and says nothing otherwise; slow networks (a state
 * operation posting the same rare link hours apart, for weeks) never come within Δ.
 *
 * Null model: the accounts that acted on an object o acted at independent times, uniform over
 * the span T of the analysed posts (o's arrival rate is n_o / T). Two given accounts then come
 * within g of each other with probability p(g) = min(1, 2g / T), and among the C(n_o, 2) pairs
 * of o's sharers E(g) = C(n_o, 2) · p(g) pairs are expected at least that close. A pair's gap g
 * on o is evidence when E(g) ≤ alpha: unlikely for THIS object, given how many shared it. A rare
 * link two accounts posted an hour apart in a week counts (n = 2, T = 7 d: E = 0.012); a post a
 * thousand accounts retweeted in an hour does not (E ≫ 1), it only counts within Δ, at the
 * idf weight 1/(n − 1) every co-action on it has (Pacheco et al.'s TF-IDF: rare objects weigh).
 *
 * Its weight is the co-action's rarity times its timing evidence relative to a co-action at Δ:
 * q(g) = ln(T / 2g) / ln(T / 2Δ) (the surprise −ln p(g) in units of the surprise at Δ; 1 at
 * g = Δ, falling to 0 at g = T/2, where the gap is what chance gives). CooRnet's
 * estimate_coord_interval picks Δ from the data's own gap distribution, Weber & Neumann count
 * co-actions in windows of several sizes: both say the right window depends on the data; this
 * weighs every gap by how surprising it is in this data instead of choosing one.
 *
 * Bounds: only objects with at most maxSharers accounts are paired beyond Δ (E(g) ≤ alpha needs
 * g ≤ alpha · T / (n (n − 1)): for larger n the admissible gap falls under any useful Δ anyway,
 * and pairing them would be quadratic), and gaps beyond `horizon` never count.
 */

export interface SignificanceOptions {
  /** the longest gap (s) that can count; null: the span of the analysed posts */
  horizon: number | null;
  /** objects acted on by more accounts are paired within Δ only */
  maxSharers: number;
  /** most pairs of an object's sharers expected this close by chance for a gap to count */
  alpha: number;
}

export const DEFAULT_SIGNIFICANCE: SignificanceOptions = { horizon: null, maxSharers: 25, alpha: 0.05 };

/** Off unless asked for (config/detection.ts asks): the builder alone keeps Δ's semantics. */
export function resolveSignificance(o: Partial<SignificanceOptions> | null | undefined): SignificanceOptions | null {
  if (o === null || o === undefined) return null;
  const r = { ...DEFAULT_SIGNIFICANCE, ...o };
  // pairs of an object are indexed in 12 bits each (co-action.ts)
  r.maxSharers = Math.min(4000, Math.max(2, Math.floor(r.maxSharers)));
  if (!(r.alpha > 0 && r.alpha < 1)) throw new RangeError(`significance.alpha must be in (0, 1), got ${r.alpha}`);
  if (r.horizon !== null && !(r.horizon >= 0)) throw new RangeError(`significance.horizon must be ≥ 0 or null, got ${r.horizon}`);
  return r;
}

/** The largest gap that counts for an object of n sharers over a span T, or 0 when none beyond Δ can. */
export function admissibleGap(n: number, span: number, o: SignificanceOptions): number {
  if (n < 2 || n > o.maxSharers || !(span > 0)) return 0;
  const g = (o.alpha * span) / (n * (n - 1));
  return Math.min(g, o.horizon ?? span);
}

/** Timing evidence of a gap g relative to one at Δ, in [0, 1] (1 for g ≤ Δ). */
export function timingWeight(g: number, window: number, span: number): number {
  if (g <= window) return 1;
  const at = Math.log(span / (2 * Math.max(window, 1)));
  if (!(at > 0)) return 0;
  const v = Math.log(span / (2 * g)) / at;
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

/** How far apart two posts may be and still be paired, for the text work a kind must do. */
export function reachOf(window: number, span: number, o: SignificanceOptions | null): number {
  return o ? Math.max(window, o.horizon ?? span) : window;
}
