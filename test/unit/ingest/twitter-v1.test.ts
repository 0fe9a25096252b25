import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DATA, FIXTURES, collect } from './helpers.ts';

const V1 = `${DATA}/formats/twitter-v1.1`;

describe('Twitter API v1.1 JSON', () => {
  it('reads the retweets of a recorded response (gzip, cassette), field by field', async () => {
    const { posts, ok, bad } = await collect(`${V1}/get_retweets1.json.gz`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(2);
    expect(ok.map((r) => r.pos)).toEqual([
      { file: `${V1}/get_retweets1.json.gz`, line: 1, item: 0 },
      { file: `${V1}/get_retweets1.json.gz`, line: 1, item: 1 },
    ]);
    expect(posts[1]).toEqual({
      platform: 'x',
      post_id: '1363490231643738115',
      posted_at: '2021-02-21T14:06:18Z',
      text: "RT @thomas_mock: This past week's #TidyTuesday counts, posted through #rstats courtesy of #rtweet!\n\n#TidyTuesday details: https://t.co/sElb…",
      lang: 'en',
      urls: [],
      hashtags: ['tidytuesday', 'rstats', 'rtweet', 'tidytuesday'],
      mentions: ['thomas_mock'],
      repost_of: '1363488961537130497',
      reply_to: null,
      media_hashes: [],
      account: {
        id: '983470194982088704',
        handle: 'R4DScommunity',
        display_name: 'R4DS online learning community',
        bio: expect.any(String),
        created_at: '2018-04-09T22:22:21Z',
        followers: 21792,
        following: 1601,
        location: null,
        avatar_hash: null,
      },
    });
  });

  it('reads both timelines of get_timeline1 (200 tweets, 7 retweets)', async () => {
    const { posts, ok, bad } = await collect(`${V1}/get_timeline1.json.gz`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(200);
    expect(posts.filter((p) => p.repost_of !== null)).toHaveLength(7);
    expect(new Set(posts.map((p) => p.account.handle))).toEqual(new Set(['cnnbrk', 'CNN']));
    // tweets are numbered across the recorded responses of the file
    expect(ok[100].pos).toEqual({ file: `${V1}/get_timeline1.json.gz`, line: 1, item: 100 });
    expect(posts[100]).toMatchObject({
      post_id: '1611673265272913922',
      posted_at: '2023-01-07T10:37:04Z',
      urls: ['https://cnn.it/3CveNvJ'],
      account: { id: '759251', handle: 'CNN', location: null },
    });
  });

  it('streams a pretty-printed JSON array element by element; a stream notice is rejected as such', async () => {
    const { ok, bad } = await collect(`${FIXTURES}/v1-array.json`);
    expect(ok.map((r) => [r.pos.item, r.post.post_id, r.post.repost_of])).toEqual([
      [0, '1611599630533525504', null],
      [1, '1611578587525652480', '1611578419870945281'],
      [2, '1611576882524291072', '1611576776807022594'],
    ]);
    expect(ok[1].pos.line).toBeGreaterThan(ok[0].pos.line);
    expect(bad.map((r) => [r.pos.item, r.reason])).toEqual([
      [3, 'not a tweet: stream notice "delete"'],
    ]);
  });

  it('reads one tweet per line the same as the array', async () => {
    const lines = await collect(`${FIXTURES}/v1-lines.jsonl`);
    const array = await collect(`${FIXTURES}/v1-array.json`);
    expect(lines.bad).toEqual([]);
    expect(lines.posts).toEqual(array.posts);
  });

  it('an array cut off in the middle keeps the elements before the cut', async () => {
    const text = fs.readFileSync(`${FIXTURES}/v1-array.json`, 'utf8');
    const cut = text.slice(0, text.indexOf('"id_str": "1611576882524291072"'));
    const { posts, bad } = await collect(Readable.from([Buffer.from(cut)]), {
      format: 'twitter-v1',
    });
    expect(posts.map((p) => p.post_id)).toEqual(['1611599630533525504', '1611578587525652480']);
    expect(bad.map((r) => r.reason)).toEqual([
      'invalid JSON: unexpected end of input inside a value',
    ]);
  });

  it('extended tweets (streaming API) use extended_tweet.full_text and its entities', async () => {
    const tweet = {
      id_str: '5',
      created_at: 'Wed Oct 10 20:19:24 +0000 2018',
      text: 'short version… https://t.co/x',
      truncated: true,
      extended_tweet: {
        full_text: 'the long version #Tag',
        entities: { hashtags: [{ text: 'Tag' }], urls: [], user_mentions: [] },
      },
      in_reply_to_status_id_str: '4',
      user: {
        id_str: '9',
        screen_name: 'nine',
        followers_count: 1,
        friends_count: 2,
        created_at: 'Mon Apr 09 22:22:21 +0000 2018',
        location: 'Texas, USA',
      },
    };
    const { posts } = await collect(Readable.from([JSON.stringify(tweet)]));
    expect(posts[0]).toMatchObject({
      post_id: '5',
      posted_at: '2018-10-10T20:19:24Z',
      text: 'the long version #Tag',
      hashtags: ['tag'],
      reply_to: '4',
      account: {
        id: '9',
        handle: 'nine',
        location: 'Texas, USA',
        created_at: '2018-04-09T22:22:21Z',
      },
    });
  });
});
