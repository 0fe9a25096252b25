/**
 * Account-pair accumulator: open addressing over (a, b) integer keys with struct-of-arrays
 * columns. A JS Map keyed by pair strings would cost ~100 bytes and a string build per pair and
 * tops out at 2^24 entries; this costs ~30 bytes per pair and has no such ceiling.
 */
export class PairTable {
  size = 0;
  a = new Int32Array(0);
  b = new Int32Array(0);
  /** default mode: weight; CNT mode: directed weight a→b */
  w1 = new Int32Array(0);
  /** CNT mode: directed weight b→a */
  w2 = new Int32Array(0);
  strength = new Float64Array(0);
  /** last object counted for the pair (distinct-object dedupe; objects are processed one at a time) */
  lastObj = new Int32Array(0);
  evCount = new Uint8Array(0);
  private index = new Int32Array(0);
  private mask = 0;

  constructor(initialCapacity = 1024) {
    this.resize(Math.max(16, initialCapacity));
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ b;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h >>> 0;
  }

  private resize(capacity: number): void {
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T, fill?: number): T => {
      const next = make(capacity);
      if (fill !== undefined) next.fill(fill);
      next.set(old.subarray(0, this.size) as never);
      return next;
    };
    this.a = grow(this.a, (n) => new Int32Array(n));
    this.b = grow(this.b, (n) => new Int32Array(n));
    this.w1 = grow(this.w1, (n) => new Int32Array(n));
    this.w2 = grow(this.w2, (n) => new Int32Array(n));
    this.strength = grow(this.strength, (n) => new Float64Array(n));
    this.lastObj = grow(this.lastObj, (n) => new Int32Array(n), -1);
    this.evCount = grow(this.evCount, (n) => new Uint8Array(n));
    // index at load ≤ 0.5
    const slots = capacity * 2;
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
    for (let s = 0; s < this.size; s++) {
      let h = PairTable.hash(this.a[s], this.b[s]) & this.mask;
      while (this.index[h] !== 0) h = (h + 1) & this.mask;
      this.index[h] = s + 1;
    }
  }

  /** Slot of pair (a, b), created on first use. Callers order a and b. */
  slot(a: number, b: number): number {
    let h = PairTable.hash(a, b) & this.mask;
    for (;;) {
      const s = this.index[h];
      if (s === 0) break;
      if (this.a[s - 1] === a && this.b[s - 1] === b) return s - 1;
      h = (h + 1) & this.mask;
    }
    if (this.size === this.a.length) {
      this.resize(this.a.length * 2);
      return this.slot(a, b);
    }
    const s = this.size++;
    this.a[s] = a;
    this.b[s] = b;
    this.index[h] = s + 1;
    return s;
  }
}

/** Append-only evidence records: (slot, rank of a's post, rank of b's post, object id). */
export class EvidenceLog {
  size = 0;
  data = new Int32Array(4096);

  push(slot: number, rankA: number, rankB: number, obj: number): void {
    if (this.size + 4 > this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const d = this.data;
    const i = this.size;
    d[i] = slot;
    d[i + 1] = rankA;
    d[i + 2] = rankB;
    d[i + 3] = obj;
    this.size = i + 4;
  }
}
