import { analyzeEdges } from '../core/analyze.ts';
import type { AnalyzeInput, AnalyzeParams, AnalyzeResult } from '../core/analyze.ts';
import type { CorePost, Edge } from '../core/types.ts';
import { fallbackEdges } from './fallback-edges.ts';

/**
 * The one place the alerting side calls the detection core, so a change of the engine's
 * signatures touches only this file.
 */

type BuildEdges = (posts: readonly CorePost[], params: AnalyzeParams) => Edge[];

let builder: Promise<{ build: BuildEdges; source: 'core' | 'fallback' }> | null = null;

/** The core's edge builder when it is there, else the stand-in. */
function edgeBuilder(): Promise<{ build: BuildEdges; source: 'core' | 'fallback' }> {
  builder ??= (async () => {
    // a variable specifier: the module may not exist yet in this checkout
    const spec = '../core/edges/index.ts';
    try {
      const m = (await import(spec)) as { buildEdges?: (posts: readonly CorePost[], opts: AnalyzeParams['edges']) => Edge[] };
      if (typeof m.buildEdges === 'function') {
        const core = m.buildEdges;
        return { build: (posts, params) => core(posts, params.edges), source: 'core' as const };
      }
    } catch {
      // not there yet
    }
    return { build: (posts, params) => fallbackEdges(posts, params.edges, params.actions), source: 'fallback' as const };
  })();
  return builder;
}

export async function engineSource(): Promise<'core' | 'fallback'> {
  return (await edgeBuilder()).source;
}

/** Co-action edges of a window's posts. */
export async function buildWindowEdges(posts: readonly CorePost[], params: AnalyzeParams): Promise<Edge[]> {
  return (await edgeBuilder()).build(posts, params);
}

/** Clusters, scores and explanations from edges already built (the cluster step). */
export function clusterEdges(input: AnalyzeInput, edges: readonly Edge[], params: AnalyzeParams): AnalyzeResult {
  return analyzeEdges(input, edges, params);
}

/** The whole engine over one window: edges, then clusters (scans). */
export async function analyzeWindow(input: AnalyzeInput, params: AnalyzeParams): Promise<AnalyzeResult> {
  const edges = await buildWindowEdges(input.posts, params);
  return analyzeEdges(input, edges, params);
}
