import fs from 'node:fs';
import { gunzipChunks, isGzip } from './gzip.ts';
import { InputError } from './errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../types.ts';

const READ_CHUNK = 1024 * 1024;

/**
 * A byte stream whose head can be inspected before it is consumed (format sniffing, gzip magic)
 * without reading the whole input: only the peeked chunks are held.
 */
export class PeekableBytes {
  private readonly it: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private done = false;
  /** a failure met while peeking is re-thrown after the peeked bytes have been consumed */
  private pendingError: unknown = null;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** at least `n` bytes from the start (fewer if the input is shorter) */
  async head(n: number): Promise<Buffer> {
    while (this.bufferedBytes < n && !this.done) await this.readOne();
    return this.peeked();
  }

  /**
   * Reads chunk by chunk until `decide(head, final)` gives an answer; `final` is true once the
   * input has ended or `limit` bytes are buffered, and then `decide` must answer. Only what the
   * decision needs is read, so a live stream is not held up.
   */
  async peekUntil<T>(
    limit: number,
    decide: (head: Buffer, final: boolean) => T | null,
  ): Promise<T> {
    for (;;) {
      const final = this.done || this.bufferedBytes >= limit;
      const answer = decide(this.peeked(), final);
      if (answer !== null) return answer;
      if (final) throw new Error('peekUntil: no answer on the final head');
      await this.readOne();
    }
  }

  private peeked(): Buffer {
    if (this.buffered.length === 0) return Buffer.alloc(0);
    if (this.buffered.length > 1)
      this.buffered.splice(0, this.buffered.length, Buffer.concat(this.buffered));
    return this.buffered[0];
  }

  private async readOne(): Promise<void> {
    let r: IteratorResult<Buffer>;
    try {
      r = await this.it.next();
    } catch (err) {
      this.pendingError = err;
      this.done = true;
      return;
    }
    if (r.done) this.done = true;
    else if (r.value.length > 0) {
      this.buffered.push(r.value);
      this.bufferedBytes += r.value.length;
    }
  }

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    try {
      while (this.buffered.length > 0) {
        const b = this.buffered.shift() as Buffer;
        this.bufferedBytes -= b.length;
        yield b;
      }
      if (this.pendingError !== null) {
        const err = this.pendingError;
        this.pendingError = null;
        throw err;
      }
      while (!this.done) {
        const r = await this.it.next();
        if (r.done) this.done = true;
        else yield r.value;
      }
    } finally {
      if (!this.done) await this.it.return?.();
    }
  }

  async close(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}

async function* fileChunks(fh: fs.promises.FileHandle): AsyncGenerator<Buffer, void, undefined> {
  const stream = fh.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

/** What a path is, for the message that refuses it. */
export function kindOfNode(st: fs.Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Opens a regular file for reading, and nothing else. O_NONBLOCK: opening a named pipe must not
 * wait for a writer (it would hang); the check is on the opened descriptor, so a path swapped
 * between a check and the open cannot slip a pipe or a device in.
 */
export async function openRegularFile(file: string): Promise<fs.promises.FileHandle> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'ENXIO') throw new InputError(`${file} is a socket, not a file: coordwatch reads files, folders or - (stdin)`);
    throw new InputError(`${file}: cannot be read (${code ?? String(err)})`);
  }
  const kind = kindOfNode(await fh.stat());
  if (kind !== null) {
    await fh.close();
    throw new InputError(
      `${file} is ${kind}, not a file: coordwatch reads files, folders or - (stdin); to read a pipe or device, send it to stdin (cat ${file} | coordwatch ingest -)`,
    );
  }
  return fh;
}

async function* streamChunks(
  stream: NodeJS.ReadableStream,
): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

/** Bytes of one input, gzip removed, head peekable. */
export interface OpenedInput {
  name: string;
  gzip: boolean;
  bytes: PeekableBytes;
}

export async function openInput(
  input: string | NodeJS.ReadableStream,
  name?: string,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<OpenedInput> {
  let raw: PeekableBytes;
  let label: string;
  if (typeof input === 'string' && input !== '-') {
    raw = new PeekableBytes(fileChunks(await openRegularFile(input)));
    label = name ?? input;
  } else {
    raw = new PeekableBytes(
      streamChunks(input === '-' ? process.stdin : (input as NodeJS.ReadableStream)),
    );
    label = name ?? '-';
  }
  const head = await raw.head(2);
  if (!isGzip(head)) return { name: label, gzip: false, bytes: raw };
  return {
    name: label,
    gzip: true,
    bytes: new PeekableBytes(gunzipChunks(raw.chunks(), label, maxDecompressedBytes)),
  };
}
