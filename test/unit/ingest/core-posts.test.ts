import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bareKeys, loadCorePosts, withBareKeys } from '../../../src/ingest/core-posts.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coordwatch-load-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const HEADER = 'message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n';

describe('loadCorePosts: CNT CSV (the adapter path, keys platform:id)', () => {
  it('reads quoted fields with commas, escaped quotes and newlines, CRLF, BOM and a missing final newline', async () => {
    const csv =
      '\ufeff' +
      HEADER.replace('\n', '\r\n') +
      'm1,u1,User One,,,"Hello, ""world""\r\nsecond line",1476089160,https://t.co/a https://t.co/b\r\n' +
      'm2,u2,u2,rt_x,,RT text,1476089170,\r\n' +
      'm3,u1,User One,,m1,"#Vote #Now #Please @friend",1476089180,';
    const p = write('a.csv', csv);
    const { posts, accounts, rejected, duplicates, format } = await loadCorePosts(p);
    expect(format).toBe('cnt-csv');
    expect(rejected).toBe(0);
    expect(duplicates).toBe(0);
    expect(posts.map((x) => x.key)).toEqual(['x:m1', 'x:m2', 'x:m3']);
    expect(posts.map((x) => x.account)).toEqual(['x:u1', 'x:u2', 'x:u1']);
    expect(posts[0].text).toBe('Hello, "world"\r\nsecond line');
    expect(posts[0].urls).toEqual(['https://t.co/a', 'https://t.co/b']);
    expect(posts[0].t).toBe(1476089160);
    expect(posts[1].repost_of).toBe('rt_x');
    expect(posts[1].urls).toEqual([]);
    expect(posts[2].reply_to).toBe('m1');
    // extracted as ingest extracts them for the database: lower-cased
    expect(posts[2].hashtags).toEqual(['vote', 'now', 'please']);
    expect(posts[2].mentions).toEqual(['friend']);
    expect(accounts.get('x:u1')?.handle).toBe('User One');
    expect(accounts.get('x:u1')?.id).toBe('u1');
  });

  it('keeps the first of repeated ids and counts bad rows (gzip input)', async () => {
    const csv =
      HEADER +
      'm1,u1,u1,,,first,1476089160,\n' +
      'm1,u2,u2,,,second,1476089161,\n' +
      'bad,row\n' +
      'm2,u3,u3,,,x,not-a-time,\n' +
      'm4,u3,u3,,,too early,100,\n' +
      'm3,u3,u3,,,ok,1476089162.5,\n';
    const p = write('b.csv.gz', zlib.gzipSync(csv));
    const { posts, rejected, duplicates } = await loadCorePosts(p, { format: 'cnt-csv' });
    expect(posts.map((x) => [x.key, x.text, x.t])).toEqual([
      ['x:m1', 'first', 1476089160],
      ['x:m3', 'ok', 1476089162.5],
    ]);
    expect(duplicates).toBe(1);
    // a short row, a bad time, a time before 2000: what ingest would store as rejected
    expect(rejected).toBe(3);
  });

  it('parses records that straddle read chunks', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    let csv = HEADER;
    for (let i = 0; i < 5; i++) csv += `m${i},u${i},u${i},,,"${long}, ""q"" ${i}",${1476089160 + i},\n`;
    // 3 MiB texts are over ingest's default text limit: raised here, as --max-text-bytes would
    const { posts } = await loadCorePosts(write('c.csv', csv), { format: 'cnt-csv', read: { maxTextBytes: 4 * 1024 * 1024 } });
    expect(posts).toHaveLength(5);
    expect(posts[4].text).toBe(`${long}, "q" 4`);
    expect(posts[4].t).toBe(1476089164);
  });

  it('rejects a CSV that is not in the toolkit layout', async () => {
    await expect(loadCorePosts(write('d.csv', 'a,b,c\n1,2,3\n'), { format: 'cnt-csv' })).rejects.toThrow(/not a coordination-network-toolkit CSV/);
  });
});

describe('loadCorePosts: canonical NDJSON (the adapter path)', () => {
  it('reads posts and accounts, counting unusable lines', async () => {
    const line = (o: object) => JSON.stringify(o) + '\n';
    const ok = {
      platform: 'x',
      post_id: '1',
      posted_at: '2024-04-01T12:00:00Z',
      text: 'Hi #A #B',
      lang: 'en',
      urls: [],
      hashtags: [],
      mentions: [],
      repost_of: null,
      reply_to: null,
      account: { id: '9', handle: 'fo29904619', followers: 12 },
    };
    const { platform: _p, ...noPlatform } = ok;
    const content =
      line(ok) +
      line({ ...ok, post_id: '2', text: undefined, repost_of: 'orig' }) +
      line({ ...ok }) +
      'not json\n' +
      line({ ...ok, post_id: '3', account: {} }) +
      line({ ...noPlatform, post_id: '4' }) +
      line({ ...ok, post_id: '5', hashtags: null, mentions: null, text: '#Café @a_very_long_handle_of_25' }) +
      '\n';
    const { posts, accounts, rejected, duplicates, platforms } = await loadCorePosts(write('e.ndjson', content));
    expect(posts.map((p) => p.key)).toEqual(['x:1', 'x:2', 'x:5']);
    expect(platforms).toEqual(['x']);
    expect(posts[0].t).toBe(Date.parse('2024-04-01T12:00:00Z') / 1000);
    // the lists are as given (empty), as the monitor stores them
    expect(posts[0].hashtags).toEqual([]);
    expect(posts[1].repost_of).toBe('orig');
    expect(posts[1].text).toBe('');
    // the cases: lower-cased hashtag, mention cut at 15 characters
    expect(posts[2].hashtags).toEqual(['café']);
    expect(posts[2].mentions).toEqual(['a_very_long_han']);
    expect(accounts.get('x:9')?.followers).toBe(12);
    expect(duplicates).toBe(1);
    // not JSON, no account.id, no platform (DESIGN: required)
    expect(rejected).toBe(3);
    const bare = withBareKeys(await loadCorePosts(write('e.ndjson', content)));
    expect(bare.posts.map((p) => p.key)).toEqual(['1', '2', '5']);
    expect(bare.accounts.has('9')).toBe(true);
    expect(bareKeys(['x', 'tiktok'])('x:1')).toBe('x:1');
  });
});
