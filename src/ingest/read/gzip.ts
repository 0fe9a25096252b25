import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { InputError } from './errors.ts';

/** Gzip is recognised by its magic bytes, never by the file name. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The decompressed stream ended early or is corrupt; everything before it was delivered. */
export class GzipStreamError extends Error {
  override name = 'GzipStreamError';
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

/**
 * Decompresses a chunk stream. Everything zlib could decode is yielded before a truncation or
 * corruption is reported as a GzipStreamError, so no good record before the damage is lost.
 * Concatenated gzip members (bgzip, `cat a.gz b.gz`) are read as one stream.
 */
export async function* gunzipChunks(
  src: AsyncIterable<Buffer>,
  name = '-',
  maxBytes = Infinity,
): AsyncGenerator<Buffer, void, undefined> {
  // On corrupt data (not truncation) zlib drops the output of the failing call: at most one
  // chunk. 64 KiB bounds that loss while keeping chunk overhead low.
  const gunzip = zlib.createGunzip({ chunkSize: 64 * 1024 });
  const input = Readable.from(src, { objectMode: false });
  // A source failure (fs error) destroys gunzip with that error; we re-classify zlib errors only.
  const piping = pipeline(input, gunzip).catch(() => undefined);
  let total = 0;
  try {
    for await (const chunk of gunzip) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw tooBig(name, maxBytes);
      yield chunk as Buffer;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new GzipStreamError(describe(err));
    throw err;
  } finally {
    gunzip.destroy();
    input.destroy();
    await piping;
  }
}
