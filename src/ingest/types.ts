import type { ParsedRecord } from '../core/types.ts';
import type { PeekableBytes } from './read/source.ts';
import type { InputFormat } from './registry.ts';

/** The name of a format of the registry (registry.ts): `ndjson`, `x-v2`, `cnt-csv`, … */
export type { InputFormat } from './registry.ts';

/**
 * Generic CSV column mapping: canonical field → source column name, or a template over columns
 * (`pitt_{userID}`, `{userID}:debate1:{$row}`), plus a few option keys (see csv-mapped.ts).
 */
export interface ColumnMapping {
  [canonicalField: string]: string;
}

export interface ReadOptions {
  /** skip auto-detection */
  format?: InputFormat;
  /** required for format 'csv' */
  mapping?: ColumnMapping | null;
  /** UTF-8 bytes of post text (and of any other string field) above which a record is rejected; default 65,536 */
  maxTextBytes?: number;
  /** bytes of one line / JSON value / CSV record above which it is rejected unread; default 16 MiB */
  maxLineBytes?: number;
  /** platform for inputs that do not name one (CSV formats; NDJSON records without `platform`) */
  defaultPlatform?: string;
  /** IANA zone for naive timestamps (no offset, no zone abbreviation), e.g. 'America/New_York'; default UTC */
  timezone?: string;
  /** reference time (epoch ms or Date) for rejecting timestamps in the future; default the wall clock */
  now?: number | Date;
  /** name used in record positions when the input is a stream; default '-' */
  name?: string;
  /**
   * decompressed bytes of one gzip input (file, folder member or stream) above which reading
   * stops with an InputError (a gzip bomb); default DEFAULT_MAX_DECOMPRESSED_BYTES
   */
  maxDecompressedBytes?: number;
}

/** Resolved options every adapter receives. */
export interface ReadContext {
  file: string;
  maxTextBytes: number;
  maxLineBytes: number;
  /** null: records must carry their own platform */
  defaultPlatform: string | null;
  timezone: string | null;
  /** latest acceptable posted_at, epoch ms */
  maxPostedAtMs: number;
  /** the column mapping (format `csv`) */
  mapping: ColumnMapping | null;
  maxDecompressedBytes: number;
}

/**
 * One input format. Adding a format is one file in adapters/ exporting one of these, and one
 * line in registry.ts. Sniffers return a score (higher wins, null: not this format) so that
 * formats whose records look alike are told apart in one place: see registry.ts for the scale.
 */
export interface Adapter<N extends string = string> {
  name: N;
  /** one line for `--format` help and the README */
  description: string;
  /** platform of records that name none when the caller gives none; null: records must carry one */
  defaultPlatform: string | null;
  /** a parsed first JSON value (an object) of the input */
  sniffJson?: (o: Record<string, unknown>) => number | null;
  /** the head as text, when no whole record fits in it (pages of several MB) */
  sniffText?: (text: string) => number | null;
  /** the trimmed header names of a CSV */
  sniffCsvHeader?: (header: readonly string[]) => number | null;
  /** a folder input: is it this format? */
  sniffFolder?: (dir: string) => boolean;
  /** the records of one (decompressed) byte stream */
  read: (bytes: PeekableBytes, ctx: ReadContext) => RecordBatches;
  /** the records of a folder, for formats that read folders */
  readFolder?: (dir: string, ctx: ReadContext) => RecordBatches;
}

/** Keeps the literal name type of an adapter (InputFormat is derived from the registry). */
export function defineAdapter<N extends string>(a: Adapter<N>): Adapter<N> {
  return a;
}



/** Adapters yield records in batches (one per input chunk) so the per-record cost stays synchronous. */
export type RecordBatches = AsyncGenerator<ParsedRecord[], void, undefined>;

/** Limits shared by every adapter. */
export const DEFAULT_MAX_TEXT_BYTES = 65_536;
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** rejected records keep at most this many characters of their raw text */
export const MAX_RAW_CHARS = 65_536;
/**
 * List items per post, above which the post is rejected: ten times the most any post of the
 * real sets has (ira-2016q4, debate-d1/d2: 5 urls, 23 hashtags, 17 mentions; no media hashes
 * there: 100, ten times a Telegram album). A post with 100k hashtags made every detection run
 * of its window take a minute (issue 10, row 6).
 */
export const MAX_URLS = 50;
export const MAX_HASHTAGS = 230;
export const MAX_MENTIONS = 170;
export const MAX_MEDIA_HASHES = 100;
/** platform objects (sound:, like:, fwd:…): a post acts on a few */
export const MAX_OBJECTS = 100;
/** ids longer than this are not ids */
export const MAX_ID_CHARS = 256;
/** timestamps more than this far past `now` are impossible (clock skew and zone mistakes allowed) */
export const FUTURE_TOLERANCE_MS = 86_400_000;
/** 2000-01-01T00:00:00Z: nothing in scope was posted earlier */
export const MIN_POSTED_AT_MS = 946_684_800_000;
/**
 * Decompressed bytes per gzip input: 16 GiB, ~8× the largest real input we know (the 2.46 M
 * IRA tweets are ~1.9 GB as NDJSON), so only a bomb reaches it.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 ** 3;
