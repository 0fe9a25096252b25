import type { AnalyzeResult } from '../core/analyze.ts';
import { edgesOfClusters } from '../core/alerts/edges.ts';
import type { ClusterEdge } from '../core/alerts/edges.ts';

/**
 * A result without the full edge list (callers count edges; the list can be large), but with
 * each cluster's own edges, which its alert keeps for the analyst's network picture.
 */
export type EngineResult = Omit<AnalyzeResult, 'edges'> & {
  clusterEdges: Record<string, ClusterEdge[]>;
};

export const strip = ({ edges, ...rest }: AnalyzeResult): EngineResult => ({
  ...rest,
  clusterEdges: edgesOfClusters(rest.clusters, edges),
});

/** A task that needs an engine state this engine does not hold (it restarted): the job runs again. */
export class EngineStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStateError';
  }
}
