import { isUtf8 } from 'node:buffer';
import { GzipStreamError } from './gzip.ts';
import { InputError } from './errors.ts';
import { MAX_RAW_CHARS } from '../types.ts';

/** One physical line of the (decompressed) input. */
export interface RawLine {
  /** decoded text without the line break; for bad lines, a lossy decoding capped at MAX_RAW_CHARS */
  text: string;
  /** 1-based */
  line: number;
  /** byte offset of the line start in the decompressed stream */
  offset: number;
  /** why the line cannot be used (invalid UTF-8, NUL byte, too long, stream cut inside it) */
  error: string | null;
  /** the line ended in CR LF (kept apart so a CSV field spanning lines keeps its CR LF) */
  cr: boolean;
}

const NL = 0x0a;
const CR = 0x0d;

/** Offset of the first byte that breaks UTF-8 in buf[start, end), or -1. Only run on lines already known to be bad. */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= end) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function decodeForRaw(buf: Buffer, start: number, end: number): string {
  // Four bytes per char at most: enough bytes for MAX_RAW_CHARS characters, never the whole line.
  const stop = Math.min(end, start + MAX_RAW_CHARS * 4);
  const text = buf.toString('utf8', start, stop);
  return text.length > MAX_RAW_CHARS ? text.slice(0, MAX_RAW_CHARS) : text;
}

/**
 * How the input ends its lines, from its first line break: 'cr' for old Mac files (a CR not
 * followed by LF), 'lf' for LF and CR LF, null while no break has been seen (or a CR ends the
 * bytes seen so far and `final` is false).
 */
export function lineBreaks(buf: Uint8Array, final: boolean): 'cr' | 'lf' | null {
  const n = buf.length;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === NL) return 'lf';
    if (b === CR) {
      if (i + 1 < n) return buf[i + 1] === NL ? 'lf' : 'cr';
      return final ? 'cr' : null;
    }
  }
  return null;
}

/** CR-only line breaks as LF, byte for byte (offsets stay true). */
export function crToLf(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  for (let i = out.indexOf(CR); i !== -1; i = out.indexOf(CR, i + 1)) out[i] = NL;
  return out;
}

/**
 * Splits a byte stream into lines, keeping line numbers and byte offsets. Validation is done a
 * chunk at a time (one native isUtf8 and one NUL scan per chunk); only a chunk that fails is
 * examined line by line, so clean input pays almost nothing for it.
 */
export class LineSplitter implements Splitter<RawLine> {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** bytes of the current line seen so far, including those dropped past the limit */
  private carryTotal = 0;
  private lineNo = 0;
  private offset = 0;
  private atStart = true;
  /** line breaks of this input: decided at the first one (see lineBreaks) */
  private breaks: 'cr' | 'lf' | null = null;
  /** a CR ended the last chunk before the line breaks were decided */
  private heldCr: Buffer | null = null;

  /**
   * `skipBlank`: runs of empty lines are counted (line numbers and offsets stay true) but not
   * emitted, a run at a time — a body of newlines costs a scan, not an object per line. Only
   * for line formats where a blank line means nothing (JSON lines); a CSV keeps them, since a
   * quoted field may hold one.
   */
  constructor(
    private readonly maxLineBytes: number,
    private readonly skipBlank = false,
  ) {}

  push(chunkIn: Buffer, out: RawLine[]): void {
    let chunk = chunkIn;
    if (this.breaks === null) {
      if (this.heldCr !== null) {
        chunk = Buffer.concat([this.heldCr, chunk]);
        this.heldCr = null;
      }
      this.breaks = lineBreaks(chunk, false);
      if (this.breaks === null && chunk.length > 0 && chunk[chunk.length - 1] === CR) {
        // undecided until the next byte: is it CR LF or a lone CR?
        this.pushLines(chunk.subarray(0, chunk.length - 1), out);
        this.heldCr = Buffer.from(chunk.subarray(chunk.length - 1));
        return;
      }
    }
    this.pushLines(this.breaks === 'cr' ? crToLf(chunk) : chunk, out);
  }

  private pushLines(chunk: Buffer, out: RawLine[]): void {
    if (chunk.length === 0) return;
    let start = 0;
    let nl = chunk.indexOf(NL, 0);
    if (this.carryTotal > 0) {
      if (nl === -1) {
        this.addCarry(chunk);
        return;
      }
      this.addCarry(chunk.subarray(0, nl));
      this.flushCarry(out, null);
      start = nl + 1;
      nl = chunk.indexOf(NL, start);
    }
    if (nl !== -1) {
      const last = chunk.lastIndexOf(NL);
      const region = chunk.subarray(start, last);
      const clean = region.indexOf(0) === -1 && isUtf8(region);
      // Lines are decoded one by one: measured faster than one decode per chunk (ASCII lines stay
      // one-byte strings, and no slice keeps a whole chunk alive).
      while (nl !== -1) {
        if (this.skipBlank && nl === start) {
          let j = nl;
          while (j <= last && chunk[j] === NL) j++;
          this.lineNo += j - start;
          this.offset += j - start;
          this.atStart = false;
          start = j;
          nl = j > last ? -1 : chunk.indexOf(NL, j);
          continue;
        }
        this.emit(chunk, start, nl, clean, out);
        start = nl + 1;
        nl = nl === last ? -1 : chunk.indexOf(NL, start);
      }
    }
    if (start < chunk.length) this.addCarry(start === 0 ? chunk : chunk.subarray(start));
  }

  /** `streamError`: the stream broke off; the partial last line (or an empty one) carries the reason. */
  end(out: RawLine[], streamError: string | null): void {
    if (this.heldCr !== null) {
      // the input ended in its first CR: a lone CR, a line break
      this.breaks = 'cr';
      const held = this.heldCr;
      this.heldCr = null;
      this.pushLines(crToLf(held), out);
    }
    if (this.carryTotal > 0) this.flushCarry(out, streamError);
    else if (streamError !== null) {
      this.lineNo++;
      out.push({ text: '', line: this.lineNo, offset: this.offset, error: streamError, cr: false });
    }
  }

  private addCarry(piece: Buffer): void {
    this.carryTotal += piece.length;
    // Past the limit only the head is kept (for the rejected record's raw text).
    const room = Math.max(this.maxLineBytes, MAX_RAW_CHARS * 4) - this.carryBytes;
    if (room <= 0) return;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    // Copied: a short carried tail must not keep a whole input chunk alive.
    this.carry.push(Buffer.from(kept));
    this.carryBytes += kept.length;
  }

  private flushCarry(out: RawLine[], streamError: string | null): void {
    const buf =
      this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, this.carryBytes);
    const total = this.carryTotal;
    this.carry = [];
    this.carryBytes = 0;
    this.carryTotal = 0;
    if (streamError !== null) {
      this.lineNo++;
      out.push({
        text: decodeForRaw(buf, 0, buf.length),
        line: this.lineNo,
        offset: this.offset,
        error: streamError,
        cr: false,
      });
      this.offset += total;
      return;
    }
    if (total > this.maxLineBytes) {
      this.emitTooLong(buf, 0, total, out);
      this.offset += 1;
      return;
    }
    this.emit(buf, 0, buf.length, false, out);
    // emit() advanced offset by buf.length + 1 (the newline), which is what we consumed.
  }

  private emitTooLong(buf: Buffer, start: number, total: number, out: RawLine[]): void {
    this.lineNo++;
    const reason = `line is ${total} bytes, over the ${this.maxLineBytes}-byte limit`;
    out.push({
      text: decodeForRaw(buf, start, buf.length),
      line: this.lineNo,
      offset: this.offset,
      error: reason,
      cr: false,
    });
    this.offset += total;
    this.atStart = false;
  }

  private emit(buf: Buffer, start: number, end: number, clean: boolean, out: RawLine[]): void {
    const lineOffset = this.offset;
    this.offset += end - start + 1;
    this.lineNo++;
    if (this.atStart) {
      this.atStart = false;
      // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first field.
      if (
        end - start >= 3 &&
        buf[start] === 0xef &&
        buf[start + 1] === 0xbb &&
        buf[start + 2] === 0xbf
      )
        start += 3;
    }
    let cr = false;
    if (end > start && buf[end - 1] === CR) {
      end--;
      cr = true;
    }
    if (end - start > this.maxLineBytes) {
      out.push({
        text: decodeForRaw(buf, start, end),
        line: this.lineNo,
        offset: lineOffset,
        error: `line is ${end - start} bytes, over the ${this.maxLineBytes}-byte limit`,
        cr: false,
      });
      return;
    }
    if (!clean) {
      // searched within the line only: a search to the chunk end per line would be quadratic
      const rel = buf.subarray(start, end).indexOf(0);
      const bad = rel === -1 ? -1 : start + rel;
      if (bad !== -1) {
        out.push({
          text: decodeForRaw(buf, start, end),
          line: this.lineNo,
          offset: lineOffset,
          error: `binary data: NUL byte at byte offset ${lineOffset + (bad - start)} (byte ${bad - start} of the line)`,
          cr: false,
        });
        return;
      }
      if (!isUtf8(buf.subarray(start, end))) {
        const at = firstInvalidUtf8(buf, start, end);
        out.push({
          text: decodeForRaw(buf, start, end),
          line: this.lineNo,
          offset: lineOffset,
          error: `invalid UTF-8 at byte offset ${lineOffset + (at - start)} (byte ${at - start} of the line)`,
          cr: false,
        });
        return;
      }
    }
    out.push({
      text: buf.toString('utf8', start, end),
      line: this.lineNo,
      offset: lineOffset,
      error: null,
      cr,
    });
  }
}

/** A byte-stream splitter (lines, JSON values): items out of each chunk, the rest at the end. */
export interface Splitter<T> {
  push(chunk: Buffer, out: T[]): void;
  /** `streamError`: the stream broke off; the item cut by it (or an empty one) carries the reason */
  end(out: T[], streamError: string | null): void;
}

/**
 * A splitter's items in batches (one per input chunk, so the consumer loops synchronously
 * inside a batch). A broken gzip stream ends the input with one bad item; garbage after
 * complete gzip data ends it with the last item whole and one bad item for the tail; any other
 * read failure is an InputError.
 */
export async function* splitStream<T>(
  chunks: AsyncIterable<Buffer>,
  name: string,
  splitter: Splitter<T>,
): AsyncGenerator<T[], void, undefined> {
  let out: T[] = [];
  let streamError: string | null = null;
  try {
    for await (const chunk of chunks) {
      splitter.push(chunk, out);
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (err) {
    if (err instanceof GzipStreamError && err.complete) splitter.end(out, null);
    if (err instanceof GzipStreamError) streamError = err.message;
    else if (err instanceof InputError) throw err;
    else throw new InputError(`${name}: read failed: ${(err as Error)?.message ?? String(err)}`);
  }
  splitter.end(out, streamError);
  if (out.length > 0) yield out;
}

/** Lines of a byte stream in batches (see splitStream). */
export function readLines(
  chunks: AsyncIterable<Buffer>,
  name: string,
  maxLineBytes: number,
  opts: { skipBlank?: boolean } = {},
): AsyncGenerator<RawLine[], void, undefined> {
  return splitStream(chunks, name, new LineSplitter(maxLineBytes, opts.skipBlank ?? false));
}
