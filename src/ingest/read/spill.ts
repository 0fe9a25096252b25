import fs from 'node:fs';
import path from 'node:path';

/**
 * Records in partitions, kept in memory or spilled to one temp file per partition. Records are
 * little-endian binary: 32-bit integers, UTF-8 strings with a 32-bit byte length, 32-bit
 * unsigned arrays. A partition is written once, then read once as a whole (`forEach`) and dropped.
 */

const CHUNK = 256 * 1024;
const EMPTY = { buf: Buffer.alloc(0), used: 0 };

export class RecordReader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end: number,
  ) {}

  int(): number {
    const b = this.buf;
    const p = this.pos;
    // by hand: Buffer's readInt32LE/readUInt32LE cost several times more per call
    const v = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    this.pos = p + 4;
    return v;
  }

  str(): string {
    const len = this.buf.readUInt32LE(this.pos);
    const from = this.pos + 4;
    this.pos = from + len;
    return this.buf.toString('utf8', from, from + len);
  }

  /** start of the last ref() */
  refStart = 0;
  /** Skips a string field (or bytes()), leaving its UTF-8 bytes at buf[refStart, refStart + returned length). */
  ref(): number {
    const len = this.buf.readUInt32LE(this.pos);
    this.refStart = this.pos + 4;
    this.pos = this.refStart + len;
    return len;
  }

  /** `m` unsigned 32-bit values into `out` */
  u32(out: Uint32Array, m: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < m; k++, p += 4)
      out[k] = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    this.pos = p;
  }
}

interface Part {
  chunks: { buf: Buffer; used: number }[];
  buf: Buffer;
  used: number;
  fd: number;
  file: string | null;
  bytes: number;
}

export class SpillStore {
  private readonly parts: Part[] = [];
  /** bytes written to temp files */
  spilled = 0;
  private cur!: Part;

  constructor(
    count: number,
    /** folder for the partition files; null: keep them in memory */
    private readonly dir: string | null,
    name: string,
  ) {
    for (let p = 0; p < count; p++) {
      const file = dir === null ? null : path.join(dir, `${name}-${p}.bin`);
      this.parts.push({
        chunks: [],
        buf: Buffer.allocUnsafe(dir === null ? CHUNK : 64 * 1024),
        used: 0,
        fd: file === null ? -1 : fs.openSync(file, 'w'),
        file,
        bytes: 0,
      });
    }
  }

  get count(): number {
    return this.parts.length;
  }

  /** Starts a record of at most `maxBytes` in partition `p`; write its fields with int/str/u32. */
  begin(p: number, maxBytes: number): this {
    const part = this.parts[p];
    if (part.used + maxBytes > part.buf.length) {
      this.flush(part);
      if (maxBytes > part.buf.length) part.buf = Buffer.allocUnsafe(maxBytes);
    }
    this.cur = part;
    return this;
  }

  int(v: number): this {
    const part = this.cur;
    part.buf.writeInt32LE(v, part.used);
    part.used += 4;
    return this;
  }

  /** a string; the record's `maxBytes` must allow 4 + 3 × its length */
  str(s: string): this {
    const part = this.cur;
    const len = part.buf.write(s, part.used + 4, 'utf8');
    part.buf.writeUInt32LE(len, part.used);
    part.used += 4 + len;
    return this;
  }

  /** raw bytes src[s, e), read back as a string (or a ref()) */
  bytes(src: Uint8Array, s: number, e: number): this {
    const part = this.cur;
    const b = part.buf;
    b.writeUInt32LE(e - s, part.used);
    const at = part.used + 4;
    // short keys (ids, links) copied by hand: a subarray and set() per record cost more
    if (e - s <= 64) for (let k = s; k < e; k++) b[at + k - s] = src[k];
    else b.set(src.subarray(s, e), at);
    part.used = at + e - s;
    return this;
  }

  /** bytes src[s, e) of a quoted CSV field with each `""` written as `"`, read back as a string (or a ref()) */
  unquoted(src: Uint8Array, s: number, e: number): this {
    const part = this.cur;
    const b = part.buf;
    const from = part.used + 4;
    let u = from;
    for (let k = s; k < e; k++) {
      const c = src[k];
      b[u++] = c;
      if (c === 0x22 && k + 1 < e && src[k + 1] === 0x22) k++;
    }
    b.writeUInt32LE(u - from, part.used);
    part.used = u;
    return this;
  }

  u32(a: Uint32Array, m: number): this {
    const part = this.cur;
    const b = part.buf;
    let u = part.used;
    // by hand: Buffer's writeUInt32LE costs more per call
    for (let k = 0; k < m; k++, u += 4) {
      const v = a[k];
      b[u] = v;
      b[u + 1] = v >>> 8;
      b[u + 2] = v >>> 16;
      b[u + 3] = v >>> 24;
    }
    part.used = u;
    return this;
  }

  private flush(part: Part): void {
    if (part.used === 0) return;
    part.bytes += part.used;
    if (part.fd >= 0) {
      fs.writeSync(part.fd, part.buf, 0, part.used);
      this.spilled += part.used;
      part.used = 0;
      return;
    }
    part.chunks.push({ buf: part.buf, used: part.used });
    part.buf = Buffer.allocUnsafe(CHUNK);
    part.used = 0;
  }

  /** Reads partition `p`'s records (`read` consumes exactly one record per call), then drops it. */
  forEach(p: number, read: (r: RecordReader) => void): void {
    const part = this.parts[p];
    this.flush(part);
    let chunks = part.chunks;
    if (part.fd >= 0) {
      fs.closeSync(part.fd);
      part.fd = -1;
      const buf = fs.readFileSync(part.file!);
      fs.rmSync(part.file!, { force: true });
      chunks = [{ buf, used: buf.length }];
    }
    part.chunks = [];
    part.buf = Buffer.alloc(0);
    for (let k = 0; k < chunks.length; k++) {
      const r = new RecordReader(chunks[k].buf, chunks[k].used);
      // each chunk is let go once read
      chunks[k] = EMPTY;
      while (r.pos < r.end) read(r);
    }
  }

  /** Closes and removes whatever is left. */
  close(): void {
    for (const part of this.parts) {
      if (part.fd >= 0) fs.closeSync(part.fd);
      part.fd = -1;
      if (part.file !== null) fs.rmSync(part.file, { force: true });
      part.chunks = [];
    }
  }
}
