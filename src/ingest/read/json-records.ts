import type { ParsedRecord } from '../../core/types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import type { JsonItem } from './json-values.ts';
import { readJsonItems } from './json-values.ts';
import { parseJson, rejected } from './records.ts';
import type { PeekableBytes } from './source.ts';

/**
 * The frame of the JSON formats: JSON lines or the values of a JSON document, each unreadable
 * or unparsable one a rejected record, each parsed value handed to `each`, which adds the
 * records it holds (one post, a page of them, none) to `out`.
 */
export async function* readJsonRecords(
  bytes: PeekableBytes,
  ctx: ReadContext,
  each: (value: unknown, it: JsonItem, out: ParsedRecord[]) => void,
  /** JSON.parse by default; formats with 64-bit numeric ids pass a lossless parser */
  parse: (text: string) => { value: unknown; error: string | null } = parseJson,
): RecordBatches {
  const file = ctx.file;
  for await (const batch of readJsonItems(bytes, file, ctx.maxLineBytes)) {
    const out: ParsedRecord[] = [];
    for (const it of batch) {
      if (it.error !== null) {
        out.push(rejected(file, it.line, it.item, it.text, it.error));
        continue;
      }
      const { value, error } = parse(it.text);
      if (error !== null) out.push(rejected(file, it.line, it.item, it.text, error));
      else each(value, it, out);
    }
    if (out.length > 0) yield out;
  }
}
