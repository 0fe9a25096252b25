import { buildActionIndex } from '../core/cluster/index.ts';
import type { ActionOptions } from '../core/cluster/index.ts';
import type { CoEvidence, CorePost, Edge, EdgeKind } from '../core/types.ts';

/**
 * A stand-in edge builder (exact shared objects within Δ) used only while the core's own
 * `src/core/edges` is not there; run-engine.ts prefers the core's. Objects acted on by more
 * than `maxSharers` accounts are skipped: the viral case is the real builder's job.
 */
const KIND_OF: Record<string, EdgeKind> = { r: 'co_repost', t: 'co_text', u: 'co_link', h: 'co_hashtag_seq', m: 'co_media' };

export function fallbackEdges(posts: readonly CorePost[], opts: { window: number; minWeight: number; kinds: EdgeKind[] }, actions: ActionOptions, maxSharers = 200): Edge[] {
  const index = buildActionIndex([...posts], actions);
  const kinds = new Set(opts.kinds);
  const pairs = new Map<string, { a: string; b: string; kind: EdgeKind; objects: Set<string>; strength: number; evidence: CoEvidence[] }>();
  for (const [object, shares] of index.shares) {
    const kind = KIND_OF[object.slice(0, 1)];
    if (!kind || !kinds.has(kind)) continue;
    const sharers = index.sharers.get(object) ?? 0;
    if (sharers < 2 || sharers > maxSharers) continue;
    const w = 1 / Math.log2(1 + sharers);
    for (let i = 0; i < shares.length; i++) {
      for (let j = i + 1; j < shares.length && shares[j]!.t - shares[i]!.t <= opts.window; j++) {
        const x = shares[i]!;
        const y = shares[j]!;
        if (x.account === y.account) continue;
        const [a, b] = x.account < y.account ? [x, y] : [y, x];
        const key = `${kind}\u0000${a.account}\u0000${b.account}`;
        let p = pairs.get(key);
        if (!p) pairs.set(key, (p = { a: a.account, b: b.account, kind, objects: new Set(), strength: 0, evidence: [] }));
        if (p.objects.has(object)) continue;
        p.objects.add(object);
        p.strength += w;
        if (p.evidence.length < 10) p.evidence.push({ a_post: a.post, b_post: b.post, dt: Math.abs(y.t - x.t), object });
      }
    }
  }
  const out: Edge[] = [];
  for (const p of pairs.values()) {
    if (p.objects.size < opts.minWeight) continue;
    out.push({ a: p.a, b: p.b, kind: p.kind, weight: p.objects.size, strength: p.strength, evidence: p.evidence });
  }
  return out.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : x.kind < y.kind ? -1 : 1));
}
