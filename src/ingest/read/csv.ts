import type { ParsedRecord } from '../../core/types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { InputError } from './errors.ts';
import type { RawLine } from './lines.ts';
import { readLines } from './lines.ts';
import { rejected, validated } from './records.ts';
import type { PeekableBytes } from './source.ts';
import type { LoosePost } from './validate.ts';

/** One CSV record (row) and the physical lines it came from. */
export interface CsvRecord {
  fields: string[];
  /** the row's lines as read, joined by \n */
  raw: string;
  /** 1-based line where the row starts */
  line: number;
  error: string | null;
}

function joinLines(lines: RawLine[]): string {
  let s = lines[0].text;
  for (let i = 1; i < lines.length; i++)
    s += (lines[i - 1].cr === true ? '\r\n' : '\n') + lines[i].text;
  return s;
}

/** A quoted field may span lines; beyond this it is taken for an unbalanced quote. */
const MAX_RECORD_LINES = 200;

/**
 * RFC 4180 rows from lines: quoted fields with doubled quotes and embedded line breaks. Lenient
 * where Python's csv module is (text after a closing quote is kept, a quote inside an unquoted
 * field is literal). An unbalanced quote must not swallow the rest of the file: when a multi-line
 * row comes out with the wrong number of columns, or grows past a limit, its first line is
 * rejected and the lines after it are read again as rows of their own.
 */
export class CsvRecordReader {
  /** column count every row must have; null while reading the header */
  expected: number | null = null;

  private pending: RawLine[] = [];
  private pendingChars = 0;
  private pendingError: string | null = null;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** text followed a closing quote somewhere in the row (`"abc"def`): kept, but suspect */
  private stray = false;

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordBytes: number,
  ) {}

  push(l: RawLine, out: CsvRecord[]): void {
    if (this.pending.length === 0) {
      if (l.error !== null) {
        out.push({ fields: [], raw: l.text, line: l.line, error: l.error });
        return;
      }
      const text = l.text;
      if (text.length === 0) return; // blank lines separate nothing
      if (!text.includes('"')) {
        out.push({ fields: text.split(this.delimiter), raw: text, line: l.line, error: null });
        return;
      }
      this.fields = [];
      this.field = '';
      this.inQuotes = false;
      this.stray = false;
      if (this.parse(text)) {
        out.push({ fields: this.fields, raw: text, line: l.line, error: null });
        this.fields = [];
        return;
      }
      this.pending = [l];
      this.pendingChars = text.length;
      this.pendingError = null;
      return;
    }
    // Continuing a quoted field across a line break.
    this.pending.push(l);
    this.pendingChars += l.text.length + 1;
    if (l.error !== null && this.pendingError === null) this.pendingError = l.error;
    this.field += this.pending[this.pending.length - 2].cr === true ? '\r\n' : '\n';
    const done = this.parse(l.text);
    if (done) {
      const lines = this.pending;
      const fields = this.fields;
      const error = this.pendingError;
      const stray = this.stray;
      this.clearPending();
      // A quote that closes a multi-line field and is not followed by a delimiter was most likely
      // an unbalanced quote that swallowed the next rows, even when the column count happens to fit.
      if (error === null && (stray || (this.expected !== null && fields.length !== this.expected)))
        this.recover(lines, out);
      else out.push({ fields, raw: joinLines(lines), line: lines[0].line, error });
      return;
    }
    if (this.pending.length > MAX_RECORD_LINES || this.pendingChars > this.maxRecordBytes) {
      const lines = this.pending;
      this.clearPending();
      this.recover(lines, out);
    }
  }

  end(out: CsvRecord[]): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    const error = this.pendingError;
    this.clearPending();
    if (error !== null) {
      out.push({ fields: [], raw: joinLines(lines), line: lines[0].line, error });
      return;
    }
    this.recover(lines, out);
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingChars = 0;
    this.pendingError = null;
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.stray = false;
  }

  private recover(lines: RawLine[], out: CsvRecord[]): void {
    out.push({
      fields: [],
      raw: lines[0].text,
      line: lines[0].line,
      error: 'unterminated quoted field',
    });
    for (let i = 1; i < lines.length; i++) this.push(lines[i], out);
    // Whatever is still open after the last line is settled by end() or by the next line.
  }

  /** Continues the current row with one line; true when the row is complete. */
  private parse(text: string): boolean {
    const d = this.delimiter;
    const n = text.length;
    let i = 0;
    // Whether the current field has started (a quote is only an opening quote at field start).
    let started = this.inQuotes;
    for (;;) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.field += text.slice(i);
          return false;
        }
        this.field += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          this.field += '"';
          i = q + 2;
          continue;
        }
        this.inQuotes = false;
        i = q + 1;
        continue;
      }
      if (!started && text.charCodeAt(i) === 0x22) {
        this.inQuotes = true;
        started = true;
        i++;
        continue;
      }
      const next = text.indexOf(d, i);
      const end = next === -1 ? n : next;
      if (end > i) {
        if (started) this.stray = true;
        this.field += text.slice(i, end);
      }
      this.fields.push(this.field);
      this.field = '';
      started = false;
      if (next === -1) return true;
      i = next + d.length;
      if (i >= n) {
        this.fields.push('');
        return true;
      }
    }
  }
}

/** A data row: its 0-based index among the data rows (header excluded). */
export interface CsvRow extends CsvRecord {
  row: number;
}

export interface CsvBatch {
  /** header names, trimmed */
  header: string[];
  rows: CsvRow[];
}

/**
 * The rows of a CSV input in batches, with its header. A header that cannot be read makes the
 * whole file unreadable: `onBadHeader` decides what to throw.
 */
export async function* readCsvBatches(
  lines: AsyncIterable<RawLine[]>,
  delimiter: string,
  maxRecordBytes: number,
  onBadHeader: (reason: string) => Error,
): AsyncGenerator<CsvBatch, void, undefined> {
  const reader = new CsvRecordReader(delimiter, maxRecordBytes);
  let header: string[] | null = null;
  let row = 0;
  let recs: CsvRecord[] = [];
  const takeHeader = (): void => {
    const r = recs.shift() as CsvRecord;
    if (r.error !== null) throw onBadHeader(r.error);
    header = r.fields.map((f) => f.trim());
    // Known from here on, so a row with an unbalanced quote can be told apart and recovered.
    reader.expected = header.length;
  };
  const toBatch = (): CsvBatch | null => {
    if (header === null || recs.length === 0) return null;
    const rows = recs as CsvRow[];
    for (const r of rows) r.row = row++;
    recs = [];
    return { header, rows };
  };
  for await (const batch of lines) {
    for (const l of batch) {
      reader.push(l, recs);
      if (header === null && recs.length > 0) takeHeader();
    }
    const b = toBatch();
    if (b !== null) yield b;
  }
  reader.end(recs);
  if (header === null && recs.length > 0) takeHeader();
  const b = toBatch();
  if (b !== null) yield b;
}

/** A CSV format: its delimiter, and from its header (checked once) the row → post builder. */
export interface CsvLayout {
  delimiter: string;
  /** throws InputError when the header is not this format's; the builder may give a rejection reason instead of a post */
  header: (header: string[]) => (row: CsvRow) => LoosePost | string;
}

/** Column positions by name, and a row's cell by column name ('' for a column the file lacks). */
export function columns(header: readonly string[]): { has: (name: string) => boolean; cell: (row: CsvRow, name: string) => string } {
  const col: Record<string, number> = {};
  for (let i = 0; i < header.length; i++) col[header[i]] = i;
  return {
    has: (name) => col[name] !== undefined,
    cell: (row, name) => {
      const k = col[name];
      return k === undefined ? '' : row.fields[k];
    },
  };
}

/**
 * The frame of the CSV formats: rows of the input, an unreadable row or one with the wrong
 * number of columns a rejected record, every other row the post the layout builds, validated.
 */
export async function* readCsvRecords(bytes: PeekableBytes, ctx: ReadContext, layout: CsvLayout): RecordBatches {
  const file = ctx.file;
  const lines = readLines(bytes.chunks(), file, ctx.maxLineBytes);
  let toLoose: ((row: CsvRow) => LoosePost | string) | null = null;
  for await (const { header, rows } of readCsvBatches(
    lines,
    layout.delimiter,
    ctx.maxLineBytes,
    (r) => new InputError(`${file}: cannot read the CSV header: ${r}`),
  )) {
    toLoose ??= layout.header(header);
    const out: ParsedRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.error !== null) out[i] = rejected(file, r.line, null, r.raw, r.error);
      else if (r.fields.length !== header.length)
        out[i] = rejected(file, r.line, null, r.raw, `expected ${header.length} columns, got ${r.fields.length}`);
      else {
        const loose = toLoose(r);
        out[i] = typeof loose === 'string' ? rejected(file, r.line, null, r.raw, loose) : validated(loose, ctx, r.raw, r.line, null);
      }
    }
    yield out;
  }
}
