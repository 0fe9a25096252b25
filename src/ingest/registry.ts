import { blueskyJetstream } from './adapters/bluesky-jetstream.ts';
import { blueskyPosts } from './adapters/bluesky-posts.ts';
import { crowdtangle } from './adapters/crowdtangle.ts';
import { ioArchive } from './adapters/io-archive.ts';
import { telegram } from './adapters/telegram.ts';
import { tiktokResearch } from './adapters/tiktok-research.ts';
import { tiktokZeeschuimer } from './adapters/tiktok-zeeschuimer.ts';
import { cntCsv } from './adapters/cnt-csv.ts';
import { csvMapped } from './adapters/csv-mapped.ts';
import { ira538 } from './adapters/ira-538.ts';
import { iraByAuthor } from './adapters/ira-by-author.ts';
import { ndjson } from './adapters/ndjson.ts';
import { twitterV1 } from './adapters/twitter-v1.ts';
import { xV2 } from './adapters/x-v2.ts';
import type { Adapter } from './types.ts';

/**
 * THE list of input formats: sniffing, `--format` of the CLI, the API and the README table all
 * read it. A new format is one file in adapters/ and one line here.
 *
 * Sniff scores (the highest wins, so records that look alike are told apart by these numbers):
 * 100 a key or header only this format has (cassette `http_interactions`, search `statuses`, the
 * exact CNT header) · 90 an API page (`data`/`includes`) · 80 a canonical post (`post_id`) ·
 * 60 a v1.1 tweet (`id_str`, `user`) · 50 a flattened v2 tweet · 10 a bare `errors` object ·
 * 1 any CSV header (format `csv`, which needs a mapping).
 */
export const ADAPTERS = [
  ndjson, xV2, twitterV1, ira538, iraByAuthor, cntCsv,
  ioArchive, tiktokResearch, tiktokZeeschuimer, blueskyJetstream, blueskyPosts, telegram, crowdtangle,
  csvMapped,
] as const;

export type InputFormat = (typeof ADAPTERS)[number]['name'];

export const INPUT_FORMATS: readonly InputFormat[] = ADAPTERS.map((a) => a.name);

export function isInputFormat(s: unknown): s is InputFormat {
  return typeof s === 'string' && (INPUT_FORMATS as readonly string[]).includes(s);
}

export function adapterOf(format: InputFormat): Adapter<InputFormat> {
  return ADAPTERS.find((a) => a.name === format) as Adapter<InputFormat>;
}

/** The best-scoring format for a sniffer, or null when no adapter claims the input. */
export function bestFormat(score: (a: Adapter) => number | null | undefined): InputFormat | null {
  let best: InputFormat | null = null;
  let top = -Infinity;
  for (const a of ADAPTERS) {
    const s = score(a as Adapter);
    if (s !== null && s !== undefined && s > top) {
      top = s;
      best = a.name;
    }
  }
  return best;
}

/** `ndjson (canonical posts …), x-v2 (…), …` for help texts */
export function formatsHelp(): string {
  return ADAPTERS.map((a) => `${a.name}: ${a.description}`).join('\n');
}
