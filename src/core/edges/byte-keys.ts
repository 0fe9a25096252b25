import { fmix32 } from '../text/hash.ts';

/**
 * Interns byte strings buf[s, s + n) to dense ids 0, 1, … (exact: a hash hit is confirmed
 * byte by byte). `copy: false` keeps a reference to each new key's buffer (the buffers stay
 * alive as long as the table: a partition's keys); `copy: true` copies the key's bytes into
 * one pool, so the input buffers can go (the columnar reader's account ids, kept for a run).
 */
export class ByteKeys {
  private index = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private hash = new Uint32Array(1 << 11);
  private start = new Int32Array(1 << 11);
  private len = new Int32Array(1 << 11);
  /** copy: the pool of every key's bytes; else each key's own buffer */
  private pool: Uint8Array;
  private used = 0;
  private bufs: Uint8Array[] = [];
  size = 0;

  constructor(private readonly copy: boolean) {
    this.pool = new Uint8Array(copy ? 1 << 16 : 0);
  }

  /** the id of buf[s, s + n), added when new */
  id(buf: Uint8Array, s: number, n: number): number {
    const k = this.intern(buf, s, n);
    return k < 0 ? -1 - k : k;
  }

  /** the id of buf[s, s + n), or −1 − the new id when it was not there (then added) */
  intern(buf: Uint8Array, s: number, n: number): number {
    let h = 0x811c9dc5;
    for (let k = s; k < s + n; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    h = fmix32(h ^ n);
    let slot = h & this.mask;
    for (;;) {
      const v = this.index[slot];
      if (v === 0) break;
      const id = v - 1;
      if (this.hash[id] === h && this.len[id] === n && this.same(id, buf, s, n)) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    if (id === this.hash.length) {
      const grow = <T extends Uint32Array | Int32Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.hash = grow(this.hash, new Uint32Array(id * 2));
      this.start = grow(this.start, new Int32Array(id * 2));
      this.len = grow(this.len, new Int32Array(id * 2));
    }
    this.hash[id] = h;
    this.len[id] = n;
    if (this.copy) {
      if (this.used + n > this.pool.length) {
        const next = new Uint8Array(Math.max(this.pool.length * 2, this.used + n));
        next.set(this.pool.subarray(0, this.used));
        this.pool = next;
      }
      this.pool.set(buf.subarray(s, s + n), this.used);
      this.start[id] = this.used;
      this.used += n;
    } else {
      this.start[id] = s;
      this.bufs.push(buf);
    }
    this.index[slot] = id + 1;
    if (this.size * 2 > this.index.length) {
      const size = this.index.length * 2;
      this.index = new Int32Array(size);
      this.mask = size - 1;
      for (let k = 0; k < this.size; k++) {
        let x = this.hash[k] & this.mask;
        while (this.index[x] !== 0) x = (x + 1) & this.mask;
        this.index[x] = k + 1;
      }
    }
    return -1 - id;
  }

  private same(id: number, buf: Uint8Array, s: number, n: number): boolean {
    const b = this.copy ? this.pool : this.bufs[id];
    const t = this.start[id];
    for (let k = 0; k < n; k++) if (b[t + k] !== buf[s + k]) return false;
    return true;
  }
}
