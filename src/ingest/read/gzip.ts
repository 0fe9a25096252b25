import zlib from 'node:zlib';
import { InputError } from './errors.ts';

/** Gzip is recognised by its magic bytes, never by the file name. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The decompressed stream ended early or is corrupt; everything before it was delivered. */
export class GzipStreamError extends Error {
  override name = 'GzipStreamError';
  /**
   * true: the gzip data ended cleanly and bytes that are not gzip follow; what was delivered
   * is whole (its last line is a line, not a cut one)
   */
  readonly complete: boolean;
  constructor(message: string, complete = false) {
    super(message);
    this.complete = complete;
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  if (e && e.code === 'Z_BUF_ERROR') return `truncated gzip stream: ${msg}`;
  return `corrupt gzip stream: ${msg}`;
}

function tooBig(name: string, maxBytes: number): InputError {
  return new InputError(
    `${name}: decompresses to more than ${maxBytes} bytes (the maxDecompressedBytes limit): a gzip bomb, or a file too large for one input; split it or raise the limit`,
  );
}

/** Compressed bytes given to zlib per call: bounds what one call can expand to (~16 MiB) and what a corrupt block can take down with it. */
const PIECE = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** Compressed input, read on demand. */
class Input {
  private readonly it: AsyncIterator<Buffer>;
  buf: Buffer = EMPTY;
  ended = false;
  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }
  /** at least n bytes buffered, unless the input ends first */
  async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length > 0) this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
  }
  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  unshift(b: Buffer): void {
    if (b.length > 0) this.buf = this.buf.length === 0 ? b : Buffer.concat([b, this.buf]);
  }
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }
}

/** Length of the member header at the start of `b` (RFC 1952), or null if `b` is too short to tell. */
function headerLength(b: Buffer): number | null {
  if (b.length < 10) return null;
  if (b[2] !== 8) throw new GzipStreamError('corrupt gzip stream: unknown compression method');
  const flg = b[3];
  let i = 10;
  if (flg & 4) {
    if (b.length < i + 2) return null;
    i += 2 + b.readUInt16LE(i);
  }
  for (const bit of [8, 16]) {
    if (flg & bit) {
      const z = b.indexOf(0, i);
      if (z === -1) return null;
      i = z + 1;
    }
  }
  if (flg & 2) i += 2;
  return i <= b.length ? i : null;
}

function streamError(err: unknown): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? new GzipStreamError(describe(err)) : (err as Error);
}

/**
 * One member's deflate data, inflated piece by piece: yields output as it comes, and leaves the
 * input after the deflate data (trailer, next member, or garbage) in `input`.
 */
async function* inflateMember(input: Input): AsyncGenerator<Buffer, void, undefined> {
  const inf = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
  const out: Buffer[] = [];
  let failed: Error | null = null;
  let finished = false;
  inf.on('data', (c: Buffer) => out.push(c));
  inf.on('error', (e) => (failed = streamError(e)));
  inf.on('end', () => (finished = true));
  let fed = 0;
  try {
    for (;;) {
      await input.fill(1);
      if (input.buf.length === 0) {
        // input over: flush; a deflate stream cut short fails here (truncated)
        await new Promise<void>((resolve) => {
          inf.once('end', resolve);
          inf.once('error', () => resolve());
          inf.end();
        });
        while (out.length > 0) yield out.shift() as Buffer;
        if (failed) throw failed;
        return;
      }
      const piece = input.take(PIECE);
      await new Promise<void>((resolve) => {
        // on a zlib error the write callback may never come: the error event settles it
        const settle = () => {
          inf.off('error', settle);
          resolve();
        };
        inf.once('error', settle);
        inf.write(piece, settle);
      });
      fed += piece.length;
      while (out.length > 0) yield out.shift() as Buffer;
      if (failed) throw failed;
      const left = fed - inf.bytesWritten;
      if (left > 0 || finished) {
        // the deflate data ended inside this piece: the rest belongs to what follows
        input.unshift(piece.subarray(piece.length - left));
        return;
      }
    }
  } finally {
    inf.destroy();
  }
}

/**
 * Decompresses a chunk stream, member by member (RFC 1952): concatenated members (bgzip,
 * `cat a.gz b.gz`) are read as one stream, zero padding after the last is ignored. Everything
 * decoded is yielded before a truncation, corruption or trailing garbage is reported as a
 * GzipStreamError, so every complete record before the damage comes through: the reader turns
 * the error into one rejected record. Checksums (CRC-32, length) are checked per member.
 */
export async function* gunzipChunks(
  src: AsyncIterable<Buffer>,
  name = '-',
  maxBytes = Infinity,
): AsyncGenerator<Buffer, void, undefined> {
  const input = new Input(src);
  let total = 0;
  let members = 0;
  try {
    for (;;) {
      await input.fill(10);
      if (input.buf.length === 0) return;
      if (members > 0 && !isGzip(input.buf)) {
        // zero padding is fine (gzip(1) and zlib accept it); anything else is not gzip data
        let extra = 0;
        let zeros = true;
        for (;;) {
          for (const b of input.buf) if (b !== 0) zeros = false;
          extra += input.buf.length;
          input.take(input.buf.length);
          if (input.ended || extra > 64 * 1024 * 1024) break;
          await input.fill(1);
        }
        if (zeros && input.ended) return;
        throw new GzipStreamError(
          `trailing garbage after the gzip stream: ${input.ended ? extra : `more than ${extra}`} bytes that are not gzip data`,
          true,
        );
      }
      let hlen = headerLength(input.buf);
      while (hlen === null && !input.ended) {
        await input.fill(input.buf.length + 1);
        hlen = headerLength(input.buf);
      }
      if (hlen === null) throw new GzipStreamError('truncated gzip stream: unexpected end of file');
      input.take(hlen);
      members++;
      let crc = 0;
      let size = 0;
      for await (const chunk of inflateMember(input)) {
        total += chunk.length;
        if (total > maxBytes) throw tooBig(name, maxBytes);
        crc = zlib.crc32(chunk, crc);
        size = (size + chunk.length) % 0x1_0000_0000;
        yield chunk;
      }
      await input.fill(8);
      if (input.buf.length < 8) throw new GzipStreamError('truncated gzip stream: unexpected end of file');
      const trailer = input.take(8);
      if (trailer.readUInt32LE(0) !== crc >>> 0) throw new GzipStreamError('corrupt gzip stream: incorrect data check');
      if (trailer.readUInt32LE(4) !== size) throw new GzipStreamError('corrupt gzip stream: incorrect length check');
    }
  } finally {
    await input.close();
  }
}
