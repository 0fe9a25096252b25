import type { ParsedRecord } from '../core/types.ts';

export type InputFormat =
  'ndjson' | 'x-v2' | 'twitter-v1' | 'ira-538' | 'ira-by-author' | 'cnt-csv' | 'csv';

export const INPUT_FORMATS: readonly InputFormat[] = [
  'ndjson',
  'x-v2',
  'twitter-v1',
  'ira-538',
  'ira-by-author',
  'cnt-csv',
  'csv',
];

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
}

/** Adapters yield records in batches (one per input chunk) so the per-record cost stays synchronous. */
export type RecordBatches = AsyncGenerator<ParsedRecord[], void, undefined>;

/** Limits shared by every adapter. */
export const DEFAULT_MAX_TEXT_BYTES = 65_536;
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** rejected records keep at most this many characters of their raw text */
export const MAX_RAW_CHARS = 65_536;
/** ids longer than this are not ids */
export const MAX_ID_CHARS = 256;
/** timestamps more than this far past `now` are impossible (clock skew and zone mistakes allowed) */
export const FUTURE_TOLERANCE_MS = 86_400_000;
/** 2000-01-01T00:00:00Z: nothing in scope was posted earlier */
export const MIN_POSTED_AT_MS = 946_684_800_000;
