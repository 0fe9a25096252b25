import fs from 'node:fs';
import type { ParsedRecord } from '../core/types.ts';
import { InputError } from './read/errors.ts';
import { openInput } from './read/source.ts';
import { isValidTimeZone } from './read/timestamps.ts';
import { adapterOf, isInputFormat, INPUT_FORMATS } from './registry.ts';
import type { InputFormat } from './registry.ts';
import { SNIFF_BYTES, detectFolder, sniffPartial } from './sniff.ts';
import type { Adapter, ReadContext, ReadOptions } from './types.ts';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_TEXT_BYTES,
  FUTURE_TOLERANCE_MS,
} from './types.ts';

export { detectFormat, sniffFormat } from './sniff.ts';
export { InputError } from './read/errors.ts';
export { parseColumnMapping, MAPPABLE_FIELDS, MAPPING_OPTIONS } from './read/mapping.ts';
export { iraRepostKey, rtPrefixRepostKey } from './read/repost-key.ts';
export type { ColumnMapping, ReadOptions } from './types.ts';
export type { InputFormat } from './registry.ts';
export { ADAPTERS, INPUT_FORMATS, formatsHelp, isInputFormat } from './registry.ts';
export { expandInput } from './inputs.ts';
export type { ExpandedInputs } from './inputs.ts';

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
    mapping: opts.mapping ?? null,
    maxDecompressedBytes: positive(
      opts.maxDecompressedBytes,
      DEFAULT_MAX_DECOMPRESSED_BYTES,
      'maxDecompressedBytes',
    ),
  };
}

/** A format's own platform (X/Twitter for the CSV layouts) unless the caller names one. */
function withPlatform(ctx: ReadContext, a: Adapter): ReadContext {
  return ctx.defaultPlatform === null && a.defaultPlatform !== null
    ? { ...ctx, defaultPlatform: a.defaultPlatform }
    : ctx;
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
  if (opts.format !== undefined && !isInputFormat(opts.format)) {
    throw new InputError(
      `unknown format "${String(opts.format)}"; known: ${INPUT_FORMATS.join(', ')}`,
    );
  }
  const name = typeof input === 'string' ? (opts.name ?? input) : (opts.name ?? '-');
  const ctx = context(opts, name);
  if (typeof input === 'string' && input !== '-' && (await isDirectory(input))) {
    const a = adapterOf(opts.format ?? (await detectFolder(input)));
    if (a.readFolder === undefined) {
      const folders = INPUT_FORMATS.filter((f) => adapterOf(f).readFolder !== undefined);
      throw new InputError(`${input} is a folder; only the ${folders.join(', ')} format reads folders`);
    }
    yield* a.readFolder(input, withPlatform(ctx, a));
    return;
  }
  const opened = await openInput(input, name, ctx.maxDecompressedBytes);
  try {
    const format: InputFormat =
      opts.format ??
      (await opened.bytes.peekUntil(SNIFF_BYTES, (head, final) => sniffPartial(head, name, final)));
    const a = adapterOf(format);
    yield* a.read(opened.bytes, withPlatform(ctx, a));
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
