import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import { analyze } from '../../../src/core/analyze.ts';
import { buildEdges } from '../../../src/core/edges/index.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import { normaliseText } from '../../../src/core/text/normalise.ts';
import { stripNoiseSuffix } from '../../../src/core/text/suffix.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { accountsOf, background, byTime, DAY, post } from './world.ts';

const CAPS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CJK = '的一是不了人我在有他这中大来上个国到说们为子和你地出会也时要就可';

/**
 * China's 2021 Xinjiang network on X: the same short texts, each copy with four random capitals or
 * CJK characters after its link, so no two copies are the same string.
 */
function world(): { posts: CorePost[]; ring: string[] } {
  const rng = createRng('suffix');
  const posts = background('suffix-bg', 150, DAY);
  const ring = Array.from({ length: 6 }, (_, i) => `xj${i}`);
  const texts = ['Cotton picked by free hands in Xinjiang', 'The West lies about Xinjiang again', 'Happy people in Urumqi tell the truth', 'Stop the smears against China now'];
  for (let w = 0; w < 8; w++) {
    const t0 = Math.floor(rng() * (DAY - 600));
    const text = `${texts[w % texts.length]} ${w}`;
    for (const a of ring) {
      const pool = rng() < 0.5 ? CAPS : CJK;
      const suffix = Array.from({ length: 4 }, () => pool[rng.int(pool.length)]).join('');
      const link = `https://t.co/${a}${w}`;
      posts.push(post(a, t0 + rng.int(40), { text: `${text} ${link} ${suffix}`, urls: [link] }));
    }
  }
  return { posts: posts.sort(byTime), ring };
}

describe('a suffix-token ring', () => {
  it('normalisation drops a random token after the link, and nothing else', () => {
    expect(normaliseText('Cotton picked by free hands https://t.co/abc WIRD')).toBe('cotton picked by free hands');
    expect(normaliseText('Cotton picked by free hands https://t.co/abc 的一是不')).toBe('cotton picked by free hands');
    expect(stripNoiseSuffix('Go vote USA')).toBe('Go vote USA'); // no link before it: a sentence
    expect(stripNoiseSuffix('read https://t.co/x and share')).toBe('read https://t.co/x and share');
    expect(stripNoiseSuffix('read https://t.co/x WIRD')).toBe('read https://t.co/x');
  });

  it('C1 catches it: co_text and co_similar edges join every ring pair', () => {
    const { posts, ring } = world();
    for (const kind of ['co_text', 'co_similar'] as const) {
      const edges = buildEdges(posts, { ...DEFAULT_DETECTION.edges, kinds: [kind] }).filter((e) => ring.includes(e.a) && ring.includes(e.b));
      expect(edges, kind).toHaveLength((ring.length * (ring.length - 1)) / 2);
      for (const e of edges) expect(e.weight).toBe(8);
    }
  });

  it('the ring is flagged as one cluster', () => {
    const { posts, ring } = world();
    const res = analyze({ posts, accounts: accountsOf(posts), now: DAY }, DEFAULT_DETECTION);
    expect(res.flagged).toEqual(ring);
    expect(res.clusters[0].members).toEqual(ring);
  });

  it('--compat cnt keeps the toolkit semantics: its co_tweet sees different strings', () => {
    const { posts, ring } = world();
    const edges = buildEdges(posts, { kinds: ['co_text'], compat: 'cnt' }).filter((e) => ring.includes(e.a) && ring.includes(e.b));
    expect(edges).toHaveLength(0);
  });
});
