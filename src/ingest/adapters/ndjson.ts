import type { ParsedRecord } from '../../core/types.ts';
import { readJsonItems } from '../read/json-values.ts';
import { accepted, kindOf, parseJson, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { defineAdapter } from '../types.ts';
import type { LoosePost } from '../read/validate.ts';
import { validatePost } from '../read/validate.ts';

/** Canonical NDJSON (DESIGN.md "Canonical post"): one post per line; a JSON array of posts also works. */
export async function* readNdjson(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  const file = ctx.file;
  for await (const batch of readJsonItems(bytes, file, ctx.maxLineBytes)) {
    const out: ParsedRecord[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const it = batch[i];
      if (it.error !== null) {
        out[i] = rejected(file, it.line, it.item, it.text, it.error);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(it.text);
      } catch {
        out[i] = rejected(file, it.line, it.item, it.text, parseJson(it.text).error as string);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        out[i] = rejected(
          file,
          it.line,
          it.item,
          it.text,
          `expected a JSON object, got ${kindOf(value)}`,
        );
        continue;
      }
      const r = validatePost(value as LoosePost, ctx, it.text.includes('\\u0000'));
      out[i] =
        typeof r === 'string'
          ? rejected(file, it.line, it.item, it.text, r)
          : accepted(r, file, it.line, it.item);
    }
    yield out;
  }
}

export const ndjson = defineAdapter({
  name: 'ndjson',
  description: 'canonical posts (DESIGN.md), one JSON object per line, or a JSON array of them',
  defaultPlatform: null,
  sniffJson: (o) => ('post_id' in o || ('posted_at' in o && 'account' in o) ? 80 : null),
  sniffText: (text) => (text.includes('"post_id"') ? 80 : null),
  read: readNdjson,
});
