import { simulate } from '../src/core/simulate/index.ts';
import { sql, type Kysely } from 'kysely';
import type { CanonicalPost } from '../src/core/types.ts';
import type { Database } from '../src/db/schema/index.ts';

/**
 * The simulated stream bench:latency sends (and bench/live-window.ts replays): `total` posts
 * of organic volume sized to the run and 7 campaigns of 8 accounts acting in waves, with the
 * campaign accounts the latency is measured for.
 */
export function liveStream(total: number): { posts: CanonicalPost[]; campaignAccounts: Set<string> } {
  const sim = simulate({
    seed: 7,
    days: 1,
    organicAccounts: Math.max(2000, Math.round(total / 20)),
    posts: total,
    campaigns: 7,
    campaignSize: 8,
    wavesPerDay: 48,
  });
  const posts: CanonicalPost[] = [];
  for (const p of sim.posts()) {
    posts.push(p);
    if (posts.length >= total) break;
  }
  const campaignAccounts = new Set(sim.labels.filter((l) => l.label === 'campaign').map((l) => l.account_id));
  return { posts, campaignAccounts };
}

/**
 * The window a bench rolling scan covers: the stored posts' first to last posted_at, plus 1 s
 * (bench:latency -- --scan and bench:scan scan the same one).
 */
export async function scanWindowOf(db: Kysely<Database>): Promise<{ start: Date; end: Date }> {
  const r = await sql<{
    lo: Date;
    hi: Date;
  }>`select min(posted_at) lo, max(posted_at) hi from posts`.execute(db);
  return {
    start: new Date(r.rows[0]!.lo),
    end: new Date(new Date(r.rows[0]!.hi).getTime() + 1000),
  };
}
