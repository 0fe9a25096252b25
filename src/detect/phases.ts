/**
 * Wall-clock time per phase of a detection run (load, edges, store, engine, alerts…), kept
 * in the run's stats so a slow window or scan says where its time went.
 */
export class Phases {
  readonly ms: Record<string, number> = {};

  async time<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - t0);
    }
  }

  add(name: string, ms: number): void {
    this.ms[name] = Math.round((this.ms[name] ?? 0) + ms);
  }
}
