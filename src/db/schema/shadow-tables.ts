import type { PartialDB as ShadowClusters } from './shadow-clusters.ts';
import type { PartialDB as ShadowConfigs } from './shadow-configs.ts';
import type { PartialDB as ShadowRuns } from './shadow-runs.ts';

/** The shadow-mode tables (one line in index.ts). */
export type PartialDB = ShadowConfigs & ShadowRuns & ShadowClusters;
export type { ShadowClusterRow } from './shadow-clusters.ts';
export type { ShadowConfigRow } from './shadow-configs.ts';
export type { ShadowRunRow } from './shadow-runs.ts';
