import type { ActionIndex } from './actions.ts';

/**
 * Co-set links: two accounts that acted on the same *rarely shared* objects, again and
 * again, anywhere in the window. The Δ-window edges catch lock-step action; this catches
 * the ring that works through the same short list of obscure posts over half an hour
 * (on a debate night, nine accounts reposting the same six posts nobody else touched).
 * Only objects with few sharers are paired, so the cost is bounded by
 * Σ min(n, maxSharers)² over objects, never by the number of posts squared.
 */

export interface CoSetOptions {
  /** objects acted on by more accounts than this are too common to pair over a whole window */
  maxSharers: number;
  /** distinct shared rare objects a pair needs (repetition, DESIGN: min weight 2) */
  minShared: number;
  /** Jaccard overlap of the two accounts' object sets a pair needs */
  minOverlap: number;
}

export interface CoSetLink {
  a: string;
  b: string;
  /** the shared rare objects, sorted */
  shared: string[];
  /** Jaccard overlap of the two accounts' whole object sets, 0..1 */
  overlap: number;
}

export function coSetLinks(index: ActionIndex, opts: CoSetOptions): CoSetLink[] {
  const pairs = new Map<string, string[]>();
  for (const [obj, n] of index.sharers) {
    if (n < 2 || n > opts.maxSharers) continue;
    const accounts = [...new Set(index.shares.get(obj)!.map((s) => s.account))].sort();
    for (let i = 0; i < accounts.length; i++) {
      for (let j = i + 1; j < accounts.length; j++) {
        const k = `${accounts[i]}\u0000${accounts[j]}`;
        let l = pairs.get(k);
        if (!l) pairs.set(k, (l = []));
        l.push(obj);
      }
    }
  }
  const out: CoSetLink[] = [];
  for (const [k, shared] of pairs) {
    if (shared.length < opts.minShared) continue;
    const [a, b] = k.split('\u0000');
    const sa = index.objectsOfAccount.get(a)!;
    const sb = index.objectsOfAccount.get(b)!;
    let inter = 0;
    const [small, large] = sa.size <= sb.size ? [sa, sb] : [sb, sa];
    for (const o of small) if (large.has(o)) inter++;
    const overlap = inter / (sa.size + sb.size - inter);
    if (overlap < opts.minOverlap) continue;
    out.push({ a, b, shared: shared.sort(), overlap });
  }
  out.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  return out;
}
