import { stringify } from 'lossless-json';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectFormat, readRecords } from '../../../../src/ingest/index.ts';
import type { ReadOptions } from '../../../../src/ingest/index.ts';
import { parseLossless } from '../../../../src/ingest/adapters/tiktok-research.ts';
import type { CanonicalPost, ParsedRecord } from '../../../../src/core/types.ts';
import { DATA } from '../helpers.ts';

const F = `${DATA}/formats`;
/** the Bluesky capture is from July 2026 */
const NOW = Date.UTC(2027, 0, 1);

type Rejected = Extract<ParsedRecord, { ok: false }>;

async function load(input: string | NodeJS.ReadableStream, opts: ReadOptions = {}) {
  const all: ParsedRecord[] = [];
  for await (const r of readRecords(input, { now: NOW, ...opts })) all.push(r);
  const posts = all.filter((r) => r.ok).map((r) => (r as { post: CanonicalPost }).post);
  const bad = all.filter((r): r is Rejected => !r.ok);
  return { all, posts, bad };
}

const byId = (posts: CanonicalPost[], id: string) => posts.find((p) => p.post_id === id) as CanonicalPost;
const accounts = (posts: CanonicalPost[]) => new Set(posts.map((p) => p.account.id)).size;

describe('every new sample is told apart by its content', () => {
  it.each([
    ['io-archive/ira_2018_sample.csv', 'io-archive'],
    ['tiktok-research-api/videos_page_1.json', 'tiktok-research'],
    ['tiktok-research-api/comments.json', 'tiktok-research'],
    ['tiktok-research-api/videos_null_bytes.json', 'tiktok-research'],
    ['tiktok-zeeschuimer/search-fosfor.ndjson', 'tiktok-zeeschuimer'],
    ['bluesky/jetstream_corpus.jsonl', 'bluesky-jetstream'],
    ['bluesky/jetstream_golden.jsonl', 'bluesky-jetstream'],
    ['bluesky/getPostThread.json', 'bluesky-posts'],
    ['telegram/telethon_britishnewspatriot.jsonl', 'telegram'],
    ['telegram/telethon_bloomberg.jsonl', 'telegram'],
    ['telegram/desktop_export_result.json', 'telegram'],
    ['crowdtangle/ct_shares_marked.csv', 'crowdtangle'],
  ])('%s → %s', async (file, format) => {
    expect(await detectFormat(`${F}/${file}`)).toBe(format);
  });
});

describe('io-archive: the X information-operations archive tweets CSV', () => {
  it('407 tweets of 86 accounts; the file ends inside a quoted field: 2 rejected records, nothing lost silently', async () => {
    const { posts, bad, all } = await load(`${F}/io-archive/ira_2018_sample.csv`);
    expect(all.length).toBe(409);
    expect(posts.length).toBe(407);
    expect(accounts(posts)).toBe(86);
    expect(bad.map((r) => r.reason)).toEqual(['unterminated quoted field', 'expected 31 columns, got 1']);
    expect(posts.every((p) => p.platform === 'x')).toBe(true);
    // hashed releases put the user hash in the handle columns: no handle then
    expect(posts.filter((p) => p.account.handle === null).length).toBe(313);
  });

  it('field by field: list columns parsed, times UTC, the account from the row', async () => {
    const { posts } = await load(`${F}/io-archive/ira_2018_sample.csv`);
    const p = byId(posts, '894109669869985793');
    expect(p).toMatchObject({
      posted_at: '2017-08-06T08:15:00Z',
      text: 'New Convoy of #SyrianArmy Arrived in #Hama #InsideSyriaMC https://t.co/epSlyp3W71 https://t.co/dpk3ry60Gl',
      lang: 'en',
      hashtags: ['syrianarmy', 'hama', 'insidesyriamc'],
      urls: ['http://en.insidesyriamc.com/2017/08/06/new-convoy-of-syrian-army-arrived-in-hama/'],
      repost_of: null,
      account: {
        id: '4125840934',
        handle: 'Inside_Syria',
        display_name: 'Inside Syria MC',
        location: 'Syria',
        followers: 19816,
        following: 808,
        created_at: '2015-11-06T00:00:00Z',
      },
    });
    // retweets: is_retweet + retweet_tweetid
    expect(byId(posts, '580819440469602304').repost_of).toBe('580819071475826688');
    expect(posts.filter((p) => p.repost_of !== null).length).toBe(3);
  });
});

describe('io-archive rows one by one', () => {
  const header =
    'tweetid,userid,user_display_name,user_screen_name,tweet_text,tweet_time,is_retweet,retweet_tweetid,in_reply_to_tweetid,hashtags,urls,user_mentions,latitude,longitude';
  const csv = (...rows: string[]) => Readable.from([[header, ...rows].join('\n') + '\n']);

  it('ids written as floats never join: a float post id rejects the row, a float retweet id falls back to the text key', async () => {
    const { posts, bad } = await load(
      csv(
        '1.3745414776494244e+18,u1,U,u,hello world,2021-03-01 10:00,false,,,[],[],[],absent,absent',
        '2,u1,U,u,RT @a: the same words,2021-03-01 10:01,true,1.3745414776494244e+18,,[],[],[],absent,absent',
        '3,u2,V,v,RT @a: the same words,2021-03-01 10:02,true,1.3745414776494244e+18,7.1e+17,[],[],[],absent,absent',
      ),
      { format: 'io-archive' },
    );
    expect(bad.map((r) => r.reason)).toEqual([
      'tweetid 1.3745414776494244e+18 was written as a float and has lost its last digits; it cannot be a post id',
    ]);
    expect(posts[0].repost_of).toMatch(/^rt_[0-9a-f]{20}$/);
    // the two retweets of the same text share the key, the rounded number is nowhere
    expect(posts[1].repost_of).toBe(posts[0].repost_of);
    expect(posts[1].reply_to).toBeNull();
  });

  it('Python-list columns: quotes, escapes, numbers, empty = extract from the text', async () => {
    const { posts } = await load(
      csv(
        `10,u1,U,u,text #x,2021-03-01 10:00,false,,,"['it\\'s', ""dbl"", 'caf\\xe9']","['http://a.example/1', 'http://b.example/2']",[12],absent,absent`,
        '11,u1,U,u,text #fromtext http://c.example,2021-03-01 10:00,false,,,,,,absent,absent',
      ),
      { format: 'io-archive' },
    );
    expect(posts[0].hashtags).toEqual(["it's", 'dbl', 'café']);
    expect(posts[0].urls).toEqual(['http://a.example/1', 'http://b.example/2']);
    expect(posts[1].hashtags).toEqual(['fromtext']);
    expect(posts[1].urls).toEqual(['http://c.example']);
  });

  it('the users CSV alone is not a posts file, and says so', async () => {
    const users = Readable.from([
      'userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,follower_count,following_count,account_creation_date\n1,a,b,c,d,1,2,2015-01-01\n',
    ]);
    await expect(load(users)).rejects.toThrow(/users CSV: it holds accounts, no posts/);
  });
});

describe('tiktok-research: Research API responses, ids beyond 2^53', () => {
  it('video/query page 1: 27 videos of 27 accounts, ids and sounds exact', async () => {
    const { posts, bad } = await load(`${F}/tiktok-research-api/videos_page_1.json`);
    expect([posts.length, bad.length, accounts(posts)]).toEqual([27, 0, 27]);
    const p = byId(posts, '7320768196569599275');
    expect(p).toMatchObject({
      platform: 'tiktok',
      posted_at: '2024-01-05T23:59:56Z',
      text: '#duet with @MarvelKitties2022 #cats ',
      hashtags: ['cats', 'duet'],
      mentions: ['marvelkitties2022'],
      objects: ['sound:7159460238003800066'],
      account: { id: 's.clovis', handle: 's.clovis', location: 'US' },
    });
    // JSON.parse would have made this 7320768196569599000
    expect(JSON.parse('7320768196569599275')).not.toBe(7320768196569599275n.toString());
    expect(posts.every((x) => /^\d{19}$/.test(x.post_id))).toBe(true);
    expect(new Set(posts.map((x) => x.post_id)).size).toBe(27);
  });

  it('lossless ids survive a round trip: page → canonical NDJSON → records, and back to JSON digits', async () => {
    const { posts } = await load(`${F}/tiktok-research-api/videos_page_1.json`);
    const ndjson = posts.map((p) => JSON.stringify(p)).join('\n') + '\n';
    const again = await load(Readable.from([ndjson]), { format: 'ndjson' });
    expect(again.posts.map((p) => [p.post_id, p.objects])).toEqual(posts.map((p) => [p.post_id, p.objects]));
    const { value } = parseLossless('{"id":7435406205763226897,"n":3}');
    expect(value).toEqual({ id: '7435406205763226897', n: 3 });
    expect(stringify({ id: '7435406205763226897' })).toBe('{"id":"7435406205763226897"}');
  });

  it('the page edited for paging tests reads the same way (27 videos)', async () => {
    const { posts, bad } = await load(`${F}/tiktok-research-api/videos_page_2_edited.json`);
    expect([posts.length, bad.length]).toEqual([27, 0]);
  });

  it('the username with NUL bytes: NULs removed, the record kept, one account', async () => {
    const { posts, bad } = await load(`${F}/tiktok-research-api/videos_null_bytes.json`);
    expect(bad).toEqual([]);
    expect(posts.length).toBe(1);
    expect(posts[0].post_id).toBe('7435406205763226897');
    expect(posts[0].account.id).toBe('حموديالباشا4');
    expect(posts[0].account.handle).toBe('حموديالباشا4');
    expect(posts[0].objects).toEqual(['sound:7375579229523643153']);
  });

  it('comments carry no author: all 6 rejected with that reason, not stored under a shared fake account', async () => {
    const { posts, bad } = await load(`${F}/tiktok-research-api/comments.json`);
    expect(posts).toEqual([]);
    expect(bad.length).toBe(6);
    expect(new Set(bad.map((r) => r.reason))).toEqual(
      new Set(['comment has no author: the Research API video/comment/list response carries no username']),
    );
    expect(bad[0].raw).toContain('"7386111312293610270"');
  });

  it('an API error response is a rejected record with the error', async () => {
    const { bad } = await load(
      Readable.from(['{"data":{"videos":[]},"error":{"code":"rate_limit_exceeded","message":"slow down"}}\n']),
      { format: 'tiktok-research' },
    );
    expect(bad.map((r) => r.reason)).toEqual(['API error: rate_limit_exceeded: slow down']);
  });
});

describe('tiktok-zeeschuimer: Zeeschuimer / 4CAT NDJSON', () => {
  it('96 items of 88 authors, every one with its sound; 9 without a description kept (they use a sound)', async () => {
    const { posts, bad } = await load(`${F}/tiktok-zeeschuimer/search-fosfor.ndjson`);
    expect([posts.length, bad.length, accounts(posts)]).toEqual([96, 0, 88]);
    expect(posts.filter((p) => p.text === '').length).toBe(9);
    expect(posts.every((p) => p.objects?.length === 1 && p.objects[0].startsWith('sound:'))).toBe(true);
    const p = byId(posts, '7288995634328177926');
    expect(p).toMatchObject({
      platform: 'tiktok',
      posted_at: '2023-10-12T09:05:49Z',
      objects: ['sound:7288995737794005765'],
      account: {
        id: '7158414720537232389',
        handle: 'haberturktv',
        display_name: 'Habertürk TV',
        followers: 277400,
        following: 0,
      },
    });
    expect(p.hashtags.slice(0, 3)).toEqual(['fosfor', 'bomba', 'fosforbombası']);
  });
});

describe('bluesky-jetstream: Jetstream events', () => {
  it('152 events: 17 posts, 15 reposts, 105 likes, 6 follows ingested; 4 deletes recorded; 5 others named', async () => {
    const { posts, bad, all } = await load(`${F}/bluesky/jetstream_corpus.jsonl`);
    expect(all.length).toBe(152);
    expect(posts.length).toBe(143);
    const kind = (p: CanonicalPost) =>
      p.post_id.includes('/app.bsky.feed.like/') ? 'like' : p.post_id.includes('/app.bsky.feed.repost/') ? 'repost' : p.post_id.includes('/app.bsky.graph.follow/') ? 'follow' : 'post';
    const counts: Record<string, number> = {};
    for (const p of posts) counts[kind(p)] = (counts[kind(p)] ?? 0) + 1;
    expect(counts).toEqual({ like: 105, post: 17, repost: 15, follow: 6 });
    expect(bad.filter((r) => r.reason.startsWith('delete of at://')).length).toBe(4);
    expect(bad.map((r) => r.reason).filter((r) => !r.startsWith('delete of')).sort()).toEqual([
      'not a post: account event',
      'not a post: identity event',
      'not ingested: collection app.bsky.actor.status',
      'not ingested: collection app.bsky.graph.block',
      'not ingested: collection fm.teal.alpha.actor.status',
    ]);
    expect(posts.every((p) => p.platform === 'bluesky' && p.account.id.startsWith('did:'))).toBe(true);
    const likes = posts.filter((p) => kind(p) === 'like');
    expect(likes.every((p) => p.text === '' && p.objects?.[0].startsWith('like:at://'))).toBe(true);
    expect(posts.filter((p) => kind(p) === 'repost').every((p) => p.repost_of?.startsWith('at://'))).toBe(true);
  });

  it('field by field: the golden like and a post with a link facet', async () => {
    const { posts } = await load(`${F}/bluesky/jetstream_golden.jsonl`);
    const like = byId(posts, 'at://did:plc:mcc5yghbk7tixqryac2yxku7/app.bsky.feed.like/3mmoojp7etg2g');
    expect(like).toMatchObject({
      posted_at: '2026-05-25T14:23:29.132Z', // time_us, not the client-set createdAt
      text: '',
      objects: ['like:at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j'],
      account: { id: 'did:plc:mcc5yghbk7tixqryac2yxku7' },
    });
    const { posts: corpus } = await load(`${F}/bluesky/jetstream_corpus.jsonl`);
    const p = byId(corpus, 'at://did:plc:dclwtltrt2ggsryagfzk7dp4/app.bsky.feed.post/3mptbyoeyc22k');
    expect(p).toMatchObject({
      text: 'www.youtube.com/watch?v=V5lD...',
      lang: 'en',
      urls: ['https://www.youtube.com/watch?v=V5lDo-jw8mA'],
    });
  });

  it('identity events carrying a handle name the DID from then on', async () => {
    const lines = [
      { did: 'did:plc:aaa', time_us: 1783175888000000, kind: 'identity', identity: { did: 'did:plc:aaa', handle: 'alice.example', seq: 1, time: '2026-07-04T14:38:07Z' } },
      { did: 'did:plc:aaa', time_us: 1783175888000001, kind: 'commit', commit: { rev: 'r', operation: 'create', collection: 'app.bsky.feed.post', rkey: 'k1', record: { $type: 'app.bsky.feed.post', text: 'hi #Vote', createdAt: '2026-07-04T14:38:07Z', facets: [{ features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Vote' }] }] } } },
    ];
    const { posts } = await load(Readable.from([lines.map((l) => JSON.stringify(l)).join('\n') + '\n']));
    expect(posts[0].account.handle).toBe('alice.example');
    expect(posts[0].hashtags).toEqual(['vote']);
  });
});

describe('bluesky-posts: AppView postViews', () => {
  it('getPostThread: 171 posts by 161 authors, root first, replies pointing at their parent', async () => {
    const { posts, bad } = await load(`${F}/bluesky/getPostThread.json`);
    expect([posts.length, bad.length, accounts(posts)]).toEqual([171, 0, 161]);
    const root = posts[0];
    expect(root).toMatchObject({
      post_id: 'at://did:plc:liq6fguhetsghzyo4cmv5zd4/app.bsky.feed.post/3jvuuju3amj2i',
      posted_at: '2023-05-16T21:55:03.191Z',
      text: 'Day one. Jumping in.',
      reply_to: null,
      media_hashes: ['bafkreigqqpsqk3jzhtzkbt5qobajcs44vbbq6o7wia4g3fyolkiyz5k76i'],
      account: {
        id: 'did:plc:liq6fguhetsghzyo4cmv5zd4',
        handle: 'jimmyfallon.bsky.social',
        display_name: 'Jimmy Fallon',
        avatar_hash: 'bafkreif36aqgaxcy53hacxxkux2zk3cvw4k5a7kel53fh3jdgj6sc2r7u4',
      },
    });
    expect(posts.slice(1).every((p) => p.reply_to !== null)).toBe(true);
  });

  it('getAuthorFeed: a reasonRepost is a repost by the feed owner; searchPosts reads posts', async () => {
    const view = { uri: 'at://did:plc:src/app.bsky.feed.post/1', cid: 'c', author: { did: 'did:plc:src', handle: 'src.example' }, record: { text: 'original', createdAt: '2024-01-01T00:00:00Z' }, indexedAt: '2024-01-01T00:00:01Z' };
    const feed = { feed: [{ post: view, reason: { $type: 'app.bsky.feed.defs#reasonRepost', by: { did: 'did:plc:me', handle: 'me.example' }, indexedAt: '2024-01-02T00:00:00Z' } }, { post: view }] };
    const { posts } = await load(Readable.from([JSON.stringify(feed) + '\n' + JSON.stringify({ posts: [view] }) + '\n']), { format: 'bluesky-posts' });
    expect(posts.map((p) => [p.post_id, p.account.id, p.repost_of, p.posted_at])).toEqual([
      ['repost:did:plc:me:at://did:plc:src/app.bsky.feed.post/1', 'did:plc:me', 'at://did:plc:src/app.bsky.feed.post/1', '2024-01-02T00:00:00Z'],
      ['at://did:plc:src/app.bsky.feed.post/1', 'did:plc:src', null, '2024-01-01T00:00:01Z'],
      ['at://did:plc:src/app.bsky.feed.post/1', 'did:plc:src', null, '2024-01-01T00:00:01Z'],
    ]);
  });
});

describe('telegram: Telethon dumps and Desktop exports', () => {
  it('britishnewspatriot: 20 channel messages, 17 forwards as reposts of their source', async () => {
    const { posts, bad } = await load(`${F}/telegram/telethon_britishnewspatriot.jsonl`);
    expect([posts.length, bad.length]).toEqual([20, 0]);
    expect(posts.filter((p) => p.repost_of !== null).length).toBe(17);
    expect(byId(posts, '1799276919/2482')).toMatchObject({
      platform: 'telegram',
      posted_at: '2023-05-21T04:09:30Z',
      text: '@redpillboy',
      repost_of: '1724102370/16072',
      objects: ['fwd:1724102370/16072'],
      account: { id: '1799276919' },
    });
    // a forward from a hidden sender: a key from its name and date
    expect(byId(posts, '1799276919/2476').repost_of).toMatch(/^fwd-[0-9a-f]{20}$/);
  });

  it('bloomberg: 40 messages, links from the text', async () => {
    const { posts, bad } = await load(`${F}/telegram/telethon_bloomberg.jsonl`);
    expect([posts.length, bad.length]).toEqual([40, 0]);
    expect(byId(posts, '1488156064/3148').urls).toEqual(['https://bloom.bg/4lzgWdi']);
  });

  it('desktop export: 19 messages, 13 posts; the service message and 5 media-only messages rejected with reasons', async () => {
    const { posts, bad } = await load(`${F}/telegram/desktop_export_result.json`);
    expect([posts.length, bad.length]).toEqual([13, 6]);
    expect(bad.map((r) => r.reason)).toEqual([
      'service message (create_channel), not a post',
      ...Array(5).fill('message has no text (media only or empty), and is not a forward'),
    ]);
    expect(byId(posts, '1292077344/9')).toMatchObject({
      text: 'italic in text\n\nitalic on whole line',
      posted_at: '2020-11-12T13:43:23Z',
      account: { id: '1292077344', display_name: 'test' },
    });
    expect(byId(posts, '1292077344/14').urls).toContain('http://example.com/');
  });
});

describe('crowdtangle: CooRnet-flattened link shares', () => {
  it('772 rows of 744 posts by 664 pages/groups; bare link shares kept as share: actions', async () => {
    const { posts, bad } = await load(`${F}/crowdtangle/ct_shares_marked.csv`);
    expect([posts.length, bad.length]).toEqual([772, 0]);
    expect(new Set(posts.map((p) => p.post_id)).size).toBe(744);
    expect(accounts(posts)).toBe(664);
    expect(posts.every((p) => p.platform === 'facebook')).toBe(true);
    expect(posts.filter((p) => p.text === '' && p.objects?.[0]?.startsWith('share:')).length).toBe(333);
    expect(new Set(posts.map((p) => p.urls[0])).size).toBe(9);
    const p = byId(posts, '542406262952365_961699654356355');
    expect(p).toMatchObject({
      posted_at: '2020-11-29T22:03:33Z',
      text: '',
      account: { id: '542406262952365', display_name: 'InitiateØ NESARA NORGE', followers: 2991, handle: null },
    });
    expect(p.urls[0]).toMatch(/^https:\/\/www\.zerohedge\.com\/medical\/pandemic-over/);
  });
});
