import { buildEdges } from '../edges/index.ts';
import { objectsOf } from '../cluster/index.ts';
import type { ActionOptions } from '../cluster/index.ts';
import { normaliseUrl } from '../url.ts';
import type { CorePost } from '../types.ts';

/**
 * The evidence ceiling of a labelled set: the positive accounts that share at least one
 * object — the same or near-same text, a link, a repost target, a reply target, an ordered
 * hashtag sequence, a media hash — with another positive account, at any time gap. A
 * co-action method can find no positive outside it (an account that acts alone leaves no
 * co-action), so recall is also reported as a share of it.
 *
 * Only positives' posts are looked at: what organic accounts did does not matter here.
 * Exact objects are grouped directly; near-same texts come from the engine's own MinHash
 * join (`co_similar`, Jaccard ≥ `similarity`) with a window as wide as the data.
 */
export interface CeilingOptions {
  actions: ActionOptions;
  /** near-same text threshold (the engine's co_similar default is 0.8) */
  similarity: number;
  /** look for near-same texts at all (the costly part) */
  nearText: boolean;
}

export const DEFAULT_CEILING_OPTIONS: CeilingOptions = { actions: { minTextTokens: 4, minHashtags: 3 }, similarity: 0.8, nearText: true };

export type CeilingObjectKind = 'text' | 'near_text' | 'link' | 'repost' | 'reply' | 'hashtag_seq' | 'media';

export interface EvidenceCeiling {
  /** positive accounts that posted anything */
  active: number;
  /** positive accounts sharing an object with another positive, sorted */
  accounts: string[];
  /** accounts reached by each kind of object (an account may count under several) */
  byKind: Record<CeilingObjectKind, number>;
}

const KIND_OF_PREFIX: Record<string, CeilingObjectKind> = { r: 'repost', t: 'text', u: 'link', h: 'hashtag_seq', m: 'media', p: 'reply' };

export function evidenceCeiling(posts: readonly CorePost[], isPositive: (account: string) => boolean, opts: CeilingOptions = DEFAULT_CEILING_OPTIONS): EvidenceCeiling {
  const mine = posts.filter((p) => isPositive(p.account));
  const actionOpts: ActionOptions = { normalizeUrl: (u) => normaliseUrl(u) ?? u, ...opts.actions };
  // object → the first account seen on it, or a set once a second one came
  const firstOf = new Map<string, string | Set<string>>();
  for (const p of mine) {
    const objects = objectsOf(p, actionOpts);
    if (p.reply_to) objects.push(`p:${p.reply_to}`);
    for (const o of objects) {
      const prev = firstOf.get(o);
      if (prev === undefined) firstOf.set(o, p.account);
      else if (typeof prev === 'string') {
        if (prev !== p.account) firstOf.set(o, new Set([prev, p.account]));
      } else prev.add(p.account);
    }
  }
  const reached = new Set<string>();
  const byKindSets = new Map<CeilingObjectKind, Set<string>>();
  const mark = (kind: CeilingObjectKind, a: string) => {
    reached.add(a);
    let s = byKindSets.get(kind);
    if (!s) byKindSets.set(kind, (s = new Set()));
    s.add(a);
  };
  for (const [o, v] of firstOf) {
    if (typeof v === 'string') continue;
    const kind = KIND_OF_PREFIX[o.slice(0, 1)];
    for (const a of v) mark(kind, a);
  }
  if (opts.nearText && mine.length > 1) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of mine) {
      if (p.t < lo) lo = p.t;
      if (p.t > hi) hi = p.t;
    }
    const edges = buildEdges(mine, { kinds: ['co_similar'], window: Math.max(1, hi - lo + 1), minWeight: 1, similarity: opts.similarity, evidenceCap: 0 });
    for (const e of edges) {
      mark('near_text', e.a);
      mark('near_text', e.b);
    }
  }
  const byKind = {} as Record<CeilingObjectKind, number>;
  for (const k of ['text', 'near_text', 'link', 'repost', 'reply', 'hashtag_seq', 'media'] as const) byKind[k] = byKindSets.get(k)?.size ?? 0;
  return { active: new Set(mine.map((p) => p.account)).size, accounts: [...reached].sort(), byKind };
}
