import type { AnalyzeParams } from '../core/analyze.ts';

/**
 * The co-action window Δ (seconds) and the minimum edge weight, as the detection parameters
 * carry them. Their defaults are config/detection.ts's alone: parameters built there
 * (`detectionParams`, `DEFAULT_DETECTION`) always hold both, and nothing here re-applies one.
 * Not to be confused with the detection window (DETECT_WINDOW_MINUTES), the span of posts one
 * detect job looks at.
 */
export function edgeParams(params: AnalyzeParams): { delta: number; minWeight: number } {
  const { window: delta, minWeight } = params.edges;
  if (delta === undefined || minWeight === undefined) {
    throw new Error('detection parameters without edges.window (Δ) or edges.minWeight: build them with detectionParams() from config/detection.ts');
  }
  return { delta, minWeight };
}
