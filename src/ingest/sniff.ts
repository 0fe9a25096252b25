import fs from 'node:fs';
import { CsvRecordReader } from './read/csv.ts';
import type { CsvRecord } from './read/csv.ts';
import { InputError } from './read/errors.ts';
import { crToLf, lineBreaks } from './read/lines.ts';
import { AUTHORS_FILE } from './adapters/ira-by-author.ts';
import { JsonValueSplitter, jsonLayout } from './read/json-values.ts';
import type { JsonItem } from './read/json-values.ts';
import { openInput } from './read/source.ts';
import { ADAPTERS, INPUT_FORMATS, bestFormat } from './registry.ts';
import type { InputFormat } from './registry.ts';

/** bytes of (decompressed) head examined to tell the format */
export const SNIFF_BYTES = 256 * 1024;

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x42, 0x5a, 0x68], 'a bzip2 file'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz file'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd file'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7z archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file'],
];

/** which JSON format a first record belongs to, or null if it says nothing */
export function classifyJson(v: unknown): InputFormat | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  return bestFormat((a) => a.sniffJson?.(o));
}

/** which CSV layout a header names */
export function classifyCsvHeader(header: string[]): InputFormat {
  const h = header.map((x) => x.trim());
  return bestFormat((a) => a.sniffCsvHeader?.(h)) ?? 'csv';
}

function startsWith(head: Buffer, magic: number[]): boolean {
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic[i]) return false;
  return true;
}

function firstJsonValues(head: Buffer, max: number): JsonItem[] {
  const splitter = new JsonValueSplitter(head.length + 1);
  const out: JsonItem[] = [];
  splitter.push(head, out);
  return out.slice(0, max);
}

/** Guess from key names in the text when no whole record fits in the head (pages of several MB). */
function sniffKeys(text: string): InputFormat | null {
  return bestFormat((a) => a.sniffText?.(text));
}

/**
 * The format of an input from its first bytes (gzip already removed). Throws InputError for
 * binary files and for JSON that is none of the known shapes.
 */
export function sniffFormat(head: Buffer, name: string): InputFormat {
  return sniffPartial(head, name, true) as InputFormat;
}

/**
 * Like sniffFormat, but null while the bytes seen so far cannot decide and more may come
 * (`final` false): a live stream is classified as soon as its first record is complete.
 */
export function sniffPartial(headIn: Buffer, name: string, final: boolean): InputFormat | null {
  let head = headIn;
  // old Mac line breaks (CR only) are read as lines: look at them as the readers will
  const breaks = lineBreaks(head, final);
  if (breaks === null && !final && head.length < SNIFF_BYTES && head.indexOf(0x0d) !== -1) return null;
  if (breaks === 'cr') head = crToLf(head);
  if (!final && head.length < 8) return null;
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) {
    throw new InputError(
      `${name} is UTF-16 text; convert it to UTF-8 first (e.g. iconv -f UTF-16 -t UTF-8)`,
    );
  }
  for (const [magic, what] of MAGIC)
    if (startsWith(head, magic))
      throw new InputError(
        `${name} looks like ${what}, not a supported input; unpack or convert it first`,
      );
  if (startsWith(head, [0xef, 0xbb, 0xbf])) head = head.subarray(3);
  let i = 0;
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
  )
    i++;
  // Nothing to read is not an error: the adapters yield nothing.
  if (i >= head.length) return final ? 'ndjson' : null;
  const nulAt = head.subarray(0, Math.min(head.length, 4096)).indexOf(0);
  if (nulAt !== -1 && head.subarray(0, 4096).filter((b) => b === 0).length > 8) {
    throw new InputError(`${name} looks like binary data (NUL bytes from byte ${nulAt}), not text`);
  }
  // Until the input ends, only complete lines are looked at.
  const lastNl = head.lastIndexOf(0x0a);
  const text = head.toString('utf8', 0, final ? head.length : lastNl + 1);
  const first = head[i];
  if (first === 0x5b || first === 0x7b) {
    const layout = jsonLayout(head, final);
    if (layout === null) return null;
    if (layout === 'document') {
      for (const it of firstJsonValues(head, 5)) {
        if (it.error !== null) continue;
        try {
          const f = classifyJson(JSON.parse(it.text));
          if (f !== null) return f;
        } catch {
          // a broken first value: look at the next
        }
      }
      if (!final) return null;
      // An array whose first element does not fit in the head: v1.1 timelines are arrays.
      return first === 0x5b
        ? 'twitter-v1'
        : (sniffKeys(head.toString('utf8')) ?? fail(name, 'a JSON document of unknown shape'));
    }
    const f = jsonLinesFormat(text);
    if (f !== null) return f;
    if (!final && countLines(text) < 20) return null;
    return sniffKeys(head.toString('utf8')) ?? fail(name, 'JSON lines of unknown shape');
  }
  if (!final && lastNl === -1) return null;
  const recs: CsvRecord[] = [];
  const reader = new CsvRecordReader(',', SNIFF_BYTES);
  let line = 0;
  for (const l of text.split('\n')) {
    const cr = l.endsWith('\r');
    reader.push({ text: cr ? l.slice(0, -1) : l, line: ++line, offset: 0, error: null, cr }, recs);
    if (recs.length > 0) break;
  }
  if (recs.length === 0 && !final) return null; // a quoted header field spanning lines
  if (recs.length === 0 || recs[0].fields.length < 2) {
    const tabs = text.split('\n')[0].split('\t').length;
    if (tabs >= 2) return 'csv';
    // JSON lines after a junk first line
    const f = jsonLinesFormat(text);
    if (f !== null) return f;
    if (!final && countLines(text) < 20) return null;
    return fail(name, 'neither JSON nor CSV with a header');
  }
  return classifyCsvHeader(recs[0].fields);
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** the format of the first recognisable line among the first 20 non-blank ones */
function jsonLinesFormat(text: string): InputFormat | null {
  const lines = text.split('\n');
  let seen = 0;
  // A last line cut by the head limit is never valid JSON, so trying it is harmless.
  for (let k = 0; k < lines.length && seen < 20; k++) {
    const line = lines[k].trim();
    if (line.length === 0) continue;
    seen++;
    if (line.charCodeAt(0) !== 0x7b) continue;
    try {
      const f = classifyJson(JSON.parse(line));
      if (f !== null) return f;
    } catch {
      // malformed line: the next one may tell
    }
  }
  return null;
}

function fail(name: string, what: string): never {
  throw new InputError(
    `cannot tell the format of ${name}: ${what}; give the format explicitly (${INPUT_FORMATS.join(', ')})`,
  );
}

/** The format of a folder: the first adapter that recognises it (the IRA per-author split has authors.csv at its top). */
export async function detectFolder(dir: string): Promise<InputFormat> {
  const a = ADAPTERS.find((x) => x.sniffFolder?.(dir) === true);
  if (a !== undefined) return a.name;
  throw new InputError(
    `${dir} is a folder without ${AUTHORS_FILE}: the only folder input is the IRA per-author split`,
  );
}

/** The format of a file (gzip or not) or folder, from its content. */
export async function detectFormat(input: string): Promise<InputFormat> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${input}: no such file or folder`
        : `${input}: cannot be read (${code ?? String(err)})`,
    );
  }
  if (stat.isDirectory()) return detectFolder(input);
  const opened = await openInput(input);
  try {
    return await opened.bytes.peekUntil(SNIFF_BYTES, (head, final) =>
      sniffPartial(head, input, final),
    );
  } finally {
    await opened.bytes.close();
  }
}
