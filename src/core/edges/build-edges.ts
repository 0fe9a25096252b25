import type { CorePost, Edge } from '../types.ts';
import { jaccardSorted } from '../text/shingles.ts';
import { accumulateCoActions } from './co-action.ts';
import { accumulateDirected, creditDirected, SideFacts } from './cnt-directed.ts';
import { GroupBuilder } from './groups.ts';
import { materialiseEdges } from './materialise.ts';
import { nearDupFamilies } from './near-dup.ts';
import { labelOf, normalisedTexts, objectGroups, shingleSets, cntTokenSets } from './objects.ts';
import { type CoActionKind, type EdgeOptions, type ResolvedOptions, resolveOptions, EdgeOptionsError } from './options.ts';
import { EvidenceLog, PairTable } from './pair-table.ts';
import { preparePosts, type PreparedPosts } from './prepare.ts';
import { similarJoin } from './similar-join.ts';

function postText(prep: PreparedPosts, rank: number): string {
  const text = prep.posts[prep.order[rank]].text;
  return typeof text === 'string' ? text : '';
}

/**
 * Edges of one kind over prepared posts. Split from `buildEdges` so callers that time each step
 * (the CLI) can prepare once and build kind by kind.
 */
export function buildKindEdges(prep: PreparedPosts, kind: CoActionKind, ro: ResolvedOptions): Edge[] {
  const ko = ro.kind(kind);
  const compat = ro.compat === 'cnt';
  const cap = ro.evidenceCap;

  if (kind === 'co_similar') {
    if (compat) {
      const sets = cntTokenSets(prep, ko.window);
      const side = new SideFacts();
      const { acc } = prep;
      similarJoin(prep, sets, { window: ko.window, threshold: ko.threshold }, (i, j) => {
        const ri = sets.ranks[i];
        const rj = sets.ranks[j];
        side.push(ri, acc[rj], rj, -1);
        side.push(rj, acc[ri], ri, -1);
      });
      const table = new PairTable();
      const evidence = new EvidenceLog();
      side.forEachDistinct((r, b, rb, o) => creditDirected(table, evidence, cap, acc[r], r, b, rb, o));
      return materialiseEdges(prep, table, evidence, {
        kind,
        minWeight: ko.minWeight,
        compat,
        label: (_o, ra) => labelOf(postText(prep, ra)),
      });
    }
    const sets = shingleSets(prep, ko, false);
    const family = nearDupFamilies(prep, sets, {
      window: ko.window,
      threshold: ko.threshold,
      maxPartners: ro.maxPartners,
      minhash: ro.minhash,
    });
    const gb = new GroupBuilder(prep.n);
    for (let i = 0; i < family.length; i++) if (family[i] >= 0) gb.addId(sets.ranks[i], family[i]);
    const groups = gb.build(family.length);
    const { table, evidence } = accumulateCoActions(prep, groups, {
      window: ko.window,
      maxPartners: ro.maxPartners,
      evidenceCap: cap,
      rarity: ro.rarity,
    });
    return materialiseEdges(prep, table, evidence, {
      kind,
      minWeight: ko.minWeight,
      compat,
      label: (obj) => labelOf(postText(prep, sets.ranks[obj])),
    });
  }

  const groups = objectGroups(prep, kind, ko, compat);
  const label = (obj: number): string => labelOf(groups.keys[obj] ?? '');
  if (compat) {
    const { table, evidence } = accumulateDirected(prep, groups, { window: ko.window, evidenceCap: cap });
    return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat, label });
  }

  let nearSame: ((ra: number, rb: number) => boolean) | undefined;
  if (kind === 'co_reply') {
    const sets = shingleSets(prep, ko, true);
    const norm = normalisedTexts(prep, ko.window);
    const thr = ko.threshold;
    nearSame = (ra, rb) => {
      const ia = sets.itemOfRank[ra];
      const ib = sets.itemOfRank[rb];
      if (ia >= 0 && ib >= 0) {
        return jaccardSorted(sets.vals, sets.start[ia], sets.start[ia + 1], sets.vals, sets.start[ib], sets.start[ib + 1]) >= thr;
      }
      // replies too short for shingles must match exactly
      return norm[ra].length > 0 && norm[ra] === norm[rb];
    };
  }
  const { table, evidence } = accumulateCoActions(
    prep,
    groups,
    { window: ko.window, maxPartners: ro.maxPartners, evidenceCap: cap, rarity: ro.rarity },
    nearSame,
  );
  return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat, label });
}

/**
 * Co-action edges (C1–C5, C7) between accounts for the requested kinds.
 *
 * Default mode: undirected, weight = distinct shared objects, strength rarity-weighted (see
 * co-action.ts). `compat: 'cnt'`: coordination-network-toolkit's directed weights and text
 * handling (see cnt-directed.ts, cnt-text.ts, similar-join.ts).
 *
 * Posts are keyed by `key`, which must be unique (loaders drop repeats, first wins, as CNT's
 * `insert or ignore` does). Output order: kinds as requested, then (a, b).
 */
export function buildEdges(posts: readonly CorePost[], opts: EdgeOptions): Edge[] {
  const ro = resolveOptions(opts);
  for (const k of ro.kinds) {
    if ((k as string) === 'synchrony') throw new EdgeOptionsError('synchrony (C6) is computed by batch scans, not buildEdges');
  }
  const prep = preparePosts(posts);
  const out: Edge[] = [];
  for (const kind of ro.kinds) for (const e of buildKindEdges(prep, kind, ro)) out.push(e);
  return out;
}
