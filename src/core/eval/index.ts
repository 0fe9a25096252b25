import type { AnalyzeResult } from '../analyze.ts';
import type { LabelRow } from './labels.ts';
import { accountMetrics, clusterPurity, groupRecall, toolkitFlagged } from './metrics.ts';
import type { AccountMetrics, ClusterPurity } from './metrics.ts';

export { LabelsError, parseLabelsCsv, positivePredicate } from './labels.ts';
export type { LabelRow } from './labels.ts';
export { accountMetrics, clusterPurity, groupRecall, TOOLKIT_KINDS, toolkitFlagged } from './metrics.ts';
export type { AccountMetrics, ClusterPurity } from './metrics.ts';

export interface EvalReport {
  detectorVersion: string;
  threshold: number;
  positiveLabel: string | null;
  labelled: number;
  positives: number;
  negatives: number;
  engine: AccountMetrics;
  /** the toolkit's rule on the same edges, for comparison */
  baseline: AccountMetrics;
  groups: { group: string; positives: number; flagged: number; recall: number }[];
  /** clusters at or above the threshold */
  clusters: ClusterPurity[];
}

/** Account-level precision/recall/F1 of an analysis against labels, with the toolkit baseline. */
export function evaluate(
  result: AnalyzeResult,
  labels: ReadonlyMap<string, LabelRow>,
  isPositive: (label: string) => boolean,
  opts: { threshold: number; positiveLabel: string | null; flagged?: readonly string[] },
): EvalReport {
  const flagged = opts.flagged ?? result.flagged;
  let positives = 0;
  for (const l of labels.values()) if (isPositive(l.label)) positives++;
  return {
    detectorVersion: result.detectorVersion,
    threshold: opts.threshold,
    positiveLabel: opts.positiveLabel,
    labelled: labels.size,
    positives,
    negatives: labels.size - positives,
    engine: accountMetrics(flagged, labels, isPositive),
    baseline: accountMetrics(toolkitFlagged(result.edges), labels, isPositive),
    groups: groupRecall(flagged, labels, isPositive),
    clusters: clusterPurity(
      result.clusters.filter((c) => c.score.total >= opts.threshold),
      labels,
      isPositive,
    ),
  };
}

export { DEFAULT_CEILING_OPTIONS, evidenceCeiling } from './ceiling.ts';
export type { CeilingObjectKind, CeilingOptions, EvidenceCeiling } from './ceiling.ts';
export { flaggedAt, flagRuleAgrees } from './flag.ts';
export { bestPoint, leaveOneSetOut } from './loso.ts';
export type { LosoChoice } from './loso.ts';
export { fixedTable, gridPoints, labelClusters, losoTable, metricsAt, objectiveOf, reliabilityLoso, tunesOn } from './harness.ts';
export type { GridPoint, HarnessGrid, LabelledCluster, ReliabilityReport, SetKind, SetRuns, SetScore, SlimCluster } from './harness.ts';
