import { describe, expect, it } from 'vitest';
import type { CorePost, Edge } from '../../../src/core/types.ts';
import { buildEdges, EdgeOptionsError, parseKinds } from '../../../src/core/edges/index.ts';
import { corePost } from '../../helpers/posts.ts';

let seq = 0;
function post(account: string, t: number, over: Partial<CorePost> = {}): CorePost {
  seq++;
  return corePost({ text: 'some text', ...over, key: over.key ?? `p${seq}`, account, t });
}
const repost = (account: string, t: number, of: string) => post(account, t, { repost_of: of, text: '' });
const pairOf = (e: Edge) => `${e.a}|${e.b}`;

describe('buildEdges, default mode', () => {
  it('pairs different accounts on the same object within the window, inclusive', () => {
    const posts = [repost('A', 0, 'x'), repost('B', 60, 'x'), repost('C', 121, 'x'), repost('A', 1000, 'y'), repost('B', 1001, 'y')];
    const edges = buildEdges(posts, { kinds: ['co_repost'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B']); // B–C are 61 s apart, A–C 121 s
    expect(edges[0].weight).toBe(2);
  });

  it('counts distinct objects, not repeated posts (weight) and never pairs an account with itself', () => {
    const posts = [repost('A', 0, 'x'), repost('A', 1, 'x'), repost('B', 2, 'x'), repost('B', 3, 'x'), repost('A', 4, 'x')];
    const edges = buildEdges(posts, { kinds: ['co_repost'], minWeight: 1 });
    expect(edges).toHaveLength(1);
    expect(edges[0].weight).toBe(1);
    expect(buildEdges([repost('A', 0, 'x'), repost('A', 1, 'x')], { kinds: ['co_repost'], minWeight: 1 })).toHaveLength(0);
  });

  it('drops edges below the minimum weight (default 2)', () => {
    const posts = [repost('A', 0, 'x'), repost('B', 5, 'x'), repost('A', 100, 'y'), repost('C', 101, 'y'), repost('B', 103, 'y')];
    const edges = buildEdges(posts, { kinds: ['co_repost'] });
    expect(edges.map(pairOf)).toEqual(['A|B']);
  });

  it('weights rare objects above viral ones (strength = Σ 1/(n−1))', () => {
    const posts: CorePost[] = [];
    // a ring of 4 shares 3 private objects
    for (const [i, o] of ['r1', 'r2', 'r3'].entries()) for (const a of ['R1', 'R2', 'R3', 'R4']) posts.push(repost(a, i * 1000 + a.charCodeAt(1), o));
    // two bystanders repost 3 viral objects with 200 others each
    for (const [i, o] of ['v1', 'v2', 'v3'].entries()) {
      posts.push(repost('X', 10_000 * (i + 1), o), repost('Y', 10_000 * (i + 1) + 1, o));
      for (let k = 0; k < 200; k++) posts.push(repost(`crowd${k}`, 10_000 * (i + 1) + 2 + (k % 50), o));
    }
    const edges = buildEdges(posts, { kinds: ['co_repost'], minWeight: 3 });
    const ring = edges.find((e) => e.a === 'R1' && e.b === 'R2')!;
    const crowd = edges.find((e) => e.a === 'X' && e.b === 'Y')!;
    expect(ring.weight).toBe(3);
    expect(crowd.weight).toBe(3);
    expect(ring.strength).toBeCloseTo(3 / 3);
    expect(crowd.strength).toBeCloseTo(3 / 201);
  });

  it('keeps capped evidence with post keys, gaps and objects, oriented a → b', () => {
    const posts: CorePost[] = [];
    for (let i = 0; i < 15; i++) posts.push(repost('B', i * 100, `o${i}`), repost('A', i * 100 + 7, `o${i}`));
    const [edge] = buildEdges(posts, { kinds: ['co_repost'], evidenceCap: 10 });
    expect(edge.weight).toBe(15);
    expect(edge.evidence).toHaveLength(10);
    const ev = edge.evidence[0];
    expect(ev).toEqual({ a_post: posts[1].key, b_post: posts[0].key, dt: 7, object: 'o0' });
  });

  it('caps pairs per post on objects shared by huge crowds (no quadratic blow-up)', () => {
    const posts: CorePost[] = [];
    for (let k = 0; k < 3000; k++) posts.push(repost(`u${k}`, k % 30, 'viral'));
    const edges = buildEdges(posts, { kinds: ['co_repost'], minWeight: 1, maxPartners: 10 });
    // exact would be 3000·2999/2 ≈ 4.5 M pairs; each post pairs with at most 10 others
    expect(edges.length).toBeLessThanOrEqual(3000 * 10);
    expect(edges.length).toBeGreaterThan(3000 * 5);
    for (const e of edges) expect(e.strength).toBeCloseTo(1 / 2999);
  });

  it('co_text: same normalised text; reposts and too-short texts do not count', () => {
    const t1 = 'The election is RIGGED, share before they delete https://t.co/aaa';
    const t2 = 'the election is rigged,\u200b share before they  delete https://t.co/bbb @someone';
    const posts = [
      post('A', 0, { text: t1 }),
      post('B', 30, { text: t2 }),
      post('A', 500, { text: 'Second copy paste message here' }),
      post('B', 510, { text: 'Second copy paste message here' }),
      post('C', 0, { text: t1, repost_of: 'orig' }),
      post('D', 600, { text: 'lol ok' }),
      post('E', 601, { text: 'lol ok' }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_text'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B']);
    expect(edges[0].weight).toBe(2);
  });

  it('co_link: normalised URLs match across tracking parameters, www and case', () => {
    const posts = [
      post('A', 0, { urls: ['https://www.Example.com/story/?utm_source=fb'] }),
      post('B', 10, { urls: ['http://example.com/story#top', 'https://example.com/story?fbclid=1'] }),
      post('A', 100, { urls: ['https://t.co/XyZ'] }),
      post('B', 100, { urls: ['https://t.co/xyz'] }),
      post('A', 200, { text: 'see http://site.org/p?b=2&a=1' }),
      post('B', 210, { text: 'see http://site.org/p?a=1&b=2&utm_medium=x' }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_link'], minWeight: 1 });
    expect(edges).toHaveLength(1);
    expect(edges[0].weight).toBe(2); // story + site.org/p; t.co codes differ in case
    expect(edges[0].evidence.map((e) => e.object).sort()).toEqual(['https://example.com/story', 'https://site.org/p?a=1&b=2']);
  });

  it('co_hashtag_seq: the same ordered sequence of 3+ hashtags', () => {
    const posts = [
      post('A', 0, { hashtags: ['MAGA', 'Trump2016', 'TCOT'] }),
      post('B', 5, { hashtags: ['maga', 'trump2016', 'tcot', 'maga'] }),
      post('C', 6, { hashtags: ['trump2016', 'maga', 'tcot'] }),
      post('D', 7, { text: 'go #MAGA #Trump2016 #tcot' }),
      post('E', 8, { hashtags: ['maga', 'tcot'] }),
      post('F', 9, { hashtags: ['maga', 'tcot'] }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_hashtag_seq'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B', 'A|D', 'B|D']);
    expect(edges[0].evidence[0].object).toBe('#maga #trump2016 #tcot');
  });

  it('co_media: the same media hash', () => {
    const posts = [post('A', 0, { media_hashes: ['h1', 'h2'] }), post('B', 3, { media_hashes: ['h2', 'h1'] }), post('C', 4, { media_hashes: ['h3'] })];
    const edges = buildEdges(posts, { kinds: ['co_media'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B']);
    expect(edges[0].weight).toBe(2);
  });

  it('co_reply: replies to the same post must also be near-same text', () => {
    const reply = (a: string, t: number, text: string, to = 'target') => post(a, t, { reply_to: to, text });
    const posts = [
      reply('A', 0, 'This is a total lie and everyone knows it, shameful'),
      reply('B', 20, 'this is a total lie and everyone knows it, shameful!!'),
      reply('C', 25, 'I completely disagree with your take on the economy'),
      reply('D', 26, 'lol'),
      reply('E', 27, 'lol'),
      reply('F', 28, 'This is a total lie and everyone knows it, shameful', 'other'),
    ];
    const edges = buildEdges(posts, { kinds: ['co_reply'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B', 'D|E']);
  });

  it('co_similar: near-same texts by different accounts within the window', () => {
    const base = 'BREAKING the deep state is hiding the truth about the voting machines in Ohio tonight';
    const posts = [
      post('A', 0, { text: base }),
      post('B', 20, { text: base.replace('tonight', 'today') }),
      post('C', 30, { text: 'A completely different post about the weather in Ohio and nothing else tonight' }),
      post('D', 5000, { text: base }),
      post('E', 10, { text: base, repost_of: 'x' }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_similar'], minWeight: 1 });
    expect(edges.map(pairOf)).toEqual(['A|B']);
    expect(edges[0].evidence[0].object).toBe(base);
  });

  it('is deterministic and independent of input order', () => {
    const posts: CorePost[] = [];
    for (let i = 0; i < 300; i++) posts.push(repost(`a${i % 17}`, (i * 37) % 900, `o${i % 11}`));
    const e1 = buildEdges(posts, { kinds: ['co_repost'], minWeight: 1 });
    const e2 = buildEdges([...posts].reverse(), { kinds: ['co_repost'], minWeight: 1 });
    expect(e2.map((e) => [pairOf(e), e.weight, e.strength])).toEqual(e1.map((e) => [pairOf(e), e.weight, e.strength]));
  });

  it('ignores posts with a non-finite time and survives hostile text', () => {
    const posts = [
      post('A', Number.NaN, { repost_of: 'x' }),
      post('B', 0, { repost_of: 'x' }),
      post('C', 0, { text: '' }),
      post('D', 0, { text: '\u202e\u0000\ud800' + 'x'.repeat(100_000) }),
      post('E', 1, { text: '\u202e\u0000\ud800' + 'x'.repeat(100_000) }),
    ];
    expect(() => buildEdges(posts, { kinds: ['co_repost', 'co_text', 'co_similar', 'co_link', 'co_hashtag_seq'], minWeight: 1 })).not.toThrow();
  });

  it('accepts CNT kind names and rejects unknown ones', () => {
    expect(parseKinds(['co_retweet', 'co_tweet', 'co_similar_tweet', 'co_link'])).toEqual(['co_repost', 'co_text', 'co_similar', 'co_link']);
    expect(() => parseKinds(['co_nonsense'])).toThrow(EdgeOptionsError);
    expect(() => buildEdges([], { kinds: ['co_repost'], window: -1 })).toThrow(EdgeOptionsError);
  });
});

describe('buildEdges, --compat cnt', () => {
  const cnt = { compat: 'cnt' as const, minWeight: 1 };

  it('counts messages with a partner, per direction (CNT directed weights)', () => {
    // A retweets x twice, B once, all within 60 s: A→B = 2 messages, B→A = 1
    const posts = [repost('A', 0, 'x'), repost('A', 10, 'x'), repost('B', 30, 'x')];
    const [e] = buildEdges(posts, { kinds: ['co_repost'], ...cnt });
    expect(e.directed).toEqual({ ab: 2, ba: 1 });
    expect(e.weight).toBe(2);
  });

  it('uses an inclusive ±window and excludes self-loops', () => {
    const posts = [repost('A', 0, 'x'), repost('B', 60, 'x'), repost('C', 121, 'x'), repost('A', 1, 'x')];
    const edges = buildEdges(posts, { kinds: ['co_repost'], ...cnt });
    // B at 60 s is inside A's window (0 ± 60) and C at 121 s is 61 s from B: outside
    expect(edges.map((e) => [pairOf(e), e.directed])).toEqual([['A|B', { ab: 2, ba: 1 }]]);
  });

  it('keeps an edge when either direction reaches the minimum weight', () => {
    const posts = [repost('A', 0, 'x'), repost('A', 10, 'x'), repost('B', 30, 'x')];
    expect(buildEdges(posts, { kinds: ['co_repost'], compat: 'cnt', minWeight: 2 })).toHaveLength(1);
    expect(buildEdges(posts, { kinds: ['co_repost'], compat: 'cnt', minWeight: 3 })).toHaveLength(0);
  });

  it('co_link: verbatim URLs, a message with two shared links counts once, reposts ignored', () => {
    const posts = [
      post('A', 0, { urls: ['http://a.com/1', 'http://a.com/2'] }),
      post('B', 5, { urls: ['http://a.com/1', 'http://a.com/2'] }),
      post('A', 100, { urls: ['http://A.com/1'] }),
      post('B', 100, { urls: ['http://a.com/1'] }),
      post('C', 5, { urls: ['http://a.com/1'], repost_of: 'r' }),
    ];
    const [e, ...rest] = buildEdges(posts, { kinds: ['co_link'], ...cnt });
    expect(rest).toHaveLength(0);
    expect(e.directed).toEqual({ ab: 1, ba: 1 });
  });

  it('co_tweet: CNT preprocessing (lowercase, mentions dropped, URLs kept)', () => {
    const posts = [
      post('A', 0, { text: 'Vote NOW @friend' }),
      post('B', 1, { text: 'vote   now' }),
      post('C', 2, { text: 'vote now https://t.co/1' }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_text'], ...cnt });
    expect(edges.map(pairOf)).toEqual(['A|B']);
  });

  it('co_similar_tweet: exact Jaccard on CNT token sets, threshold inclusive', () => {
    const posts = [
      post('A', 0, { text: 'one two three four' }), // {one two three four}
      post('B', 10, { text: 'one two three four five' }), // J = 4/5 = 0.8 → similar
      post('C', 20, { text: 'one two three six seven' }), // J(A,C) = 3/6, J(B,C) = 3/7
      post('D', 0, { text: '' }), // no tokens: never similar (CNT min document size 1)
      post('E', 0, { text: '@only' }),
    ];
    const edges = buildEdges(posts, { kinds: ['co_similar'], ...cnt });
    expect(edges.map((e) => [pairOf(e), e.directed])).toEqual([['A|B', { ab: 1, ba: 1 }]]);
  });
});
