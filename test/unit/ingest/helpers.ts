import path from 'node:path';
import type { CanonicalPost, ParsedRecord } from '../../../src/core/types.ts';
import { readRecords } from '../../../src/ingest/index.ts';
import type { ReadOptions } from '../../../src/ingest/index.ts';
import { sharedDataDir } from '../../../src/shared-data.ts';

/** the real data sets (../shared/data next to the repository) */
export const DATA = sharedDataDir(path.resolve(import.meta.dirname, '../../..'));
export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/ingest');

/** a fixed clock: the samples are from 2015–2023 */
export const NOW = Date.UTC(2025, 0, 1);

export type Rejected = Extract<ParsedRecord, { ok: false }>;
export type Accepted = Extract<ParsedRecord, { ok: true }>;

export async function collect(
  input: string | NodeJS.ReadableStream,
  opts: ReadOptions = {},
): Promise<{ posts: CanonicalPost[]; ok: Accepted[]; bad: Rejected[]; all: ParsedRecord[] }> {
  const all: ParsedRecord[] = [];
  for await (const r of readRecords(input, { now: NOW, ...opts })) all.push(r);
  const ok = all.filter((r): r is Accepted => r.ok);
  const bad = all.filter((r): r is Rejected => !r.ok);
  return { posts: ok.map((r) => r.post), ok, bad, all };
}
