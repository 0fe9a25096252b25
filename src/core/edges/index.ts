export { buildEdges, buildKindEdges } from './build-edges.ts';
export { preparePosts, type PreparedPosts } from './prepare.ts';
export type { TextFacts, TextMemo } from './text-memo.ts';
export {
  CNT_DEFAULT_KINDS,
  CNT_KIND_NAMES,
  CO_ACTION_KINDS,
  EdgeOptionsError,
  parseKinds,
  rarityLog,
  rarityResourceAllocation,
  resolveOptions,
  type CoActionKind,
  type EdgeOptions,
  type KindOptions,
  type ResolvedOptions,
} from './options.ts';
export { INDEX_KINDS, KINDS, TEXT_EDGE_KINDS, indexKindOf, kindDefinition, kindsHelp, type KindDefinition } from './kinds/index.ts';
export { DEFAULT_SYNCHRONY, synchronyEdges, type SynchronyParams } from './kinds/synchrony.ts';
export { DEFAULT_SIGNIFICANCE, type SignificanceOptions } from './significance.ts';
export { edgesToCsv, edgesToGraphml, type GraphmlNode } from './export.ts';
