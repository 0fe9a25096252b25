import type { Config } from '../../config/config.ts';
import type { AnalyzeParams } from '../core/analyze.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { Db } from '../db/connection.ts';
import type { AlertSink } from '../core/alerts/apply.ts';
import type { AlertNotice } from '../core/alerts/notices.ts';
import type { Logger } from '../logger.ts';
import type { Engine } from './engine.ts';
import type { IdentityPolicy } from '../core/alerts/identity.ts';
import type { ShadowCandidate } from './shadow.ts';

/** What detection needs from the outside; processors and the CLI build it. */
export interface DetectDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'detect' | 'alerts' | 'scans'>;
  params: AnalyzeParams;
  /** loads windows and runs the core on them: a worker thread with Postgres, else this thread */
  engine: Engine;
  /** compiled lexicons (N1); without them the narrative part of the score is left out */
  narratives?: CompiledNarratives;
  /** where clusters become alerts: the alert service (src/alerts), injected by src/app */
  alerts: AlertSink;
  /** called after the alert transaction commits (webhooks); must not throw for a bad endpoint */
  onNotices?: (notices: AlertNotice[]) => Promise<void>;
  /** shadow mode (SHADOW_DETECTION): a candidate config analysed after each live run, no alerts written */
  shadow?: ShadowCandidate | null;
}

export function identityPolicy(c: Config['alerts']): IdentityPolicy {
  return { overlap: c.overlap, minScore: c.minScore, reopenGrowth: c.reopenGrowth, reopenMinNew: c.reopenMinNew };
}
