import { describe, expect, it } from 'vitest';
import { DATA, FIXTURES, collect } from './helpers.ts';

const X = `${DATA}/formats/x-api-v2`;

describe('X API v2 pages', () => {
  it('reads every tweet of a search page with its author from includes.users', async () => {
    const { posts, bad, ok } = await collect(`${X}/kpop.jsonl`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(100);
    expect(ok.slice(0, 2).map((r) => r.pos)).toEqual([
      { file: `${X}/kpop.jsonl`, line: 1, item: 0 },
      { file: `${X}/kpop.jsonl`, line: 1, item: 1 },
    ]);
    expect(posts[0]).toEqual({
      platform: 'x',
      post_id: '1440717170493689866',
      posted_at: '2021-09-22T16:38:35Z',
      text: 'RT @ChartsEcuador: #TopKPopEcuador\n@BTS_twt se mantiene en el #1 con #Butter, #Lisa debuta en el #2 \nhttps://t.co/pQMACSzDmd\n#charts #kpop…',
      lang: 'es',
      urls: ['http://www.chartsecuador.biz'],
      hashtags: ['topkpopecuador', 'butter', 'lisa', 'charts', 'kpop'],
      mentions: ['chartsecuador', 'bts_twt'],
      repost_of: '1440691114135080963',
      reply_to: null,
      media_hashes: [],
      account: {
        id: '1433267766912557062',
        handle: 'ximerios12_',
        display_name: 'Ximena Ríos',
        bio: 'Kpop 🎶 Kdrama 😍\nLojana 🇪🇨',
        created_at: '2021-09-02T03:17:52Z',
        followers: 4,
        following: 90,
        location: null,
        avatar_hash: null,
      },
    });
  });

  it('reads both pages of 2sets.jsonl (200 tweets; retweets, replies, quotes)', async () => {
    const { posts, bad } = await collect(`${X}/2sets.jsonl`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(200);
    expect(new Set(posts.map((p) => p.post_id)).size).toBe(200);
    const second = posts.find((p) => p.post_id === '1440716895355764743');
    expect(second).toMatchObject({
      text: expect.stringMatching(/^The same Labour MPs/),
      hashtags: ['peoplesvote', 'brexit'],
      repost_of: null,
      reply_to: null,
      account: {
        id: '4203239195',
        handle: 'WarmongerHodges',
        followers: 34920,
        following: 3552,
        created_at: '2015-11-16T17:03:41Z',
      },
    });
    // no tweet lost its author
    expect(posts.every((p) => p.account.handle !== null)).toBe(true);
  });

  it('reads a filtered stream (one tweet per line) and rejects its cut-off last line', async () => {
    const { posts, bad } = await collect(`${X}/streaming_output_with_error.jsonl`);
    expect(posts).toHaveLength(7);
    expect(posts[0]).toMatchObject({
      post_id: '1377650090978992134',
      posted_at: '2021-04-01T15:52:31Z',
      repost_of: null, // a quote tweet is the account's own post
      urls: [
        'https://twitter.com/blackheart_265/status/1377650090978992134/photo/1',
        'https://twitter.com/Manie_DS/status/1377640162566496258',
      ],
      account: {
        id: '4602771083',
        handle: 'blackheart_265',
        location: 'Mzuzu, Malawi',
        followers: 881,
        following: 499,
      },
    });
    expect(posts[1]).toMatchObject({
      post_id: '1377650093109743620',
      reply_to: '1377266697850257410',
    });
    expect(bad).toHaveLength(1);
    expect(bad[0].pos).toEqual({ file: `${X}/streaming_output_with_error.jsonl`, line: 8 });
    expect(bad[0].reason).toBe(
      "invalid JSON: Expected ',' or '}' after property value in JSON at position 44",
    );
    expect(bad[0].raw).toBe('{"data": {"author_id": "1021159080151404544"');
  });

  it('two_tweets.jsonl: the retweet, not the retweeted tweet from includes', async () => {
    const { posts, bad } = await collect(`${X}/two_tweets.jsonl`);
    expect(bad).toEqual([]);
    expect(posts).toEqual([
      expect.objectContaining({
        post_id: '1394735776701816833',
        repost_of: '1391677057810288641',
        lang: null,
        hashtags: ['poiuytrewq'],
        mentions: ['bibaigna96'],
      }),
    ]);
  });

  it('an empty file yields nothing, without error', async () => {
    const { all } = await collect(`${X}/empty.json`);
    expect(all).toEqual([]);
  });

  it('a users lookup page is one rejected record that says so', async () => {
    const { posts, bad } = await collect(`${X}/users.jsonl`);
    expect(posts).toEqual([]);
    expect(bad.map((r) => [r.pos.line, r.reason])).toEqual([
      [1, 'page has no tweets (users lookup: 96 users)'],
    ]);
  });

  it('error objects: rejected with the API message; data next to errors is kept; empty pages are skipped', async () => {
    const { ok, bad } = await collect(`${FIXTURES}/x-v2-errors.jsonl`);
    expect(
      ok.map((r) => [r.pos.line, r.pos.item, r.post.post_id, r.post.repost_of, r.post.reply_to]),
    ).toEqual([
      [2, undefined, '1001', null, null],
      [4, 0, '1002', '1001', null],
      [4, 1, '1003', null, '1001'],
    ]);
    expect(ok[0].post).toMatchObject({
      lang: null,
      hashtags: ['one'],
      account: { handle: 'fiftyfive', followers: 3, following: 700 },
    });
    // an author missing from includes still gives an account id
    expect(ok[2].post.account).toMatchObject({ id: '57', handle: null });
    expect(bad.map((r) => [r.pos.line, r.pos.item, r.reason])).toEqual([
      [
        1,
        undefined,
        'API error: operational-disconnect: This stream has been disconnected upstream for operational reasons.',
      ],
      [4, 2, 'invalid posted_at: "yesterday"'],
      [5, undefined, 'page has no data and no errors'],
    ]);
    expect(JSON.parse(bad[1].raw)).toMatchObject({ id: '1004' });
  });
});
