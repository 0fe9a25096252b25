import type { ActionIndex } from './actions.ts';

/**
 * Templates: texts that share buttons and apps generate ("I just told @station who I think is
 * winning. Cast your vote now! #Debates …", "I just voted", "I'm watching…"), posted by accounts
 * that have nothing else to do with each other, each at its own moment. Many accounts posting
 * the same words is then no evidence of a network: such a text weighs like a popular object
 * (no rarity, no cohesion) unless its posts are synchronised.
 *
 * A text skeleton is the action index's text key without @handles and digits (share buttons fill
 * those in). Its shares are a template when all of:
 * - at least `minSharers` accounts posted it (a pair's two posts give one gap: nothing to test);
 * - the posts are not synchronised: under independent (Poisson) arrivals of its n sharers over
 *   the span T of the analysed posts, a gap between consecutive shares by different accounts is
 *   ≤ Δ with probability p = 1 − exp(−n Δ / T); X such gaps among N are synchronised when the
 *   binomial tail P(X' ≥ X) ≤ alpha. A ring pasting a text within seconds has X = N (tail
 *   ≈ p^N, tiny); a share button used over an hour has X = 0;
 * - its sharers are unrelated: they have no other object of their own, one that two of them acted
 *   on and at least half of whose sharers are among them. A slow ring pasting texts hours apart
 *   is not synchronised either, but its members share its other texts, links and reposts, which
 *   are theirs; share-button users share at most what a crowd shares (a popular repost of which
 *   they are a few of many). Above maxSharers sharers the text is popular anyway: check skipped.
 */

export interface TemplateOptions {
  minSharers: number;
  alpha: number;
  /** objects with more sharers are popular: rare-object checks skip them */
  maxSharers: number;
}

export const DEFAULT_TEMPLATES: TemplateOptions = { minSharers: 3, alpha: 0.05, maxSharers: 25 };

export function textSkeleton(key: string): string {
  if (isOwnSkeleton(key)) return key;
  return key.replace(/(^|\s)@\S*/gu, ' ').replace(/\p{N}+/gu, ' ').replace(/\s+/gu, ' ').trim();
}

/**
 * Whether textSkeleton leaves the key as it is (most text keys: ASCII words between single
 * spaces): no `@` (no handle to drop), no digit, and no white space but single inner spaces
 * (nothing to collapse or trim). Anything else, non-ASCII included, takes the regexps. One
 * regexp test (a character outside printable ASCII less `@` and the digits, or a space leading,
 * trailing or doubled) is ~4x faster than a charCodeAt loop over 637k keys.
 */
const NOT_OWN_SKELETON_RE = /[^ !-/:-?A-~]|^ | $| {2}/;

function isOwnSkeleton(key: string): boolean {
  return !NOT_OWN_SKELETON_RE.test(key);
}

/** log P(X ≥ x) for X ~ Binomial(N, p), summed directly (N is a number of gaps: small enough). */
function binomialTail(x: number, N: number, p: number): number {
  if (x <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let total = 0;
  let logC = 0;
  for (let k = 0; k <= N; k++) {
    if (k > 0) logC += Math.log((N - k + 1) / k);
    if (k >= x) total += Math.exp(logC + k * Math.log(p) + (N - k) * Math.log(1 - p));
  }
  return Math.min(1, total);
}

/** The `t:` object keys of the index that are templates. */
export function templateObjects(index: ActionIndex, window: number, opts: TemplateOptions = DEFAULT_TEMPLATES): Set<string> {
  let start = Infinity;
  let end = -Infinity;
  for (const ps of index.postsByAccount.values()) {
    if (!ps.length) continue;
    if (ps[0].t < start) start = ps[0].t;
    if (ps[ps.length - 1].t > end) end = ps[ps.length - 1].t;
  }
  const span = end - start;
  const out = new Set<string>();
  if (!(span > 0)) return out;

  // most skeletons have one text key: a list only for those with more
  const bySkeleton = new Map<string, string | string[]>();
  for (const [key, o] of index.objects) {
    if (!key.startsWith('t:') || o.sharers < 1) continue;
    const sk = textSkeleton(key.slice(2));
    if (!sk) continue;
    const l = bySkeleton.get(sk);
    if (l === undefined) bySkeleton.set(sk, key);
    else if (typeof l === 'string') bySkeleton.set(sk, [l, key]);
    else l.push(key);
  }
  for (const ks of bySkeleton.values()) {
    const keys = typeof ks === 'string' ? [ks] : ks;
    // the accounts on the skeleton are at most the sum of each key's: most texts have too few
    let most = 0;
    for (const k of keys) most += index.objects.get(k)!.sharers;
    if (most < opts.minSharers) continue;
    const shares = keys.flatMap((k) => index.objects.get(k)!.shares).sort((a, b) => a.t - b.t || (a.post < b.post ? -1 : 1));
    const sharers = new Set(shares.map((s) => s.account));
    const n = sharers.size;
    if (n < opts.minSharers) continue;
    let N = 0;
    let X = 0;
    for (let i = 1; i < shares.length; i++) {
      if (shares[i].account === shares[i - 1].account) continue;
      N++;
      if (shares[i].t - shares[i - 1].t <= window) X++;
    }
    const p = 1 - Math.exp((-n * window) / span);
    if (binomialTail(X, N, p) <= opts.alpha) continue;
    if (n <= opts.maxSharers && shareOtherOwn(index, sharers, new Set(keys))) continue;
    for (const k of keys) out.add(k);
  }
  return out;
}

/**
 * Whether the accounts have an object of their own besides `own`: one that two or more of them
 * acted on and that belongs mostly to them (at least half of its sharers are among them).
 */
function shareOtherOwn(index: ActionIndex, accounts: ReadonlySet<string>, own: ReadonlySet<string>): boolean {
  const count = new Map<string, number>();
  for (const a of accounts) {
    for (const o of index.objectsOfAccount.get(a) ?? []) {
      if (!own.has(o)) count.set(o, (count.get(o) ?? 0) + 1);
    }
  }
  for (const [o, k] of count) {
    if (k >= 2 && k * 2 >= (index.objects.get(o)?.sharers ?? Infinity)) return true;
  }
  return false;
}
