import { simulate } from '../src/core/simulate/index.ts';
import type { CanonicalPost } from '../src/core/types.ts';

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
