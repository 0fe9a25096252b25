import type { SimulateParams } from '../../src/core/simulate/index.ts';
import { simulate } from '../../src/core/simulate/index.ts';
import type { CanonicalPost } from '../../src/core/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { ingestRepository } from '../../src/db/ingest-repository.ts';

/**
 * A simulated day written to the database in chunks of 5,000 as ingest writes them (one batch),
 * with `extra(posts)` adding posts of its own first; returns the posts and the window that
 * holds them all (end one second after the last).
 */
export async function writeSimulatedWindow(
  db: Db,
  options: Partial<SimulateParams>,
  extra?: (posts: CanonicalPost[]) => void,
): Promise<{ posts: CanonicalPost[]; window: { start: Date; end: Date } }> {
  const repo = ingestRepository(db.kysely);
  const batchId = await repo.createBatch({ source: 'test', format: 'sim', fileName: null });
  const posts: CanonicalPost[] = [...simulate(options).posts()];
  extra?.(posts);
  for (let i = 0, seq = 0; i < posts.length; i += 5000)
    await repo.writeChunk({ batchId, seq: seq++, posts: posts.slice(i, i + 5000), rejected: [] });
  const t = posts.map((p) => Date.parse(p.posted_at));
  return {
    posts,
    window: { start: new Date(Math.min(...t)), end: new Date(Math.max(...t) + 1000) },
  };
}
