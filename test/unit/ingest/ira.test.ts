import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError, iraRepostKey, readRecords } from '../../../src/ingest/index.ts';
import { DATA, FIXTURES, collect } from './helpers.ts';

const F538 = `${DATA}/formats/fivethirtyeight-ira/IRAhandle_tweets_sample.csv`;
const BY_AUTHOR = `${DATA}/formats/ira-by-author`;

describe('FiveThirtyEight IRA CSV (spreadsheet-mangled sample)', () => {
  it('reads all 100 rows; ids recovered from article_url despite E-notation', async () => {
    const { posts, bad } = await collect(F538);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(100);
    expect(new Set(posts.map((p) => p.post_id)).size).toBe(100);
    expect(
      posts.every((p) => /^\d{18}$/.test(p.post_id) && p.account.id === '905874659358453760'),
    ).toBe(true);
    expect(posts.filter((p) => p.repost_of !== null)).toHaveLength(34); // 33 RETWEET + 1 QUOTE_TWEET, as the retweet flag says
  });

  it('maps a retweet row field by field (M/D/YY date, language name, synthetic repost key)', async () => {
    const { posts } = await collect(F538);
    expect(posts[2]).toEqual({
      platform: 'x',
      post_id: '914623490375979008',
      posted_at: '2017-10-01T22:50:00Z',
      text: 'Daughter of fallen Navy Sailor delivers powerful monologue on anthem protests, burns her NFL packers gear.  #BoycottNFL https://t.co/qDlFBGMeag',
      lang: 'en',
      urls: ['https://t.co/qDlFBGMeag'],
      hashtags: ['boycottnfl'],
      mentions: [],
      // md5 of the whitespace-normalised text, computed independently with Python
      repost_of: 'rt_67c7dd0385a48c4254f0',
      reply_to: null,
      media_hashes: [],
      account: {
        id: '905874659358453760',
        handle: '10_GOP',
        display_name: null,
        bio: null,
        created_at: null,
        followers: 9637,
        following: 1054,
        location: 'Unknown',
        avatar_hash: null,
      },
    });
  });

  it('falls back to a stable synthetic id when no digit of the tweet id survives', async () => {
    const csv = [
      'external_author_id,author,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,account_type,retweet,account_category,new_june_2018,alt_external_id,tweet_id,article_url',
      '9.06E+17,10_GOP,same text,Unknown,English,10/1/17 19:58,10/1/17 19:59,1,2,3,,Right,0,RightTroll,0,9.05875E+17,9.1458E+17,',
      '2528776985,1488REASONS,same text,Unknown,Russian,10/1/17 19:58,10/1/17 19:59,1,2,3,,Russian,0,NonEnglish,0,2528776985,914580356430536707,',
    ].join('\n');
    const a = await collect(Readable.from([csv]));
    const b = await collect(Readable.from([csv]));
    expect(a.posts.map((p) => [p.post_id, p.account.id, p.lang])).toEqual([
      [expect.stringMatching(/^538:[0-9a-f]{20}$/), '10_gop', 'en'],
      ['914580356430536707', '2528776985', 'ru'],
    ]);
    expect(a.posts[0].post_id).toBe(b.posts[0].post_id);
  });

  it('repost keys agree with the reference set: iraRepostKey(text) is repost_of for every retweet read', async () => {
    let checked = 0;
    let mismatched = 0;
    for await (const r of readRecords(`${DATA}/ira-2016q4/posts.ndjson.gz`)) {
      if (!r.ok || r.post.repost_of === null) continue;
      if (iraRepostKey(r.post.text) !== r.post.repost_of) mismatched++;
      if (++checked === 20_000) break;
    }
    expect(checked).toBe(20_000);
    expect(mismatched).toBe(0);
  });
});

describe('IRA per-author split', () => {
  it('reads the sample folder: every author file, in path order', async () => {
    const { ok, bad } = await collect(BY_AUTHOR);
    expect(bad).toEqual([]);
    const perFile = new Map<string, number>();
    for (const r of ok) perFile.set(r.pos.file, (perFile.get(r.pos.file) ?? 0) + 1);
    expect([...perFile]).toEqual([
      [`${BY_AUTHOR}/1_9/10_gop.csv`, 372],
      [`${BY_AUTHOR}/A/AAAsssssHHH.csv`, 71],
      [`${BY_AUTHOR}/A/AAGN1AA.csv`, 508],
      [`${BY_AUTHOR}/A/ACAB_ZONE.csv`, 279],
    ]);
    const first = ok.find((r) => r.post.post_id === 'AAGN1AA:0');
    expect(first?.pos).toEqual({ file: `${BY_AUTHOR}/A/AAGN1AA.csv`, line: 2 });
    expect(first?.post).toEqual({
      platform: 'x',
      post_id: 'AAGN1AA:0',
      posted_at: '2015-06-24T19:12:00Z',
      text: 'РФС надеется, что Усманов простит долг в 300 миллионов рублей http://t.co/7nUGPPNMim http://t.co/gl88QSXov9',
      lang: 'ru',
      urls: ['http://t.co/7nUGPPNMim', 'http://t.co/gl88QSXov9'],
      hashtags: [],
      mentions: [],
      repost_of: 'rt_b762fa7f5866286dc029',
      reply_to: null,
      media_hashes: [],
      account: {
        id: 'AAGN1AA',
        handle: 'AAGN1AA',
        display_name: null,
        bio: null,
        created_at: null,
        followers: 112,
        following: 610,
        location: 'Azerbaijan',
        avatar_hash: null,
      },
    });
  });

  it('joins handles from authors.csv, reads .csv.gz members, numbers rows like the reference ids', async () => {
    const dir = `${FIXTURES}/ira-folder`;
    const { ok, bad } = await collect(dir);
    expect(
      ok.map((r) => [
        r.pos.file,
        r.pos.line,
        r.post.post_id,
        r.post.account.id,
        r.post.account.handle,
      ]),
    ).toEqual([
      [
        `${dir}/4/4MySquad4036537452.csv`,
        2,
        '4MySquad4036537452:0',
        '4MySquad4036537452',
        '4MySquad',
      ],
      [
        `${dir}/4/4MySquad4036537452.csv`,
        3,
        '4MySquad4036537452:1',
        '4MySquad4036537452',
        '4MySquad',
      ],
      [`${dir}/S/SouthLoneStar.csv.gz`, 2, 'SouthLoneStar:0', 'SouthLoneStar', 'SouthLoneStar'],
    ]);
    // the same post as in the reference set, key included
    expect(ok[0].post).toMatchObject({
      posted_at: '2016-10-12T11:41:00Z',
      repost_of: 'rt_b99b97f998377dbb6174',
      lang: 'en',
      account: { followers: 4690, following: 3993 },
    });
    expect(ok[1].post).toMatchObject({
      text: 'our own words, "quoted"\nacross two lines #Two',
      hashtags: ['two'],
      repost_of: null,
    });
    expect(bad.map((r) => [r.pos.line, r.reason])).toEqual([
      [5, 'expected 11 columns, got 3'],
      [6, 'invalid posted_at: "2016-02-30 10:00:00"'],
    ]);
  });

  it('a single per-author file reads on its own', async () => {
    const { posts, bad } = await collect(`${BY_AUTHOR}/A/ACAB_ZONE.csv`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(279);
    expect(posts[278].post_id).toBe('ACAB_ZONE:278');
  });

  it('a folder without authors.csv cannot be read', async () => {
    await expect(collect(`${FIXTURES}/no-authors`)).rejects.toThrow(InputError);
    await expect(collect(`${FIXTURES}/no-authors`)).rejects.toThrow(/without authors\.csv/);
  });
});
