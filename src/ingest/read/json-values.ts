import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8, readLines, splitStream } from './lines.ts';
import type { Splitter } from './lines.ts';
import type { PeekableBytes } from './source.ts';
import { MAX_RAW_CHARS } from '../types.ts';

/** One JSON text to parse: a line of a JSON-lines file, or one element/value of a JSON document. */
export interface JsonItem {
  text: string;
  /** 1-based line where the value starts */
  line: number;
  /** 0-based index in a top-level array; null for JSON lines and top-level values */
  item: number | null;
  error: string | null;
}

const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function decodeValue(buf: Buffer): { text: string; error: string | null } {
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    return {
      text: buf.toString('utf8', 0, Math.min(buf.length, MAX_RAW_CHARS)),
      error: `binary data: NUL byte at byte ${nul} of the value`,
    };
  }
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf, 0, buf.length);
    return {
      text: buf.toString('utf8', 0, Math.min(buf.length, MAX_RAW_CHARS)),
      error: `invalid UTF-8 at byte ${at} of the value`,
    };
  }
  return { text: buf.toString('utf8'), error: null };
}

/**
 * Splits a JSON document into values without parsing it: a top-level array yields its elements one
 * by one (a 500 MB array is never held whole), anything else yields each top-level value. Tracks
 * string, escape and nesting state byte by byte; UTF-8 continuation bytes are ≥ 0x80 and cannot be
 * mistaken for structure.
 */
export class JsonValueSplitter implements Splitter<JsonItem> {
  private line = 1;
  private depth = 0;
  private inStr = false;
  private esc = false;
  /** inside the top-level records array */
  private inArray = false;
  private item = 0;
  private active = false;
  /** the active value is a bare scalar (number, literal) ended by a delimiter */
  private scalar = false;
  private startLine = 0;
  private pieces: Buffer[] = [];
  private kept = 0;
  private total = 0;

  private atStart = true;

  constructor(private readonly maxValueBytes: number) {}

  private get base(): number {
    return this.inArray ? 1 : 0;
  }

  push(chunkIn: Buffer, out: JsonItem[]): void {
    let chunk = chunkIn;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      // a UTF-8 byte-order mark (spreadsheet and Windows exports) is not part of the document
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let startIdx = this.active ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (this.inStr) {
        if (b === NL) this.line++;
        if (this.esc) this.esc = false;
        else if (b === BACKSLASH) this.esc = true;
        else if (b === QUOTE) {
          this.inStr = false;
          if (this.active && this.depth === this.base) {
            this.finish(chunk, startIdx, i + 1, out);
            startIdx = -1;
          }
        }
        continue;
      }
      if (!this.active) {
        if (b === NL) {
          this.line++;
          continue;
        }
        if (isWs(b)) continue;
        if (this.inArray && b === COMMA) continue;
        if (this.inArray && b === CLOSE_BRACKET) {
          this.inArray = false;
          this.depth = 0;
          continue;
        }
        if (!this.inArray && b === OPEN_BRACKET && this.depth === 0) {
          this.inArray = true;
          this.depth = 1;
          continue;
        }
        this.active = true;
        this.scalar = false;
        this.startLine = this.line;
        startIdx = i;
        if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
        else if (b === QUOTE) this.inStr = true;
        else this.scalar = true;
        continue;
      }
      if (this.scalar) {
        if (isWs(b) || b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE) {
          this.finish(chunk, startIdx, i, out);
          startIdx = -1;
          i--; // the delimiter is handled in the idle state
        }
        continue;
      }
      if (b === NL) this.line++;
      else if (b === QUOTE) this.inStr = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === this.base) {
          this.finish(chunk, startIdx, i + 1, out);
          startIdx = -1;
        }
      }
    }
    if (this.active && startIdx !== -1) this.keep(chunk.subarray(startIdx));
  }

  end(out: JsonItem[], streamError: string | null): void {
    if (this.active) {
      const buf = Buffer.concat(this.pieces, this.kept);
      const { text } = decodeValue(buf);
      const reason =
        streamError ??
        (this.scalar ? null : 'invalid JSON: unexpected end of input inside a value');
      if (reason === null && this.total <= this.maxValueBytes) this.pushValue(buf, out);
      else
        out.push({
          text: text.slice(0, MAX_RAW_CHARS),
          line: this.startLine,
          item: this.inArray ? this.item : null,
          error: reason ?? this.tooLong(),
        });
      this.reset();
    } else if (streamError !== null) {
      out.push({ text: '', line: this.line, item: null, error: streamError });
    } else if (this.inArray) {
      out.push({
        text: '',
        line: this.line,
        item: null,
        error: 'invalid JSON: unexpected end of input: top-level array not closed',
      });
    }
  }

  private tooLong(): string {
    return `JSON value is ${this.total} bytes, over the ${this.maxValueBytes}-byte limit`;
  }

  private keep(piece: Buffer): void {
    this.total += piece.length;
    const room = Math.max(this.maxValueBytes, MAX_RAW_CHARS * 4) - this.kept;
    if (room <= 0) return;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    this.pieces.push(Buffer.from(kept));
    this.kept += kept.length;
  }

  private finish(chunk: Buffer, startIdx: number, endIdx: number, out: JsonItem[]): void {
    let buf: Buffer;
    if (this.pieces.length === 0) {
      buf = chunk.subarray(startIdx, endIdx);
      this.total = buf.length;
    } else {
      this.keep(chunk.subarray(0, endIdx));
      buf = Buffer.concat(this.pieces, this.kept);
    }
    if (this.total > this.maxValueBytes) {
      const { text } = decodeValue(buf.subarray(0, Math.min(buf.length, MAX_RAW_CHARS * 4)));
      out.push({
        text: text.slice(0, MAX_RAW_CHARS),
        line: this.startLine,
        item: this.inArray ? this.item : null,
        error: this.tooLong(),
      });
    } else this.pushValue(buf, out);
    if (this.inArray) this.item++;
    this.reset();
  }

  private pushValue(buf: Buffer, out: JsonItem[]): void {
    const { text, error } = decodeValue(buf);
    out.push({ text, line: this.startLine, item: this.inArray ? this.item : null, error });
  }

  private reset(): void {
    this.active = false;
    this.scalar = false;
    this.pieces = [];
    this.kept = 0;
    this.total = 0;
  }
}

/**
 * Pretty-printed documents and arrays need the value splitter; everything else is JSON lines.
 * null: not decidable yet from `head` (more may come unless `final`).
 */
export function jsonLayout(head: Buffer, final: boolean): 'document' | 'lines' | null {
  let i = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && isWs(head[i])) i++;
  if (i >= head.length) return final ? 'lines' : null;
  if (head[i] === OPEN_BRACKET) return 'document';
  if (head[i] !== OPEN_BRACE) return 'lines';
  // `{` alone on its line: a pretty-printed object.
  let j = i + 1;
  while (j < head.length && (head[j] === 0x20 || head[j] === 0x09 || head[j] === 0x0d)) j++;
  if (j >= head.length) return final ? 'lines' : null;
  return head[j] === NL ? 'document' : 'lines';
}

async function* lineItems(
  chunks: AsyncIterable<Buffer>,
  name: string,
  maxBytes: number,
): AsyncGenerator<JsonItem[], void, undefined> {
  for await (const lines of readLines(chunks, name, maxBytes, { skipBlank: true })) {
    const out: JsonItem[] = [];
    for (const l of lines) {
      if (l.error === null && isBlank(l.text)) continue;
      out.push({ text: l.text, line: l.line, item: null, error: l.error });
    }
    if (out.length > 0) yield out;
  }
}

function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  if (c !== 0x20 && c !== 0x09) return false;
  return s.trim().length === 0;
}

/** JSON texts of an input, in batches: JSON lines, or the values of a JSON document. */
export async function* readJsonItems(
  bytes: PeekableBytes,
  name: string,
  maxBytes: number,
): AsyncGenerator<JsonItem[], void, undefined> {
  const layout = await bytes.peekUntil(
    64 * 1024,
    (head, final) => jsonLayout(head, final) ?? (final ? 'lines' : null),
  );
  if (layout === 'document') yield* splitStream(bytes.chunks(), name, new JsonValueSplitter(maxBytes));
  else yield* lineItems(bytes.chunks(), name, maxBytes);
}
