import { fmix32 } from '../../core/text/hash.ts';

/**
 * Byte-keyed tables for the columnar `--compat cnt` reader (cnt-networks.ts): post ids and
 * account ids are looked up as their UTF-8 bytes, straight from the scanner's input buffers, so
 * a row's ids need not be decoded to strings. A string key (the general readers' rows) is
 * encoded first: a key is the same as another exactly when its UTF-8 bytes are.
 */

let scratch = Buffer.allocUnsafe(1 << 12);

/** `s` as UTF-8 in a shared scratch buffer: valid until the next call. Returns the byte length. */
export function utf8Scratch(s: string): number {
  if (scratch.length < s.length * 3) scratch = Buffer.allocUnsafe(s.length * 3);
  return scratch.write(s, 0, 'utf8');
}

export function scratchBytes(): Buffer {
  return scratch;
}

/**
 * 64-bit hashes of seen post ids `platform:id` (two independent 32-bit halves): across 25 M ids
 * a false "repeat" is a ~10⁻⁵ event. One open-addressing table of (h1, h2) pairs, 8 bytes a
 * slot, filled to at most 70 %: one cache line per probe.
 */
export class IdHashSet {
  private tab = new Uint32Array(2 << 16);
  private mask = (1 << 16) - 1;
  /** the pair (0, 0) marks an empty slot; an id hashing to it is kept here */
  private zero = false;
  size = 0;

  /** `platform:id` given as the id's UTF-8 bytes buf[s, e); true when added, false when already present */
  addBytes(platform: string, buf: Uint8Array, s: number, e: number): boolean {
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    for (let i = 0; i < platform.length; i++) {
      const c = platform.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // the colon of core/keys.ts: platforms carry none, so `platform:id` is unique per post
    a = Math.imul(a ^ 0x3a, 0x01000193);
    b = Math.imul(b ^ 0x3a, 0x5bd1e995);
    b ^= b >>> 15;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    const len = platform.length + 1 + (e - s);
    return this.addHash(fmix32(a ^ len), fmix32(b + Math.imul(len, 0x9e3779b9)));
  }

  add(platform: string, id: string): boolean {
    const n = utf8Scratch(id);
    return this.addBytes(platform, scratch, 0, n);
  }

  private addHash(a: number, b: number): boolean {
    if (a === 0 && b === 0) {
      if (this.zero) return false;
      this.zero = true;
      this.size++;
      return true;
    }
    const tab = this.tab;
    const mask = this.mask;
    let slot = a & mask;
    for (;;) {
      const x = tab[2 * slot];
      const y = tab[2 * slot + 1];
      if (x === 0 && y === 0) break;
      if (x === a && y === b) return false;
      slot = (slot + 1) & mask;
    }
    tab[2 * slot] = a;
    tab[2 * slot + 1] = b;
    if (++this.size * 10 > (mask + 1) * 7) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.tab;
    const n = (this.mask + 1) * 2;
    const tab = new Uint32Array(2 * n);
    const mask = n - 1;
    for (let s = 0; s < old.length; s += 2) {
      const a = old[s];
      const b = old[s + 1];
      if (a === 0 && b === 0) continue;
      let slot = a & mask;
      while (tab[2 * slot] !== 0 || tab[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      tab[2 * slot] = a;
      tab[2 * slot + 1] = b;
    }
    this.tab = tab;
    this.mask = mask;
  }
}

/** Whether the string `str` is exactly the ASCII bytes buf[s, e) (false when any byte is not ASCII). */
export function sameAscii(str: string, buf: Uint8Array, s: number, e: number): boolean {
  if (str.length !== e - s) return false;
  for (let k = 0; k < str.length; k++) {
    const c = buf[s + k];
    if (c >= 0x80 || str.charCodeAt(k) !== c) return false;
  }
  return true;
}
