import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCorePosts } from '../../../src/cli/load-core-posts.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coordwatch-load-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const HEADER = 'message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n';

describe('loadCorePosts: CNT CSV fast path', () => {
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
    expect(posts.map((x) => x.key)).toEqual(['m1', 'm2', 'm3']);
    expect(posts[0].text).toBe('Hello, "world"\r\nsecond line');
    expect(posts[0].urls).toEqual(['https://t.co/a', 'https://t.co/b']);
    expect(posts[0].t).toBe(1476089160);
    expect(posts[1].repost_of).toBe('rt_x');
    expect(posts[1].urls).toEqual([]);
    expect(posts[2].reply_to).toBe('m1');
    expect(posts[2].hashtags).toEqual(['Vote', 'Now', 'Please']);
    expect(posts[2].mentions).toEqual(['friend']);
    expect(accounts.get('u1')?.handle).toBe('User One');
  });

  it('keeps the first of repeated ids and counts bad rows (gzip input)', async () => {
    const csv = HEADER + 'm1,u1,u1,,,first,100,\n' + 'm1,u2,u2,,,second,200,\n' + 'bad,row\n' + 'm2,u3,u3,,,x,not-a-time,\n' + 'm3,u3,u3,,,ok,1.5,\n';
    const p = write('b.csv.gz', zlib.gzipSync(csv));
    const { posts, rejected, duplicates } = await loadCorePosts(p, { format: 'cnt-csv' });
    expect(posts.map((x) => [x.key, x.text, x.t])).toEqual([
      ['m1', 'first', 100],
      ['m3', 'ok', 1.5],
    ]);
    expect(duplicates).toBe(1);
    expect(rejected).toBe(2);
  });

  it('parses records that straddle read chunks', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    let csv = HEADER;
    for (let i = 0; i < 5; i++) csv += `m${i},u${i},u${i},,,"${long}, ""q"" ${i}",${1000 + i},\n`;
    const { posts } = await loadCorePosts(write('c.csv', csv), { format: 'cnt-csv', extractEntities: false });
    expect(posts).toHaveLength(5);
    expect(posts[4].text).toBe(`${long}, "q" 4`);
    expect(posts[4].t).toBe(1004);
  });

  it('rejects a CSV that is not in the toolkit layout', async () => {
    await expect(loadCorePosts(write('d.csv', 'a,b,c\n1,2,3\n'), { format: 'cnt-csv' })).rejects.toThrow(/not coordination-network-toolkit CSV/);
  });
});

describe('loadCorePosts: canonical NDJSON fast path', () => {
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
    const content =
      line(ok) + line({ ...ok, post_id: '2', text: undefined, repost_of: 'orig' }) + line({ ...ok }) + 'not json\n' + line({ ...ok, post_id: '3', account: {} }) + '\n';
    const { posts, accounts, rejected, duplicates } = await loadCorePosts(write('e.ndjson', content));
    expect(posts.map((p) => p.key)).toEqual(['1', '2']);
    expect(posts[0].t).toBe(Date.parse('2024-04-01T12:00:00Z') / 1000);
    expect(posts[0].hashtags).toEqual(['A', 'B']);
    expect(posts[1].repost_of).toBe('orig');
    expect(posts[1].text).toBe('');
    expect(accounts.get('9')?.followers).toBe(12);
    expect(duplicates).toBe(1);
    expect(rejected).toBe(2);
  });
});
