// The worker thread that hosts the detection engine (see engine.ts and engine-client.ts): it
// opens its own Postgres pool, loads the windows it is asked for and runs the core on them,
// so the job's thread never blocks on a long analysis.
import { parentPort, workerData } from 'node:worker_threads';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { compileNarratives } from '../core/narratives/index.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import { openPostgres } from '../db/connection.ts';
import type { Db } from '../db/connection.ts';
import { ENGINE_OPS, inlineEngine } from './engine.ts';
import { streamedScanEdges } from './scan-engine.ts';
import type { Engine } from './engine.ts';
import type { EngineRequest, EngineResponse, EngineThreadData } from './engine-client.ts';

const data = workerData as EngineThreadData;
const port = parentPort!;

let narratives: CompiledNarratives | undefined;
if (data.narratives) {
  try {
    narratives = compileNarratives(loadNarrativeLexicons());
  } catch {
    // the job's thread already warned when it compiled them; scores leave narratives out
    narratives = undefined;
  }
}

// Opened on first use and again after a failure (Postgres down at start must not kill the thread).
let engine: Promise<{ db: Db; engine: Engine }> | null = null;
function open(): Promise<{ db: Db; engine: Engine }> {
  engine ??= openPostgres(data.databaseUrl, data.poolSize).then(
    (db) => ({ db, engine: inlineEngine(db, narratives) }),
    (err: unknown) => {
      engine = null;
      throw err;
    },
  );
  return engine;
}

async function run(req: EngineRequest): Promise<unknown> {
  if (!(ENGINE_OPS as readonly string[]).includes(req.op)) throw new Error(`unknown engine operation "${String(req.op)}"`);
  // a scan's helper gets its posts from the other thread's read: it needs no connection
  if (req.op === 'scanEdges' && req.task.stream) return streamedScanEdges({ ...req.task, stream: req.task.stream });
  const { engine: e } = await open();
  return (e[req.op] as (task: unknown) => Promise<unknown>)(req.task);
}

port.on('message', (req: EngineRequest | { op: 'close' }) => {
  if (req.op === 'close') {
    void (async () => {
      const opened = await engine?.catch(() => null);
      await opened?.db.close().catch(() => {});
      port.close();
    })();
    return;
  }
  run(req).then(
    (value) => port.postMessage({ id: req.id, ok: true, value } satisfies EngineResponse),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: req.id, ok: false, error: { name: e.name, message: e.message, code: (e as { code?: string }).code } } satisfies EngineResponse);
    },
  );
});
