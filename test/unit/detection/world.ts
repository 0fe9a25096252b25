import { createRng, type Rng } from '../../../src/core/null-model/index.ts';
import type { CanonicalAccount, CorePost } from '../../../src/core/types.ts';
import { post } from '../cluster/helpers.ts';

export { post };
export const HOUR = 3600;
export const DAY = 86400;

export function account(id: string): CanonicalAccount {
  return { id, handle: id, display_name: null, bio: null, created_at: null, followers: 100, following: 100, location: null, avatar_hash: null };
}

export const accountsOf = (posts: readonly CorePost[]) => new Map([...new Set(posts.map((p) => p.account))].map((id) => [id, account(id)]));

const WORDS = 'debate tonight vote moderator question answer economy jobs taxes border health care energy climate police school family friends watching live'.split(' ');

/** An ordinary account's own words: a few random words and a number, never the same twice. */
export function ownText(rng: Rng, who: string, j: number): string {
  const n = 5 + rng.int(5);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  return `${who} thinks ${words.join(' ')} ${j}`;
}

/**
 * A background of `n` ordinary accounts over `span` seconds: each posts its own texts at random
 * times, and now and then reposts one of `viral` popular posts (each reposted by a random ~20 %
 * of them, spread over an hour, the way a debate night's crowd retweets).
 */
export function background(seed: string, n: number, span: number, opts: { perAccount?: number; viral?: number; start?: number } = {}): CorePost[] {
  const rng = createRng(seed);
  const start = opts.start ?? 0;
  const out: CorePost[] = [];
  for (let i = 0; i < n; i++) {
    const who = `user${i}`;
    for (let j = 0; j < (opts.perAccount ?? 6); j++) out.push(post(who, start + Math.floor(rng() * span), { text: ownText(rng, who, j) }));
  }
  for (let v = 0; v < (opts.viral ?? 4); v++) {
    const t0 = start + Math.floor(rng() * (span - HOUR));
    for (let i = 0; i < n; i++) if (rng() < 0.2) out.push(post(`user${i}`, t0 + rng.int(HOUR), { repost_of: `viral${v}`, text: `RT viral ${v}` }));
  }
  return out;
}

export const byTime = (a: CorePost, b: CorePost) => a.t - b.t || (a.key < b.key ? -1 : 1);
