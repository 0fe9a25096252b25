import { describe, expect, it } from 'vitest';
import { buildActionIndex } from '../../../src/core/cluster/index.ts';
import { createRng, nullModelTest } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { post } from './helpers.ts';

const OPTS = { window: 60, rounds: 200, seed: 1, minSpan: 600 };
const DAY = 86400;

/** n accounts acting on the same k objects; lockstep: within seconds, else at independent random times. */
function group(n: number, k: number, lockstep: boolean, seed: number): { members: string[]; posts: CorePost[] } {
  const rng = createRng(seed);
  const members = Array.from({ length: n }, (_, i) => `m${i}`);
  const posts: CorePost[] = [];
  for (let o = 0; o < k; o++) {
    const t0 = Math.floor(rng() * DAY);
    for (const m of members) posts.push(post(m, lockstep ? t0 + rng.int(20) : Math.floor(rng() * DAY), { repost_of: `obj${o}` }));
  }
  // every member also has its own unrelated activity across the day
  for (const m of members) for (let j = 0; j < 10; j++) posts.push(post(m, Math.floor(rng() * DAY), { text: `own post ${m} ${j} with words` }));
  return { members, posts };
}

describe('null model', () => {
  it('finds lock-step co-action far beyond shuffled timelines', () => {
    const g = group(6, 8, true, 1);
    const r = nullModelTest(g.members, buildActionIndex(g.posts), OPTS);
    expect(r.objects).toBe(8);
    expect(r.p).toBeLessThan(0.01);
    expect(r.ratio).toBeGreaterThan(5);
    expect(r.z).toBeGreaterThan(3);
  });

  it('does not call independent timing significant', () => {
    const g = group(6, 8, false, 2);
    const r = nullModelTest(g.members, buildActionIndex(g.posts), OPTS);
    expect(r.p).toBeGreaterThan(0.05);
  });

  it('is deterministic for a seed', () => {
    const g = group(5, 5, true, 3);
    const idx = buildActionIndex(g.posts);
    expect(nullModelTest(g.members, idx, OPTS)).toEqual(nullModelTest(g.members, idx, OPTS));
  });

  it('returns p = 1 and no rounds when members share nothing', () => {
    const idx = buildActionIndex([post('a', 1, { repost_of: 'x' }), post('b', 2, { repost_of: 'y' })]);
    expect(nullModelTest(['a', 'b'], idx, OPTS)).toMatchObject({ p: 1, rounds: 0, objects: 0 });
  });
});
