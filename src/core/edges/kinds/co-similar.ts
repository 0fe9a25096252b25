import { accumulateCoActions } from '../co-action.ts';
import { creditDirected, SideFacts } from '../cnt-directed.ts';
import { GroupBuilder } from '../groups.ts';
import { materialiseEdges } from '../materialise.ts';
import { nearDupFamilies } from '../near-dup.ts';
import { coActionParams } from '../object-edges.ts';
import { cntTokenSets, labelOf, shingleSetsOnce } from '../objects.ts';
import type { ResolvedOptions } from '../options.ts';
import { EvidenceLog, PairTable } from '../pair-table.ts';
import type { PreparedPosts } from '../prepare.ts';
import { similarJoin } from '../similar-join.ts';
import type { CoActionKindDefinition } from './types.ts';

function postText(prep: PreparedPosts, rank: number): string {
  const text = prep.posts[prep.order[rank]].text;
  return typeof text === 'string' ? text : '';
}

/**
 * Near-same families of the posts' shingle sets (near-dup.ts), by item, and the items' ranks:
 * the sets (the largest per-post structure) are built for this one use and dropped here.
 */
function families(prep: PreparedPosts, ro: ResolvedOptions): { ranks: Int32Array; family: Int32Array } {
  const ko = ro.kind('co_similar');
  const sets = shingleSetsOnce(prep, ko, false);
  const family = nearDupFamilies(prep, sets, { window: ko.window, threshold: ko.threshold, maxPartners: ro.maxPartners, minhash: ro.minhash });
  return { ranks: sets.ranks, family };
}

/**
 * C1 near-same: default mode, MinHash/LSH over word shingles verified by exact Jaccard
 * (near-dup.ts), a family of near-same posts being one shared object; `--compat cnt`, CNT's
 * co_similar_tweet (exact Jaccard over its token sets, directed counts).
 */
export const coSimilar: CoActionKindDefinition<'co_similar'> = {
  id: 'co_similar',
  mode: 'co_action',
  signal: 'C1',
  label: 'posting near-same texts (MinHash/LSH, verified Jaccard)',
  aliases: ['co_similar_tweet'],
  cnt: { name: 'co_similar_tweet', byDefault: true },
  textual: true,
  defaults: { shingleSize: 2, minTokens: 3 },
  build(prep, ro) {
    const kind = 'co_similar';
    const ko = ro.kind(kind);
    const cap = ro.evidenceCap;
    if (ro.compat === 'cnt') {
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
      return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat: true, label: (_o, ra) => labelOf(postText(prep, ra)) });
    }
    const { ranks, family } = families(prep, ro);
    const gb = new GroupBuilder(prep.n);
    for (let i = 0; i < family.length; i++) if (family[i] >= 0) gb.addId(ranks[i], family[i]);
    const groups = gb.build(family.length);
    const { table, evidence } = accumulateCoActions(prep, groups, coActionParams(ro, ko.window));
    return materialiseEdges(prep, table, evidence, { kind, minWeight: ko.minWeight, compat: false, label: (obj) => labelOf(postText(prep, ranks[obj])) });
  },
};
