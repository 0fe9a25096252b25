import { detectWindow } from '../../detect/detect-window.ts';
import type { WindowResult } from '../../detect/detect-window.ts';
import type { DetectDeps } from '../../detect/deps.ts';
import { timed } from '../../metrics.ts';
import type { TimeWindow } from '../../core/alerts/windows.ts';
import { parseDetectPayload } from '../alerting-payloads.ts';

/** The detect job: one window's edges, then the cluster step and the alerts. */
export function createDetectProcessor(
  deps: DetectDeps,
  /** queue the window again when posts landed in it during the run (redis mode) */
  requeue?: (w: TimeWindow, jobId: string) => Promise<void>,
): (data: unknown, jobId: string) => Promise<WindowResult> {
  const log = deps.log.child({ name: 'detect' });
  return (data, jobId) =>
    timed('detect', async () => {
      const w = parseDetectPayload(data);
      const r = await detectWindow({ ...deps, log }, w, jobId);
      log.info({ jobId, posts: r.posts, edges: r.edges, changed: r.changed, clusters: r.cluster.clusters, ...r.cluster.applied }, 'window detected');
      if (r.changed) await requeue?.(w, jobId);
      return r;
    });
}
