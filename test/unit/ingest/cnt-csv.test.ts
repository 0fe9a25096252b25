import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CanonicalPost } from '../../../src/core/types.ts';
import { InputError, readRecords } from '../../../src/ingest/index.ts';
import { DATA, FIXTURES, collect } from './helpers.ts';

/** what the 8 CNT columns can carry; the rest of the account is not in that format */
function cntView(p: CanonicalPost): unknown {
  return [
    p.platform,
    p.post_id,
    p.posted_at,
    p.text,
    p.urls,
    p.hashtags,
    p.mentions,
    p.repost_of,
    p.reply_to,
    p.account.id,
    p.account.handle,
  ];
}

describe('coordination-network-toolkit CSV', () => {
  it('debate-d1: the same 24,650 posts as the canonical NDJSON, hashtags and mentions extracted identically', async () => {
    const cnt = await collect(`${DATA}/debate-d1/posts.cnt.csv.gz`);
    const ref = await collect(`${DATA}/debate-d1/posts.ndjson.gz`);
    expect(cnt.bad).toEqual([]);
    expect(cnt.posts).toHaveLength(24_650);
    expect(cnt.posts.map(cntView)).toEqual(ref.posts.map(cntView));
    // texts with CR LF inside quoted fields survive as they are
    expect(cnt.posts.filter((p) => p.text.includes('\r\n')).length).toBeGreaterThan(100);
  });

  it('maps the columns field by field', async () => {
    const file = `${DATA}/ira-2016q4/posts.cnt.csv.gz`;
    let first: unknown = null;
    let found: CanonicalPost | null = null;
    for await (const r of readRecords(file)) {
      if (first === null) first = r.pos;
      if (r.ok && r.post.post_id === '4MySquad4036537452:1237') {
        found = r.post;
        break;
      }
    }
    expect(first).toEqual({ file, line: 2 });
    expect(found).toEqual({
      platform: 'x',
      post_id: '4MySquad4036537452:1237',
      posted_at: '2016-10-12T11:41:00Z',
      text: 'Colin Kaepernick to start this Sunday for the San Francisco 49ers https://t.co/dgjTcWVghp https://t.co/LYDIehOyBD',
      lang: null,
      urls: ['https://t.co/dgjTcWVghp', 'https://t.co/LYDIehOyBD'],
      hashtags: [],
      mentions: [],
      repost_of: 'rt_b99b97f998377dbb6174',
      reply_to: null,
      media_hashes: [],
      account: {
        id: '4MySquad4036537452',
        handle: '4MySquad',
        display_name: null,
        bio: null,
        created_at: null,
        followers: null,
        following: null,
        location: null,
        avatar_hash: null,
      },
    });
  });

  it('bad rows are rejected with their line and reason; the good rows around them land', async () => {
    const { ok, bad } = await collect(`${FIXTURES}/bad.cnt.csv`);
    expect(ok.map((r) => [r.pos.line, r.post.post_id])).toEqual([
      [2, 'm1'],
      [4, 'm3'],
      [9, 'm7'],
      [10, 'm8'],
    ]);
    expect(ok[0].post).toMatchObject({
      text: 'Hello, world #Tag @Friend https://t.co/abc',
      hashtags: ['tag'],
      mentions: ['friend'],
      urls: ['https://t.co/abc'],
    });
    expect(ok[1].post).toMatchObject({ text: 'multi\nline text', repost_of: 'rt_x', urls: [] });
    expect(ok[2].post).toMatchObject({
      reply_to: 'm1',
      urls: ['https://a.example/x', 'https://b.example/y'],
    });
    expect(bad.map((r) => [r.pos.line, r.reason, r.raw])).toEqual([
      [3, 'expected 8 columns, got 6', 'm2,u2,user2,,,short row'],
      [6, 'invalid posted_at: "notatime"', 'm4,u4,user4,,,"bad time",notatime,'],
      [7, 'missing required field: account.id', 'm5,,user5,,,"no user id",1474938000,'],
      // an unbalanced quote loses its own row only, not the rows after it
      [8, 'unterminated quoted field', 'm6,u6,user6,,,"an ""unterminated quote,1474938000,'],
    ]);
  });

  it('defaultPlatform names the platform of CNT rows', async () => {
    const csv =
      'message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,2,u,,,hi,1474938000,\n';
    const { posts } = await collect(Readable.from([csv]), { defaultPlatform: 'bsky' });
    expect(posts[0]).toMatchObject({ platform: 'bsky', posted_at: '2016-09-27T01:00:00Z' });
  });

  it('forcing cnt-csv on another CSV is an InputError naming the expected header', async () => {
    await expect(
      collect(`${DATA}/formats/fivethirtyeight-ira/IRAhandle_tweets_sample.csv`, {
        format: 'cnt-csv',
      }),
    ).rejects.toThrow(InputError);
    await expect(
      collect(`${DATA}/formats/fivethirtyeight-ira/IRAhandle_tweets_sample.csv`, {
        format: 'cnt-csv',
      }),
    ).rejects.toThrow(
      /header must be message_id,user_id,username,repost_id,reply_id,message,timestamp,urls/,
    );
  });
});
