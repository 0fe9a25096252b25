import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecordBatches, readRecords } from '../../../src/ingest/index.ts';
import { DATA, NOW, collect } from './helpers.ts';

describe('canonical NDJSON on the reference sets', () => {
  it('reads all 241,947 posts of the 490 IRA accounts in ira-2016q4, none rejected', async () => {
    const accounts = new Set<string>();
    const ids = new Set<string>();
    let rejected = 0;
    let reposts = 0;
    let sample: unknown = null;
    for await (const batch of readRecordBatches(`${DATA}/ira-2016q4/posts.ndjson.gz`, {
      now: NOW,
    })) {
      for (const r of batch) {
        if (!r.ok) {
          rejected++;
          continue;
        }
        accounts.add(r.post.account.id);
        ids.add(r.post.post_id);
        if (r.post.repost_of !== null) reposts++;
        if (r.post.post_id === '4MySquad4036537452:1237') sample = { post: r.post, pos: r.pos };
      }
    }
    expect(rejected).toBe(0);
    expect(ids.size).toBe(241_947);
    expect(accounts.size).toBe(490);
    expect(reposts).toBe(190_021);
    expect(sample).toEqual({
      pos: { file: `${DATA}/ira-2016q4/posts.ndjson.gz`, line: expect.any(Number) },
      post: {
        platform: 'x',
        post_id: '4MySquad4036537452:1237',
        posted_at: '2016-10-12T11:41:00Z',
        text: 'Colin Kaepernick to start this Sunday for the San Francisco 49ers https://t.co/dgjTcWVghp https://t.co/LYDIehOyBD',
        lang: 'en',
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
          followers: 4690,
          following: 3993,
          location: 'United States',
          avatar_hash: null,
        },
      },
    });
  });

  it('reads debate-d1: 24,650 posts of 1,839 accounts, first record field by field', async () => {
    const { posts, bad, ok } = await collect(`${DATA}/debate-d1/posts.ndjson.gz`);
    expect(bad).toEqual([]);
    expect(posts).toHaveLength(24_650);
    expect(new Set(posts.map((p) => p.account.id)).size).toBe(1_839);
    expect(ok[0].pos).toEqual({ file: `${DATA}/debate-d1/posts.ndjson.gz`, line: 1 });
    expect(posts[0]).toEqual({
      platform: 'x',
      post_id: 'BlackToLive:1656',
      posted_at: '2016-09-27T01:00:00Z',
      text: '#SayTheirName  #BlackLivesMatter #BlackToLive https://t.co/uT8B9uQVac',
      lang: 'en',
      urls: ['https://t.co/uT8B9uQVac'],
      hashtags: ['saytheirname', 'blacklivesmatter', 'blacktolive'],
      mentions: [],
      repost_of: null,
      reply_to: null,
      media_hashes: [],
      account: {
        id: 'BlackToLive',
        handle: 'BlackToLive',
        display_name: null,
        bio: null,
        created_at: null,
        followers: 7660,
        following: 6095,
        location: 'United States',
        avatar_hash: null,
      },
    });
    // a panel retweet: key and mentions as the reference has them
    const rt = posts.find((p) => p.post_id === 'pitt_2061:debate1:1');
    expect(rt).toMatchObject({
      text: 'RT @thereaIbanksy: become the most positive, enthusiast person you know',
      repost_of: 'rt_07bd38a286ce48259571',
      mentions: ['thereaibanksy'],
      lang: null,
      posted_at: '2016-09-27T01:00:03Z',
    });
  });

  it('fills absent lists from the text and absent optional fields with null', async () => {
    const line = JSON.stringify({
      platform: 'x',
      post_id: '1',
      posted_at: '2024-04-01T12:00:00Z',
      text: 'Vote #Early, #NOW! see https://ex.am/ple?x=1. cc @Alice @bob_2',
      account: { id: '9' },
    });
    const { posts, bad } = await collect(Readable.from([line + '\n']));
    expect(bad).toEqual([]);
    expect(posts[0]).toEqual({
      platform: 'x',
      post_id: '1',
      posted_at: '2024-04-01T12:00:00Z',
      text: 'Vote #Early, #NOW! see https://ex.am/ple?x=1. cc @Alice @bob_2',
      lang: null,
      urls: ['https://ex.am/ple?x=1'],
      hashtags: ['early', 'now'],
      mentions: ['alice', 'bob_2'],
      repost_of: null,
      reply_to: null,
      media_hashes: [],
      account: {
        id: '9',
        handle: null,
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

  it('keeps given lists (normalising case and # / @) and converts timestamps with offsets to UTC', async () => {
    const line = JSON.stringify({
      platform: 'bsky',
      post_id: 'p',
      posted_at: '2024-04-01T08:00:00-04:00',
      text: 'x',
      hashtags: ['#MAGA', 'Vote'],
      mentions: ['@Bob'],
      urls: [],
      media_hashes: ['abc'],
      account: { id: 'a', followers: '12', following: -3, created_at: '2024-01-02T00:00:00Z' },
    });
    const { posts } = await collect(Readable.from([line]));
    expect(posts[0]).toMatchObject({
      platform: 'bsky',
      posted_at: '2024-04-01T12:00:00Z',
      hashtags: ['maga', 'vote'],
      mentions: ['bob'],
      urls: [],
      media_hashes: ['abc'],
      account: { followers: 12, following: null, created_at: '2024-01-02T00:00:00Z' },
    });
  });

  it('uses defaultPlatform only when a record has none', async () => {
    const lines = [
      JSON.stringify({
        post_id: '1',
        posted_at: '2024-04-01T12:00:00Z',
        text: 'a',
        account: { id: 'a' },
      }),
      JSON.stringify({
        platform: 'tiktok',
        post_id: '2',
        posted_at: '2024-04-01T12:00:00Z',
        text: 'b',
        account: { id: 'a' },
      }),
    ].join('\n');
    const without = await collect(Readable.from([lines]));
    expect(without.bad.map((r) => r.reason)).toEqual(['missing required field: platform']);
    const withDefault = await collect(Readable.from([lines]), { defaultPlatform: 'x' });
    expect(withDefault.posts.map((p) => p.platform)).toEqual(['x', 'tiktok']);
  });

  it('reads a JSON array of canonical posts element by element', async () => {
    const arr = JSON.stringify([
      {
        platform: 'x',
        post_id: '1',
        posted_at: '2024-04-01T12:00:00Z',
        text: 'a',
        account: { id: 'a' },
      },
      { platform: 'x', post_id: '2', posted_at: 'nope', text: 'b', account: { id: 'a' } },
    ]);
    const { ok, bad } = await collect(Readable.from([arr]), { format: 'ndjson' });
    expect(ok.map((r) => r.pos)).toEqual([{ file: '-', line: 1, item: 0 }]);
    expect(bad.map((r) => [r.pos, r.reason])).toEqual([
      [{ file: '-', line: 1, item: 1 }, 'invalid posted_at: "nope"'],
    ]);
  });

  it('a live stream yields each record as soon as its line is complete (no waiting for more input)', async () => {
    for (const format of [undefined, 'ndjson'] as const) {
      const live = new PassThrough();
      const it = readRecords(live, { format, now: NOW })[Symbol.asyncIterator]();
      live.write(
        JSON.stringify({
          platform: 'x',
          post_id: 'a',
          posted_at: '2024-04-01T12:00:00Z',
          text: 't',
          account: { id: '1' },
        }) + '\n',
      );
      const first = await it.next();
      expect(first.value).toMatchObject({ ok: true, post: { post_id: 'a' } });
      live.write(
        '{"platform": "x", "post_id": "b", "posted_at": "2024-04-01T12:00:01Z", "text": "u", "account": {"id": "1"}}\n',
      );
      expect(await it.next()).toMatchObject({ value: { ok: true, post: { post_id: 'b' } } });
      live.end();
      expect(await it.next()).toEqual({ done: true, value: undefined });
    }
  });

  it('stops reading when the consumer stops (no leak, no error)', async () => {
    let n = 0;
    for await (const r of readRecords(`${DATA}/ira-2016q4/posts.ndjson.gz`)) {
      expect(r.ok).toBe(true);
      if (++n === 10) break;
    }
    expect(n).toBe(10);
  });
});
