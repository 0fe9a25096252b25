import type { Config } from '../../config/config.ts';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import type { AnalyzeParams } from '../core/analyze.ts';
import { compileNarratives } from '../core/narratives/index.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { Db } from '../db/connection.ts';
import type { DetectDeps } from '../detect/deps.ts';
import { threadEngine } from '../detect/engine-client.ts';
import { inlineEngine } from '../detect/engine.ts';
import { loadShadowCandidate } from '../detect/shadow.ts';

export { buildShadowReport, ShadowConfigError } from '../detect/shadow.ts';
import type { Engine } from '../detect/engine.ts';
import type { Logger } from '../logger.ts';
import { alertService } from '../alerts/alert-service.ts';

/**
 * Detection's dependencies, built once per process: the compiled narrative lexicons, the
 * engine (a worker thread on Postgres, in-process on the embedded database) and the
 * detection parameters, which come from config/detection.ts and nowhere else.
 */

let compiled: { narratives: CompiledNarratives | undefined } | null = null;

/** The shipped narrative lexicons, compiled once per process; a broken folder is reported, not fatal. */
function narratives(log: Logger): CompiledNarratives | undefined {
  if (!compiled) {
    try {
      compiled = { narratives: compileNarratives(loadNarrativeLexicons()) };
    } catch (err) {
      log.warn({ err }, 'narrative lexicons not loaded; scores leave narratives out');
      compiled = { narratives: undefined };
    }
  }
  return compiled.narratives;
}

const engines = new Map<string, Engine>();

/**
 * The process's detection engine for a database: on Postgres one worker thread with its own
 * small pool, shared by every job of the process (so a long scan never blocks the event
 * loop); on the embedded database the engine runs in-process (PGlite has one session).
 */
export function engineFor(config: Pick<Config, 'databaseUrl'>, db: Db, log: Logger): Engine {
  if (db.kind !== 'postgres' || !config.databaseUrl) return inlineEngine(db, narratives(log));
  let e = engines.get(config.databaseUrl);
  if (!e) {
    e = threadEngine({ databaseUrl: config.databaseUrl, poolSize: 2, narratives: narratives(log) !== undefined }, log.child({ name: 'engine' }));
    engines.set(config.databaseUrl, e);
  }
  return e;
}

/** Stop the engine threads (graceful shutdown); an idle thread never holds the process open anyway. */
export async function closeEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map((e) => e.close()));
}

export function detectDeps(config: Config, db: Db, log: Logger, onNotices?: DetectDeps['onNotices'], params: AnalyzeParams = DEFAULT_DETECTION): DetectDeps {
  // shadow mode: a bad SHADOW_DETECTION file stops start-up (ShadowConfigError names the variable)
  const shadow = config.shadowDetection ? loadShadowCandidate(config.shadowDetection) : null;
  return { db, log, config, params, onNotices, alerts: alertService(db.kysely), narratives: narratives(log), engine: engineFor(config, db, log), shadow };
}
