import { describe, expect, it } from 'vitest';
import { buildEdges } from '../../../../src/core/edges/index.ts';
import { toCorePost } from '../../../../src/core/posts.ts';
import type { CanonicalPost, CorePost } from '../../../../src/core/types.ts';
import { readRecords } from '../../../../src/ingest/index.ts';
import { DATA } from '../helpers.ts';

function post(platform: string, account: string, id: string, t: number, extra: Partial<CanonicalPost> = {}): CorePost {
  return toCorePost({
    platform,
    post_id: id,
    posted_at: new Date(Date.UTC(2024, 0, 1) + t * 1000).toISOString(),
    text: '',
    lang: null,
    urls: [],
    hashtags: [],
    mentions: [],
    repost_of: null,
    reply_to: null,
    media_hashes: [],
    account: { id: account, handle: null, display_name: null, bio: null, created_at: null, followers: null, following: null, location: null, avatar_hash: null },
    ...extra,
  });
}

describe('co_sound: the same TikTok sound, rarity-weighted', () => {
  it('a private sound used by two accounts is strong; a trending one shared by many is weak', () => {
    const posts: CorePost[] = [
      post('tiktok', 'a', '1', 0, { objects: ['sound:rare'] }),
      post('tiktok', 'b', '2', 20, { objects: ['sound:rare'] }),
    ];
    // a trending sound: 30 accounts within the minute, a and b among them
    for (let i = 0; i < 30; i++) posts.push(post('tiktok', i < 2 ? 'ab'[i] : `u${i}`, `t${i}`, i, { objects: ['sound:trend'] }));
    const edges = buildEdges(posts, { kinds: ['co_sound'], minWeight: 1 });
    const ab = edges.find((e) => e.a === 'tiktok:a' && e.b === 'tiktok:b')!;
    expect(ab.kind).toBe('co_sound');
    expect(ab.weight).toBe(2);
    // 1/(2−1) for the rare sound + 1/(30−1) for the trending one
    expect(ab.strength).toBeCloseTo(1 + 1 / 29, 6);
    const crowd = edges.find((e) => e.a === 'tiktok:u10' && e.b === 'tiktok:u11')!;
    expect(crowd.strength).toBeCloseTo(1 / 29, 6);
    expect(new Set(ab.evidence.map((x) => x.object))).toEqual(new Set(['rare', 'trend']));
  });

  it('the Zeeschuimer sample: 96 distinct sounds, so no co_sound edge at all', async () => {
    const posts: CorePost[] = [];
    for await (const r of readRecords(`${DATA}/formats/tiktok-zeeschuimer/search-fosfor.ndjson`)) if (r.ok) posts.push(toCorePost(r.post));
    expect(posts.length).toBe(96);
    expect(posts.every((p) => p.objects?.[0]?.startsWith('sound:'))).toBe(true);
    expect(buildEdges(posts, { kinds: ['co_sound'], minWeight: 1, window: 10 * 365 * 86400 })).toEqual([]);
  });
});

describe('co_forward: Telegram channels forwarding the same source post', () => {
  it('pairs the forwarding channels, not the source; reposts are looked at', () => {
    const fwd = (ch: string, id: string, t: number, src: string) => post('telegram', ch, `${ch}/${id}`, t, { repost_of: src, objects: [`fwd:${src}`] });
    const posts = [fwd('100', '1', 0, '9/5'), fwd('200', '7', 30, '9/5'), fwd('100', '2', 100, '9/6'), fwd('200', '8', 110, '9/6'), fwd('300', '1', 5000, '9/5')];
    const edges = buildEdges(posts, { kinds: ['co_forward'], minWeight: 2 });
    expect(edges.map((e) => [e.a, e.b, e.weight])).toEqual([['telegram:100', 'telegram:200', 2]]);
  });

  it('the britishnewspatriot dump: 17 forwards carry fwd: objects equal to their repost_of', async () => {
    const posts: CorePost[] = [];
    for await (const r of readRecords(`${DATA}/formats/telegram/telethon_britishnewspatriot.jsonl`)) if (r.ok) posts.push(toCorePost(r.post));
    const f = posts.filter((p) => p.objects !== undefined);
    expect(f.length).toBe(17);
    expect(f.every((p) => p.objects![0] === `fwd:${p.repost_of}`)).toBe(true);
  });
});

describe('co_like: likes of the same post (Jetstream)', () => {
  it('a like ring liking the same obscure posts seconds apart', () => {
    const like = (did: string, rk: string, t: number, target: string) => post('bluesky', did, `at://${did}/app.bsky.feed.like/${rk}`, t, { objects: [`like:${target}`] });
    const posts = [
      like('did:a', '1', 0, 'at://x/p/1'),
      like('did:b', '1', 2, 'at://x/p/1'),
      like('did:a', '2', 60, 'at://x/p/2'),
      like('did:b', '2', 61, 'at://x/p/2'),
      like('did:c', '1', 61, 'at://x/p/3'),
    ];
    const edges = buildEdges(posts, { kinds: ['co_like'], minWeight: 2 });
    expect(edges.map((e) => [e.a, e.b, e.kind, e.weight])).toEqual([['bluesky:did:a', 'bluesky:did:b', 'co_like', 2]]);
    expect(edges[0].strength).toBeCloseTo(2, 6);
  });

  it('the Jetstream corpus: 105 likes become like: objects; 0.3 s of the firehose has no ring', async () => {
    const posts: CorePost[] = [];
    for await (const r of readRecords(`${DATA}/formats/bluesky/jetstream_corpus.jsonl`, { now: Date.UTC(2027, 0, 1) })) if (r.ok) posts.push(toCorePost(r.post));
    expect(posts.filter((p) => p.objects?.[0]?.startsWith('like:')).length).toBe(105);
    expect(buildEdges(posts, { kinds: ['co_like'], minWeight: 2 })).toEqual([]);
  });
});

describe('co-text across platforms', () => {
  const text = 'They are rigging the vote count in Maricopa, share before it is deleted';
  it('co_text and co_similar pair an X account with a TikTok, a Telegram and a Bluesky account', () => {
    const posts = [
      post('x', 'u1', 'x1', 0, { text }),
      post('tiktok', 'u1', 'v1', 10, { text }),
      post('telegram', '777', '777/1', 20, { text: text + '!!' }),
      post('bluesky', 'did:plc:q', 'at://did:plc:q/app.bsky.feed.post/1', 30, { text: text.replace('share', 'Share') }),
      post('x', 'u1', 'x2', 3600, { text: 'They are rigging the vote count in Fulton, share before it is deleted' }),
      post('tiktok', 'u1', 'v2', 3610, { text: 'They are rigging the vote count in Fulton, share before it is deleted' }),
    ];
    const exact = buildEdges(posts, { kinds: ['co_text'], minWeight: 1 });
    // the same id on two platforms is two accounts: keys are platform:id
    const xt = exact.find((e) => e.a === 'tiktok:u1' && e.b === 'x:u1');
    expect(xt?.weight).toBe(2);
    const pairs = new Set(exact.map((e) => `${e.a}|${e.b}`));
    expect(pairs.has('telegram:777|x:u1') || pairs.has('bluesky:did:plc:q|x:u1')).toBe(true);
    const near = buildEdges(posts, { kinds: ['co_similar'], minWeight: 1 });
    const platforms = new Set(near.flatMap((e) => [e.a.split(':')[0], e.b.split(':')[0]]));
    expect(platforms).toEqual(new Set(['x', 'tiktok', 'telegram', 'bluesky']));
    expect(near.every((e) => e.a.split(':')[0] !== e.b.split(':')[0] || e.a !== e.b)).toBe(true);
  });
});
