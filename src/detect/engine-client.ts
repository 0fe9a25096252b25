import { MessageChannel, Worker } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { ENGINE_OPS } from './engine.ts';
import type { Engine, EngineOp, EngineOps, ScanTaskResult } from './engine.ts';
import { scanKindSplit } from './scan-engine.ts';

/**
 * The engine on worker threads. The job's thread only sends windows and receives counts or
 * scored clusters, so it stays free to renew BullMQ locks, answer Redis and serve metrics
 * however long an analysis takes (a 24-hour scan of a million posts runs for tens of
 * seconds). A thread is started on first use and does not keep an idle process alive; if
 * it dies (out of memory), the tasks in flight fail with the reason, their jobs retry, and
 * the next task starts a new thread.
 */

export interface EngineThreadData {
  databaseUrl: string;
  poolSize: number;
  narratives: boolean;
}

/** A task for the engine thread: one of the engine's operations (engine.ts ENGINE_OPS) and its task. */
export type EngineRequest = {
  [K in EngineOp]: { id: number; op: K; task: EngineOps[K][0] };
}[EngineOp];

export type EngineResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

export class EngineThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineThreadError';
  }
}

// The thread runs TypeScript: it registers tsx itself (the process may have registered it
// through the API, which threads do not inherit), then loads the entry.
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); }).catch((err) => { setImmediate(() => { throw err; }); });
`;

/** the engine thread's young generation (MB; three semi-spaces); COORDWATCH_ENGINE_YOUNG_MB overrides it (0: V8's default) */
const YOUNG_GENERATION_MB = Number(process.env.COORDWATCH_ENGINE_YOUNG_MB ?? 192);
/** the same for a scan's helper thread (COORDWATCH_ENGINE_HELPER_YOUNG_MB; the engine thread's by default) */
const HELPER_YOUNG_GENERATION_MB = Number(
  process.env.COORDWATCH_ENGINE_HELPER_YOUNG_MB ?? YOUNG_GENERATION_MB,
);

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** One engine thread and its requests in flight. */
class EngineThread {
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private seq = 0;

  constructor(
    private data: EngineThreadData,
    private log: Logger,
    private onStart?: (w: Worker) => void,
    private youngMb = YOUNG_GENERATION_MB,
  ) {}

  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private start(): Worker {
    const w = new Worker(BOOT, {
      eval: true,
      // a window run allocates hundreds of MB of short-lived objects (posts, pairs, graph): a
      // larger young generation lets them die in scavenges instead of being promoted and
      // marked (GC was a fifth of the engine thread's time with V8's default 16 MB semi-spaces; with
      // 64 MB ones a 150k-post window's engine work takes 25-35 % less CPU, same output)
      resourceLimits: this.youngMb > 0 ? { maxYoungGenerationSizeMb: this.youngMb } : {},
      workerData: {
        ...this.data,
        tsx: import.meta.resolve('tsx/esm/api'),
        entry: new URL('./engine-thread.ts', import.meta.url).href,
      },
    });
    w.on('message', (m: EngineResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else
        p.reject(
          Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }),
        );
    });
    w.on('error', (err) => {
      this.log.error({ err }, 'detection engine thread failed');
      if (this.worker === w) this.worker = null;
      this.fail(new EngineThreadError(`detection engine thread failed: ${err.message}`));
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      if (this.pending.size)
        this.fail(new EngineThreadError(`detection engine thread exited (code ${code})`));
    });
    w.unref();
    this.onStart?.(w);
    return w;
  }

  /** `transfer`: what the task carries that moves to the thread (a MessagePort) rather than being copied */
  call<T>(op: EngineRequest['op'], task: unknown, transfer: readonly Transferable[] = []): Promise<T> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // a task in flight keeps the process alive; an idle thread does not
      w.ref();
      w.postMessage({ id, op, task }, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage({ op: 'close' });
    const timer = setTimeout(() => void w.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The engine on worker threads: one for every task, and for scans a second one (the helper)
 * that builds the window's text kinds' and co_repost's co-action edges while the first loads
 * the window, builds the action index, the co-set links and the other kinds' edges (in
 * parallel on two cores); the first then finishes with all the edges. The window is read
 * once, by the first thread (one cursor, one transaction): it streams what the helper's kinds
 * read of each post to the helper as the rows come (scan-stream.ts, a MessageChannel between
 * the two threads), so both see the same rows and the helper starts as soon as they arrive.
 * The helper exists only while a scan runs, so its memory goes back after. If either thread
 * fails (or dies), the stream stops the other, the scan fails with the reason, the
 * preparation is dropped and the job retries.
 */
export function threadEngine(
  data: EngineThreadData,
  log: Logger,
  /** onHelper: each scan's helper thread as it starts (tests kill it to see the scan fail) */
  opts: { onHelper?: (w: Worker) => void } = {},
): Engine {
  const main = new EngineThread(data, log);
  let scans = 0;

  // every operation goes to the main thread as it is; a scan splits over two threads
  const forward = Object.fromEntries(
    ENGINE_OPS.map((op) => [op, (task: unknown) => main.call(op, task)]),
  ) as unknown as Omit<Engine, 'mode' | 'close'>;
  return {
    ...forward,
    mode: 'thread',
    async scan(task) {
      const helper = new EngineThread(data, log, opts.onHelper, HELPER_YOUNG_GENERATION_MB);
      const id = ++scans;
      const split = scanKindSplit(task.params);
      const { port1, port2 } = new MessageChannel();
      try {
        const [built, prepared] = await Promise.allSettled([
          helper.call<EngineOps['scanEdges'][1]>(
            'scanEdges',
            {
              window: task.window,
              params: task.params,
              longHorizon: task.longHorizon ?? null,
              kinds: split.edges,
              stream: port2,
            },
            [port2],
          ),
          main.call('scanPrepare', { ...task, id, kinds: split.prepare, stream: port1 }, [port1]),
        ]);
        // the helper's failure is the cause when both failed (the main thread's read stops
        // when the helper's end of the stream closes)
        if (built.status === 'rejected') throw built.reason;
        if (prepared.status === 'rejected') throw prepared.reason;
        // the helper's posts and edge state go back before the finish, not after it
        await helper.close();
        const res = await main.call<ScanTaskResult>('scanFinish', {
          id,
          edges: built.value.edges,
        });
        if (res.posts !== built.value.posts)
          throw new EngineThreadError(
            `the scan's threads saw different posts (${res.posts} prepared, ${built.value.posts} streamed)`,
          );
        for (const [k, v] of Object.entries(built.value.ms)) res.ms[`edges.${k}`] = v;
        return res;
      } catch (err) {
        await main.call('scanDrop', { id }).catch(() => {});
        throw err;
      } finally {
        await helper.close();
      }
    },
    close: () => main.close(),
  };
}
