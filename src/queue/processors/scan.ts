import type { DetectDeps } from '../../detect/deps.ts';
import { runScan, scanWindow } from '../../detect/scan.ts';
import type { ScanResult } from '../../detect/scan.ts';
import { timed } from '../../metrics.ts';
import { parseScanPayload } from '../alerting-payloads.ts';

/** Scheduler job ids end in their fire time (`repeat:rolling-scan:1727398800000`): a retry scans the same window. */
function firedAt(jobId: string): number | null {
  const m = /:(\d{13})$/.exec(jobId);
  return m ? Number(m[1]) : null;
}

/** The scan job: rolling and deep from the schedulers, manual with its own window. */
export function createScanProcessor(deps: DetectDeps, clock: () => number = Date.now): (data: unknown, jobId: string) => Promise<ScanResult | null> {
  const log = deps.log.child({ name: 'scan' });
  return (data, jobId) =>
    timed('scan', async () => {
      const p = parseScanPayload(data);
      const w = p.window ?? (p.kind === 'manual' ? null : await scanWindow(deps, p.kind, firedAt(jobId) ?? clock()));
      if (!w) {
        log.info({ jobId, kind: p.kind }, 'scan: no posts yet, nothing to do');
        return null;
      }
      const r = await runScan({ ...deps, log }, p.kind, w, jobId);
      log.info({ jobId, kind: p.kind, window: w, status: r.status, posts: r.posts, clusters: r.clusters, ms: r.ms, ...r.applied }, 'scan done');
      return r;
    });
}
