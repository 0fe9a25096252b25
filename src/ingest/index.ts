import fs from 'node:fs';
import type { ParsedRecord } from '../core/types.ts';
import { readCntCsv } from './cnt-csv.ts';
import { readMappedCsv } from './csv-mapped.ts';
import { SNIFF_BYTES, detectFolder, sniffPartial } from './detect.ts';
import { InputError } from './errors.ts';
import { readIra538 } from './ira-538.ts';
import { readAuthorFile, readIraFolder } from './ira-by-author.ts';
import { readNdjson } from './ndjson.ts';
import { openInput } from './source.ts';
import { isValidTimeZone } from './timestamps.ts';
import { readTwitterV1 } from './twitter-v1.ts';
import type { InputFormat, ReadContext, ReadOptions, RecordBatches } from './types.ts';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_TEXT_BYTES,
  FUTURE_TOLERANCE_MS,
  INPUT_FORMATS,
} from './types.ts';
import { readXv2 } from './x-v2.ts';

export { detectFormat, sniffFormat } from './detect.ts';
export { InputError } from './errors.ts';
export { parseColumnMapping, MAPPABLE_FIELDS, MAPPING_OPTIONS } from './mapping.ts';
export { iraRepostKey, rtPrefixRepostKey } from './repost-key.ts';
export type { ColumnMapping, InputFormat, ReadOptions } from './types.ts';
export { INPUT_FORMATS } from './types.ts';

function context(opts: ReadOptions, file: string): ReadContext {
  const tz = opts.timezone ?? null;
  if (tz !== null && !isValidTimeZone(tz))
    throw new InputError(`unknown time zone "${tz}" (use an IANA name such as America/New_York)`);
  const now =
    opts.now === undefined
      ? Date.now()
      : typeof opts.now === 'number'
        ? opts.now
        : opts.now.getTime();
  const positive = (v: number | undefined, d: number, what: string): number => {
    if (v === undefined) return d;
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(`${what} must be a positive integer, not ${v}`);
    return v;
  };
  return {
    file,
    maxTextBytes: positive(opts.maxTextBytes, DEFAULT_MAX_TEXT_BYTES, 'maxTextBytes'),
    maxLineBytes: positive(opts.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 'maxLineBytes'),
    defaultPlatform: opts.defaultPlatform ?? null,
    timezone: tz,
    maxPostedAtMs: now + FUTURE_TOLERANCE_MS,
  };
}

/** Formats without a platform of their own are X/Twitter data unless told otherwise. */
function withPlatform(ctx: ReadContext): ReadContext {
  return ctx.defaultPlatform === null ? { ...ctx, defaultPlatform: 'x' } : ctx;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isDirectory();
  } catch {
    return false; // openInput reports missing or unreadable files
  }
}

/**
 * Records in batches (one per chunk of input), for callers that move records in chunks anyway
 * (the ingest queue). Same records, same order as readRecords.
 */
export async function* readRecordBatches(
  input: string | NodeJS.ReadableStream,
  opts: ReadOptions = {},
): AsyncGenerator<ParsedRecord[], void, undefined> {
  if (opts.format !== undefined && !INPUT_FORMATS.includes(opts.format)) {
    throw new InputError(
      `unknown format "${String(opts.format)}"; known: ${INPUT_FORMATS.join(', ')}`,
    );
  }
  const name = typeof input === 'string' ? (opts.name ?? input) : (opts.name ?? '-');
  const ctx = context(opts, name);
  if (typeof input === 'string' && input !== '-' && (await isDirectory(input))) {
    const f = opts.format ?? (await detectFolder(input));
    if (f !== 'ira-by-author')
      throw new InputError(`${input} is a folder; only the ira-by-author format reads folders`);
    yield* readIraFolder(input, withPlatform(ctx));
    return;
  }
  const opened = await openInput(input, name);
  try {
    const format: InputFormat =
      opts.format ??
      (await opened.bytes.peekUntil(SNIFF_BYTES, (head, final) => sniffPartial(head, name, final)));
    let batches: RecordBatches;
    switch (format) {
      case 'ndjson':
        batches = readNdjson(opened.bytes, ctx);
        break;
      case 'x-v2':
        batches = readXv2(opened.bytes, ctx);
        break;
      case 'twitter-v1':
        batches = readTwitterV1(opened.bytes, ctx);
        break;
      case 'cnt-csv':
        batches = readCntCsv(opened.bytes, withPlatform(ctx));
        break;
      case 'ira-538':
        batches = readIra538(opened.bytes, withPlatform(ctx));
        break;
      case 'ira-by-author':
        batches = readAuthorFile(opened.bytes, withPlatform(ctx), null);
        break;
      case 'csv':
        batches = readMappedCsv(opened.bytes, withPlatform(ctx), opts.mapping);
        break;
    }
    yield* batches;
  } finally {
    await opened.bytes.close();
  }
}

/**
 * The records of a file, folder (IRA per-author split), `-` (stdin) or stream, one by one, in
 * input order. Bad records come through as `{ ok: false, pos, raw, reason }`; InputError is
 * thrown when the input cannot be read at all. Nothing is held beyond one input chunk.
 */
export async function* readRecords(
  input: string | NodeJS.ReadableStream,
  opts: ReadOptions = {},
): AsyncGenerator<ParsedRecord, void, undefined> {
  for await (const batch of readRecordBatches(input, opts)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}
