import { analysisEdges, analyze, analyzeEdges, analyzePrepared, prepareAnalysis } from '../core/analyze.ts';
import type { AnalyzeInput, AnalyzeParams, AnalyzeResult, PreparedAnalysis } from '../core/analyze.ts';
import { dedupePosts, memoTextKey } from '../core/cluster/index.ts';
import { buildEdges } from '../core/edges/index.ts';
import type { CorePost, Edge } from '../core/types.ts';

/**
 * The one place the alerting side calls the detection core, so a change of the engine's
 * signatures touches only this file.
 */

/** Co-action edges of a window's posts (repeated captures dropped first, as the engine does). */
export function buildWindowEdges(posts: readonly CorePost[], params: AnalyzeParams, textKeys?: Map<string, string>): Edge[] {
  return buildEdges(params.dedupe ? dedupePosts(posts, memoTextKey(textKeys)) : posts, params.edges);
}

/** Clusters, scores and explanations from edges already built (the cluster step). */
export function clusterEdges(input: AnalyzeInput, edges: readonly Edge[], params: AnalyzeParams): AnalyzeResult {
  return analyzeEdges(input, edges, params);
}

/** The whole engine over one window: edges, then clusters (scans). */
export function analyzeWindow(input: AnalyzeInput, params: AnalyzeParams): AnalyzeResult {
  return analyze(input, params);
}

/** A scan in two halves that can run on two threads: the edges of the posts on one... */
export function scanEdges(posts: readonly CorePost[], params: AnalyzeParams): Edge[] {
  return analysisEdges(posts, params);
}

/** ...the posts' preparation (order, action index) on the other, then the rest with the edges: analyzeWindow's result. */
export function prepareScan(input: AnalyzeInput, params: AnalyzeParams): PreparedAnalysis {
  return prepareAnalysis(input, params);
}

export function finishScan(input: AnalyzeInput, prepared: PreparedAnalysis, edges: readonly Edge[], params: AnalyzeParams): AnalyzeResult {
  return analyzePrepared(input, prepared, edges, params);
}

/** The engine's Δ in seconds and minimum edge weight, with its defaults. */
export const edgeWindow = (params: AnalyzeParams) => params.edges.window ?? 60;
export const edgeMinWeight = (params: AnalyzeParams) => params.edges.minWeight ?? 2;
