import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError, parseColumnMapping } from '../../../src/ingest/index.ts';
import { DATA, FIXTURES, collect } from './helpers.ts';

const PITT = `${DATA}/formats/pitt-debates/tweets_debate1.csv`;
const PITT_MAPPING = `${FIXTURES}/pitt-debate1.mapping.json`;

describe('generic CSV with a column mapping', () => {
  it('the Pitt panel CSV reproduces every panel post of the debate-d1 reference set exactly', async () => {
    const mapped = await collect(PITT, { mapping: parseColumnMapping(PITT_MAPPING) });
    expect(mapped.bad).toEqual([]);
    expect(mapped.posts).toHaveLength(23_247);
    const ref = await collect(`${DATA}/debate-d1/posts.ndjson.gz`);
    const panel = new Map(
      ref.posts.filter((p) => p.account.id.startsWith('pitt_')).map((p) => [p.post_id, p]),
    );
    expect(panel.size).toBe(23_247);
    let differing = 0;
    for (const p of mapped.posts)
      if (JSON.stringify(p) !== JSON.stringify(panel.get(p.post_id))) differing++;
    expect(differing).toBe(0);
    // spot check: EDT → UTC, synthetic repost key of an `RT @user:` text, row-numbered ids
    expect(mapped.posts[1]).toMatchObject({
      post_id: 'pitt_2061:debate1:1',
      posted_at: '2016-09-27T01:00:03Z',
      repost_of: 'rt_07bd38a286ce48259571',
      account: {
        id: 'pitt_2061',
        handle: 'pitt_2061',
        followers: 116,
        following: 244,
        location: 'Kansas City, MO USA',
      },
    });
    expect(mapped.ok[1].pos).toEqual({ file: PITT, line: 3 });
  });

  it('the same mapping from the command-line form gives the same posts', async () => {
    const spec =
      'post_id=pitt_{userID}:debate1:{$row}, account.id=pitt_{userID}, account.handle=pitt_{userID}, text=text, posted_at=created_at,' +
      'account.followers=followers_account, account.following=friends_count, account.location=location, timezone=America/New_York';
    expect(parseColumnMapping(spec)).toEqual(parseColumnMapping(PITT_MAPPING));
  });

  it('places naive times in the mapping time zone (DST-aware) and honours explicit offsets', async () => {
    const csv = [
      'id,user,when,msg',
      '1,u,2016-09-26 21:00:00,summer',
      '2,u,2016-12-26 21:00:00,winter',
      '3,u,2016-09-26T21:00:00Z,explicit',
      '4,u,09/26/2016 21:00:00 EDT,abbrev',
    ].join('\n');
    const mapping = parseColumnMapping(
      'post_id=id,account.id=user,posted_at=when,text=msg,timezone=America/New_York',
    );
    const { posts } = await collect(Readable.from([csv]), { mapping });
    expect(posts.map((p) => p.posted_at)).toEqual([
      '2016-09-27T01:00:00Z',
      '2016-12-27T02:00:00Z',
      '2016-09-26T21:00:00Z',
      '2016-09-27T01:00:00Z',
    ]);
    // without a zone, naive times are UTC
    const utc = await collect(Readable.from([csv]), {
      mapping: parseColumnMapping('post_id=id,account.id=user,posted_at=when,text=msg'),
    });
    expect(utc.posts[0].posted_at).toBe('2016-09-26T21:00:00Z');
  });

  it('templates, constants, list columns, other delimiters', async () => {
    const tsv = [
      'tid\tuid\ttxt\tts\ttags\tlinks',
      'a1\t7\thello\t1474938000\t#One two,THREE\thttps://x.example/1 https://x.example/2',
    ].join('\n');
    const mapping = parseColumnMapping(
      JSON.stringify({
        post_id: '{$file}-{tid}',
        account: { id: 'u{uid}' },
        text: 'txt',
        posted_at: 'ts',
        hashtags: 'tags',
        urls: 'links',
        lang: 'const:en',
        platform: 'mastodon',
        delimiter: 'tab',
      }),
    );
    const { posts, bad } = await collect(Readable.from([tsv]), { mapping, name: 'export.tsv.gz' });
    expect(bad).toEqual([]);
    expect(posts[0]).toMatchObject({
      platform: 'mastodon',
      post_id: 'export-a1',
      lang: 'en',
      hashtags: ['one', 'two', 'three'],
      urls: ['https://x.example/1', 'https://x.example/2'],
      account: { id: 'u7' },
    });
  });

  it('repost keys from `RT @user:` texts unless turned off', async () => {
    const csv = [
      'id,user,t,text',
      '1,a,1474938000,"RT @KevinBracken4: #serviceselfie #T2Trun NY Metro!! Team Lemma @LemmaTony @BlankenshipSB https://t.co/9CPxYvUNOJ"',
    ].join('\n');
    const on = await collect(Readable.from([csv]), {
      mapping: parseColumnMapping('post_id=id,account.id=user,posted_at=t,text=text'),
    });
    expect(on.posts[0].repost_of).toBe('rt_5f0a97d7a158c6732f92'); // the key debate-d1 gives pitt_9694:debate1:3
    const off = await collect(Readable.from([csv]), {
      mapping: parseColumnMapping(
        'post_id=id,account.id=user,posted_at=t,text=text,repost_from_text=none',
      ),
    });
    expect(off.posts[0].repost_of).toBeNull();
  });

  it('mapping mistakes are InputErrors that say what is wrong', async () => {
    expect(() => parseColumnMapping('post_id=a,acount.id=b')).toThrow(/unknown key "acount.id"/);
    expect(() => parseColumnMapping('post_id')).toThrow(/cannot be read/);
    expect(() => parseColumnMapping('post_id=a,repost_from_text=maybe')).toThrow(
      /rt-prefix or none/,
    );
    expect(() => parseColumnMapping('{"post_id": 3}')).toThrow(InputError);
    const csv = 'userID,text,created_at\n1,hi,2016-01-01 00:00:00\n';
    await expect(
      collect(Readable.from([csv]), {
        mapping: parseColumnMapping(
          'post_id=tweet_id,account.id=userID,text=text,posted_at=created_at',
        ),
      }),
    ).rejects.toThrow(
      /column "tweet_id" for post_id, which the CSV header does not have \(columns: userID, text, created_at\)/,
    );
    await expect(
      collect(Readable.from([csv]), { mapping: parseColumnMapping('account.id=userID,text=text') }),
    ).rejects.toThrow(/must say where post_id, posted_at come from/);
    await expect(collect(Readable.from([csv]), { format: 'csv' })).rejects.toThrow(
      /needs a column mapping/,
    );
    await expect(
      collect(Readable.from([csv]), {
        mapping: parseColumnMapping(
          'post_id=userID,account.id=userID,text=text,posted_at=created_at,timezone=Mars/Olympus',
        ),
      }),
    ).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('reads a mapping from a JSON file path given on the command line', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-map-')), 'm.json');
    fs.writeFileSync(file, JSON.stringify({ post_id: 'id', 'account.id': 'user' }));
    expect(parseColumnMapping(file)).toEqual({ post_id: 'id', 'account.id': 'user' });
  });
});
