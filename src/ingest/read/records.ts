import type { CanonicalPost, ParsedRecord, RecordPosition } from '../../core/types.ts';
import type { ReadContext } from '../types.ts';
import { MAX_RAW_CHARS } from '../types.ts';
import type { LoosePost } from './validate.ts';
import { validatePost } from './validate.ts';

const MAX_REASON_CHARS = 1000;

export function position(file: string, line: number, item: number | null): RecordPosition {
  return item === null ? { file, line } : { file, line, item };
}

/** Postgres text cannot hold U+0000: rejected records show it as U+FFFD. */
function storable(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s;
}

/** Raw text kept with a rejected record: capped, and saying so when cut. */
export function capRaw(raw: string): string {
  if (raw.length <= MAX_RAW_CHARS) return storable(raw);
  return `${storable(raw.slice(0, MAX_RAW_CHARS))} …[truncated: ${raw.length} characters in all]`;
}

export function rejected(
  file: string,
  line: number,
  item: number | null,
  raw: string,
  reason: string,
): ParsedRecord {
  return {
    ok: false,
    pos: position(file, line, item),
    raw: capRaw(raw),
    reason: storable(
      reason.length > MAX_REASON_CHARS ? reason.slice(0, MAX_REASON_CHARS) + '…' : reason,
    ),
  };
}

export function accepted(
  post: CanonicalPost,
  file: string,
  line: number,
  item: number | null,
): ParsedRecord {
  return { ok: true, post, pos: position(file, line, item) };
}

/** The record of a post an adapter built: validated into a canonical post, or rejected with the reason. */
export function validated(
  loose: LoosePost,
  ctx: ReadContext,
  /** the record's raw text, or how to make it (only a rejected record needs it) */
  raw: string | (() => string),
  line: number,
  item: number | null,
  mayHaveNul = false,
): ParsedRecord {
  const r = validatePost(loose, ctx, mayHaveNul);
  if (typeof r !== 'string') return accepted(r, ctx.file, line, item);
  return rejected(ctx.file, line, item, typeof raw === 'string' ? raw : raw(), r);
}

/** JSON.parse with the reason a record is rejected for. */
export function parseJson(text: string): { value: unknown; error: string | null } {
  try {
    return { value: JSON.parse(text), error: null };
  } catch (err) {
    return { value: undefined, error: `invalid JSON: ${(err as Error).message}` };
  }
}

/**
 * JSON text of a parsed value, for the raw text of a rejected record. JSON.stringify recurses:
 * hostile nesting thousands deep must not take the whole read down.
 */
export function jsonText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return '[value too deeply nested to show]';
  }
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
