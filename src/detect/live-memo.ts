/**
 * A cache kept between a live window's runs (text keys, narrative matches by text), bounded
 * by generations instead of being emptied when full: when the current generation reaches the
 * limit it becomes the old one and a new one starts; a hit in the old generation moves the
 * entry forward. A window's run over more distinct texts than the limit thus still finds the
 * texts it saw last run (a clear-when-full cache re-derived every text of every run once a
 * busy window passed the limit). At most twice the limit is held. The core reads it as a Map
 * (get, set, size); what it holds changes no result.
 */
export class GenerationalMap<K, V> extends Map<K, V> {
  private old = new Map<K, V>();

  constructor(private readonly limit: number) {
    super();
  }

  override get(key: K): V | undefined {
    const v = super.get(key);
    if (v !== undefined || this.old.size === 0) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  override has(key: K): boolean {
    return super.has(key) || this.old.has(key);
  }

  override set(key: K, value: V): this {
    if (super.size >= this.limit && !super.has(key)) {
      this.old = new Map(super.entries());
      super.clear();
    }
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const a = super.delete(key);
    return this.old.delete(key) || a;
  }

  override clear(): void {
    this.old.clear();
    super.clear();
  }
}
