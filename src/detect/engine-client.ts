import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { ClusterTask, Engine, ScanTask, WindowEdgesTask } from './engine.ts';

/**
 * The engine on a worker thread. The job's thread only sends windows and receives edges or
 * scored clusters, so it stays free to renew BullMQ locks, answer Redis and serve metrics
 * however long an analysis takes (a 24-hour scan of a million posts runs for tens of
 * seconds). The thread is started on first use, kept while the process lives, and does not
 * keep an idle process alive; if it dies (out of memory), the tasks in flight fail with the
 * reason, their jobs retry, and the next task starts a new thread.
 */

export interface EngineThreadData {
  databaseUrl: string;
  poolSize: number;
  narratives: boolean;
}

export type EngineRequest =
  | { id: number; op: 'windowEdges'; task: WindowEdgesTask }
  | { id: number; op: 'cluster'; task: ClusterTask }
  | { id: number; op: 'scan'; task: ScanTask };

export type EngineResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; code?: string } };

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

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export function threadEngine(data: EngineThreadData, log: Logger): Engine {
  let worker: Worker | null = null;
  const pending = new Map<number, Pending>();
  let seq = 0;

  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { ...data, tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./engine-thread.ts', import.meta.url).href },
    });
    w.on('message', (m: EngineResponse) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }));
    });
    w.on('error', (err) => {
      log.error({ err }, 'detection engine thread failed');
      if (worker === w) worker = null;
      fail(new EngineThreadError(`detection engine thread failed: ${err.message}`));
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (pending.size) fail(new EngineThreadError(`detection engine thread exited (code ${code})`));
    });
    w.unref();
    return w;
  };
  const call = <T>(op: EngineRequest['op'], task: unknown): Promise<T> => {
    worker ??= start();
    const w = worker;
    const id = ++seq;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // a task in flight keeps the process alive; an idle thread does not
      w.ref();
      w.postMessage({ id, op, task });
    });
  };

  return {
    mode: 'thread',
    windowEdges: (task) => call('windowEdges', task),
    cluster: (task) => call('cluster', task),
    scan: (task) => call('scan', task),
    async close() {
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage({ op: 'close' });
      const timer = setTimeout(() => void w.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
