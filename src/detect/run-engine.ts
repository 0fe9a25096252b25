import { analyze, analyzeEdges } from '../core/analyze.ts';
import type { AnalyzeInput, AnalyzeParams, AnalyzeResult } from '../core/analyze.ts';
import { dedupePosts } from '../core/cluster/index.ts';
import { buildEdges } from '../core/edges/index.ts';
import type { CorePost, Edge } from '../core/types.ts';

/**
 * The one place the alerting side calls the detection core, so a change of the engine's
 * signatures touches only this file.
 */

/** Co-action edges of a window's posts (repeated captures dropped first, as the engine does). */
export function buildWindowEdges(posts: readonly CorePost[], params: AnalyzeParams): Edge[] {
  return buildEdges(params.dedupe ? dedupePosts(posts) : posts, params.edges);
}

/** Clusters, scores and explanations from edges already built (the cluster step). */
export function clusterEdges(input: AnalyzeInput, edges: readonly Edge[], params: AnalyzeParams): AnalyzeResult {
  return analyzeEdges(input, edges, params);
}

/** The whole engine over one window: edges, then clusters (scans). */
export function analyzeWindow(input: AnalyzeInput, params: AnalyzeParams): AnalyzeResult {
  return analyze(input, params);
}

/** The engine's Δ in seconds and minimum edge weight, with its defaults. */
export const edgeWindow = (params: AnalyzeParams) => params.edges.window ?? 60;
export const edgeMinWeight = (params: AnalyzeParams) => params.edges.minWeight ?? 2;
