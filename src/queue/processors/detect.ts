import { detectWindow } from '../../detect/detect-window.ts';
import type { WindowResult } from '../../detect/detect-window.ts';
import type { DetectDeps } from '../../detect/deps.ts';
import { timed } from '../../metrics.ts';
import { parseDetectPayload } from '../detect-payloads.ts';

/** The detect job: one window's edges, then the cluster step and the alerts. */
export function createDetectProcessor(deps: DetectDeps): (data: unknown, jobId: string) => Promise<WindowResult> {
  const log = deps.log.child({ name: 'detect' });
  return (data, jobId) =>
    timed('detect', async () => {
      const w = parseDetectPayload(data);
      const r = await detectWindow({ ...deps, log }, w, jobId);
      log.info({ jobId, posts: r.posts, edges: r.edges, passes: r.passes, clusters: r.cluster.clusters, ...r.cluster.applied }, 'window detected');
      return r;
    });
}
