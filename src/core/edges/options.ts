import { DEFAULT_MINHASH, type MinHashParams } from '../text/minhash.ts';
import { CO_ACTION_KINDS, KIND_ALIASES, kindDefinition, type CoActionKind } from './kinds/index.ts';

import { resolveSignificance, type SignificanceOptions } from './significance.ts';

export class EdgeOptionsError extends Error {
  override name = 'EdgeOptionsError';
}

export { CNT_DEFAULT_KINDS, CNT_KIND_NAMES, CO_ACTION_KINDS, type CoActionKind } from './kinds/index.ts';

/** Accepts our kind names and the aliases kinds declare (CNT's co_retweet, co_tweet, co_similar_tweet). */
export function parseKinds(list: readonly string[]): CoActionKind[] {
  const out: CoActionKind[] = [];
  for (const raw of list) {
    const name = raw.trim();
    if (name.length === 0) continue;
    const kind = KIND_ALIASES[name] ?? CO_ACTION_KINDS.find((k) => k === name);
    if (!kind) {
      const aliases = Object.keys(KIND_ALIASES).filter((a) => !(CO_ACTION_KINDS as readonly string[]).includes(a));
      throw new EdgeOptionsError(`unknown edge kind "${name}"; use ${CO_ACTION_KINDS.join(', ')} (or CNT's ${aliases.join(', ')})`);
    }
    if (!out.includes(kind)) out.push(kind);
  }
  return out;
}

/** Per-kind overrides. */
export interface KindOptions {
  window?: number;
  minWeight?: number;
  /** co_similar / co_reply: verified Jaccard threshold */
  threshold?: number;
  /** co_similar / co_reply: words per shingle (default 2) */
  shingleSize?: number;
  /** co_text / co_similar / co_reply: fewest words a normalised text needs to take part */
  minTokens?: number;
  /** co_hashtag_seq: fewest distinct hashtags in the sequence */
  minHashtags?: number;
}

export interface EdgeOptions {
  kinds: readonly CoActionKind[];
  /** Δ in seconds: two actions co-occur when |t1 − t2| ≤ window (inclusive, as CNT). Default 60. */
  window?: number;
  /** Edges below this weight are dropped. Default 2. */
  minWeight?: number;
  /** Near-same threshold (Jaccard) for co_similar and co_reply. Default 0.8. */
  similarity?: number;
  /** 'cnt' reproduces coordination-network-toolkit's semantics (see cnt-edges.ts). */
  compat?: 'cnt' | null;
  /** Evidence pairs kept per edge. Default 10. */
  evidenceCap?: number;
  /**
   * Default mode only: the most partners one post is paired with on one object. Objects that
   * thousands of accounts act on within Δ would make pair enumeration quadratic; they carry
   * almost no strength (1/(n−1) each), so each post pairs with its `maxPartners` most recent
   * co-actors only. Exact whenever fewer than this many other accounts acted within Δ. Default 64.
   */
  maxPartners?: number;
  minhash?: MinHashParams;
  /**
   * Default mode only: co-actions beyond Δ on rarely shared objects (see significance.ts).
   * null: Δ alone decides, as CNT does. Ignored under `--compat cnt`.
   */
  significance?: Partial<SignificanceOptions> | null;
  /** Contribution of one shared object acted on by n accounts. Default 1/(n − 1). */
  rarity?: (nAccounts: number) => number;
  perKind?: Partial<Record<CoActionKind, KindOptions>>;
}

export interface ResolvedKindOptions {
  window: number;
  minWeight: number;
  threshold: number;
  shingleSize: number;
  minTokens: number;
  minHashtags: number;
}

export interface ResolvedOptions {
  kinds: readonly CoActionKind[];
  compat: 'cnt' | null;
  evidenceCap: number;
  maxPartners: number;
  minhash: MinHashParams;
  rarity: (nAccounts: number) => number;
  /** null under `--compat cnt` or when switched off */
  significance: SignificanceOptions | null;
  kind: (kind: CoActionKind) => ResolvedKindOptions;
}

/**
 * Resource-allocation rarity: an account's action on an object is one unit of evidence shared
 * evenly among the others who acted on it. A 4-account ring's private link gives each pair 1/3;
 * a viral post reposted by 2,000 accounts gives each pair 1/1999. (1/log2(1 + n), the
 * Adamic–Adar form, separates those two by only ~5×, too little to tell a ring from a crowd.)
 */
export function rarityResourceAllocation(nAccounts: number): number {
  return nAccounts > 1 ? 1 / (nAccounts - 1) : 0;
}

/** Adamic–Adar style alternative, for callers who want a gentler fall-off. */
export function rarityLog(nAccounts: number): number {
  return 1 / Math.log2(1 + Math.max(1, nAccounts));
}

function positive(name: string, v: number, allowZero = false): number {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new EdgeOptionsError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`);
  }
  return v;
}

export function resolveOptions(opts: EdgeOptions): ResolvedOptions {
  const window = positive('window', opts.window ?? 60, true);
  const minWeight = positive('minWeight', opts.minWeight ?? 2);
  const similarity = opts.similarity ?? 0.8;
  if (!(similarity > 0 && similarity <= 1)) throw new EdgeOptionsError(`similarity must be in (0, 1], got ${similarity}`);
  const evidenceCap = Math.floor(positive('evidenceCap', opts.evidenceCap ?? 10, true));
  const maxPartners = Math.floor(positive('maxPartners', opts.maxPartners ?? 64));
  const minhash = opts.minhash ?? DEFAULT_MINHASH;
  if (minhash.numPerm % minhash.bands !== 0 || minhash.bands < 1) {
    throw new EdgeOptionsError(`minhash.numPerm (${minhash.numPerm}) must be a multiple of bands (${minhash.bands})`);
  }
  const base: ResolvedKindOptions = { window, minWeight, threshold: similarity, shingleSize: 2, minTokens: 3, minHashtags: 3 };
  const cache = new Map<CoActionKind, ResolvedKindOptions>();
  return {
    kinds: opts.kinds,
    compat: opts.compat ?? null,
    evidenceCap,
    maxPartners,
    minhash,
    rarity: opts.rarity ?? rarityResourceAllocation,
    significance: (opts.compat ?? null) === 'cnt' ? null : resolveSignificance(opts.significance),
    kind(kind) {
      let r = cache.get(kind);
      if (!r) {
        const o = { ...kindDefinition(kind)?.defaults, ...opts.perKind?.[kind] };
        r = {
          window: positive(`${kind}.window`, o.window ?? base.window, true),
          minWeight: positive(`${kind}.minWeight`, o.minWeight ?? base.minWeight),
          threshold: o.threshold ?? base.threshold,
          shingleSize: Math.max(1, Math.floor(o.shingleSize ?? base.shingleSize)),
          minTokens: Math.max(0, Math.floor(o.minTokens ?? base.minTokens)),
          minHashtags: Math.max(1, Math.floor(o.minHashtags ?? base.minHashtags)),
        };
        if (!(r.threshold > 0 && r.threshold <= 1)) throw new EdgeOptionsError(`${kind}.threshold must be in (0, 1]`);
        cache.set(kind, r);
      }
      return r;
    },
  };
}
