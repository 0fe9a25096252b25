import { describe, expect, it } from 'vitest';
import { buildEdges, CNT_DEFAULT_KINDS, CNT_KIND_NAMES, CO_ACTION_KINDS, DEFAULT_SIGNIFICANCE, INDEX_KINDS, KINDS, kindsHelp, parseKinds, TEXT_EDGE_KINDS } from '../../../src/core/edges/index.ts';
import type { CoActionKind } from '../../../src/core/edges/index.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { post } from './world.ts';

describe('the coordination kinds registry', () => {
  // Kinds are added (co_sound, co_forward, co_like…): what holds whatever the list is.
  const CORE = ['co_repost', 'co_text', 'co_similar', 'co_link', 'co_reply', 'co_hashtag_seq', 'co_media'];

  it('derives the lists everything else uses', () => {
    const ids = KINDS.map((k) => k.id as string);
    expect(ids.slice(0, CORE.length)).toEqual(CORE);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('synchrony');
    expect(CO_ACTION_KINDS).toEqual(KINDS.filter((k) => k.mode === 'co_action').map((k) => k.id));
    expect(CO_ACTION_KINDS).not.toContain('synchrony');
    expect(CNT_KIND_NAMES).toEqual({ co_repost: 'co_retweet', co_text: 'co_tweet', co_similar: 'co_similar_tweet', co_link: 'co_link', co_reply: 'co_reply' });
    expect(CNT_DEFAULT_KINDS).toEqual(['co_repost', 'co_text', 'co_similar', 'co_link']);
    expect(TEXT_EDGE_KINDS.slice(0, 3)).toEqual(['co_text', 'co_similar', 'co_reply']);
    expect(parseKinds(['co_retweet', 'co_similar_tweet', 'co_media'])).toEqual(['co_repost', 'co_similar', 'co_media']);
    expect(kindsHelp()).toHaveLength(KINDS.length);
  });

  it('gives every kind with index objects its own prefix, the core ones first in their order', () => {
    const prefixes = INDEX_KINDS.map((k) => k.index.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(prefixes.slice(0, 5)).toEqual(['r:', 't:', 'u:', 'h:', 'm:']);
  });
});

describe('--compat cnt is unchanged by the significance option', () => {
  it('gives the same edges with and without it, for every CNT kind', () => {
    const rng = createRng('compat');
    const posts: CorePost[] = [];
    for (let i = 0; i < 400; i++) {
      const a = `a${rng.int(30)}`;
      const t = rng.int(20_000);
      const k = rng.int(12);
      posts.push(rng() < 0.4 ? post(a, t, { repost_of: `r${k}`, text: `RT ${k}` }) : post(a, t, { text: `the same words number ${k} again`, urls: [`https://x.example/${k}`] }));
    }
    const kinds = Object.keys(CNT_KIND_NAMES) as CoActionKind[];
    const plain = buildEdges(posts, { kinds, compat: 'cnt', minWeight: 1 });
    const withSig = buildEdges(posts, { kinds, compat: 'cnt', minWeight: 1, significance: DEFAULT_SIGNIFICANCE });
    expect(withSig).toEqual(plain);
    expect(plain.length).toBeGreaterThan(0);
    // in default mode the same option does add co-actions beyond Δ: a link only two accounts
    // posted, 5 min apart in 5.5 h (C(2,2)·600/20000 = 0.03 ≤ 0.05)
    const rare = [...posts, post('p1', 5000, { text: 'x', urls: ['https://rare.example/1'] }), post('p2', 5300, { text: 'y', urls: ['https://rare.example/1'] })];
    const d0 = buildEdges(rare, { kinds: ['co_link'], minWeight: 1 });
    const d1 = buildEdges(rare, { kinds: ['co_link'], minWeight: 1, significance: DEFAULT_SIGNIFICANCE });
    expect(d0.some((e) => e.a === 'p1' && e.b === 'p2')).toBe(false);
    expect(d1.find((e) => e.a === 'p1' && e.b === 'p2')?.evidence[0].dt).toBe(300);
    expect(buildEdges(rare, { kinds: ['co_link'], minWeight: 1, compat: 'cnt', significance: DEFAULT_SIGNIFICANCE }).some((e) => e.a === 'p1')).toBe(false);
  });
});
