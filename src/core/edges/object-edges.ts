import type { CorePost, Edge } from '../types.ts';
import { normaliseUrl } from '../url.ts';
import { accumulateCoActions } from './co-action.ts';
import { accumulateDirected } from './cnt-directed.ts';
import { GroupBuilder } from './groups.ts';
import type { CoActionKind } from './kinds/index.ts';
import type { ObjectEnv } from './kinds/types.ts';
import { materialiseEdges } from './materialise.ts';
import { forEachPost, labelOf, normalisedTexts, originalsWithPartner, wordCount } from './objects.ts';
import type { ResolvedOptions } from './options.ts';
import type { PreparedPosts } from './prepare.ts';
import { reachOf } from './significance.ts';

/** Adds the objects one post acts on for a kind (`add` may be called several times). */
export type ObjectExtractor = (post: CorePost, rank: number, env: ObjectEnv, add: (key: string) => void) => void;

/**
 * Edges of an object-keyed kind: posts are grouped by the object the kind's extractor names, then
 * paired within Δ — CNT's directed counts under `--compat cnt` (cnt-directed.ts), coordwatch's
 * distinct-object weights and significance-weighted strength otherwise (co-action.ts).
 * `nearSame`, when given, must also hold for a pair of posts (co_reply).
 */
export function objectKindEdges(
  prep: PreparedPosts,
  kind: CoActionKind,
  ro: ResolvedOptions,
  extract: ObjectExtractor,
  nearSame?: (env: ObjectEnv) => (rankA: number, rankB: number) => boolean,
): Edge[] {
  const ko = ro.kind(kind);
  const compat = ro.compat === 'cnt';
  const urlCache = new Map<string, string | null>();
  // with significance beyond Δ, a post may pair with one up to `reach` away
  const reach = reachOf(ko.window, prep.n > 1 ? prep.t[prep.n - 1] - prep.t[0] : 0, ro.significance);
  const env: ObjectEnv = {
    compat,
    ko,
    normalised: () => normalisedTexts(prep, reach),
    words: (p, r) => wordCount(prep, normalisedTexts(prep, reach), p, r),
    withPartner: () => originalsWithPartner(prep, reach),
    urlKey(u) {
      let key = urlCache.get(u);
      if (key === undefined) urlCache.set(u, (key = normaliseUrl(u)));
      return key;
    },
  };
  const gb = new GroupBuilder(prep.n);
  forEachPost(prep, (p, r) => extract(p, r, env, (key) => gb.add(r, key)));
  const groups = gb.build();
  const label = (obj: number): string => labelOf(groups.keys[obj] ?? '');
  if (compat) {
    const { table, evidence } = accumulateDirected(prep, groups, { window: ko.window, evidenceCap: ro.evidenceCap });
    return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat, label });
  }
  const { table, evidence } = accumulateCoActions(prep, groups, coActionParams(ro, ko.window), nearSame?.(env));
  return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat, label });
}

/** The default-mode pairing parameters of a kind. */
export function coActionParams(ro: ResolvedOptions, window: number) {
  return { window, maxPartners: ro.maxPartners, evidenceCap: ro.evidenceCap, rarity: ro.rarity, significance: ro.significance };
}
