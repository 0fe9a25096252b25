export { buildEdges, buildKindEdges } from './build-edges.ts';
export { preparePosts, type PreparedPosts } from './prepare.ts';
export {
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
export { edgesToCsv, edgesToGraphml, type GraphmlNode } from './export.ts';
