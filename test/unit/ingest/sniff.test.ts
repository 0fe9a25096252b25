import { describe, expect, it } from 'vitest';
import { InputError, detectFormat, sniffFormat } from '../../../src/ingest/index.ts';
import { DATA, FIXTURES } from './helpers.ts';

describe('format auto-detection', () => {
  it.each([
    ['ira-2016q4/posts.ndjson.gz', 'ndjson'],
    ['ira-2016q4/posts.cnt.csv.gz', 'cnt-csv'],
    ['debate-d1/posts.ndjson.gz', 'ndjson'],
    ['debate-d1/posts.cnt.csv.gz', 'cnt-csv'],
    ['debate-d2/posts.ndjson.gz', 'ndjson'],
    ['debate-d2/posts.cnt.csv.gz', 'cnt-csv'],
    ['formats/x-api-v2/2sets.jsonl', 'x-v2'],
    ['formats/x-api-v2/kpop.jsonl', 'x-v2'],
    ['formats/x-api-v2/streaming_output_with_error.jsonl', 'x-v2'],
    ['formats/x-api-v2/two_tweets.jsonl', 'x-v2'],
    ['formats/x-api-v2/users.jsonl', 'x-v2'],
    ['formats/x-api-v2/empty.json', 'ndjson'], // nothing to read: any line format reads nothing
    ['formats/twitter-v1.1/get_retweets1.json.gz', 'twitter-v1'],
    ['formats/twitter-v1.1/get_timeline1.json.gz', 'twitter-v1'],
    ['formats/fivethirtyeight-ira/IRAhandle_tweets_sample.csv', 'ira-538'],
    ['formats/ira-by-author', 'ira-by-author'],
    ['formats/ira-by-author/A/AAGN1AA.csv', 'ira-by-author'],
    ['formats/pitt-debates/tweets_debate1.csv', 'csv'],
    ['formats/pitt-debates/users.csv', 'csv'],
  ])('%s → %s', async (file, format) => {
    expect(await detectFormat(`${DATA}/${file}`)).toBe(format);
  });

  it.each([
    ['bad.ndjson', 'ndjson'], // first line is good; later junk does not matter
    ['bad.cnt.csv', 'cnt-csv'],
    ['x-v2-errors.jsonl', 'x-v2'], // first line is an error object
    ['v1-array.json', 'twitter-v1'],
    ['v1-lines.jsonl', 'twitter-v1'],
    ['truncated.ndjson.gz', 'ndjson'],
    ['ira-folder', 'ira-by-author'],
  ])('fixture %s → %s', async (file, format) => {
    expect(await detectFormat(`${FIXTURES}/${file}`)).toBe(format);
  });

  it('looks past junk first lines, and at the first element of arrays', () => {
    const canonical = JSON.stringify({
      platform: 'x',
      post_id: '1',
      posted_at: '2024-01-01T00:00:00Z',
      text: 't',
      account: { id: 'a' },
    });
    expect(sniffFormat(Buffer.from(`not json\n{"broken":\n${canonical}\n`), 'f')).toBe('ndjson');
    expect(sniffFormat(Buffer.from(`[${canonical}]`), 'f')).toBe('ndjson');
    expect(
      sniffFormat(Buffer.from(`[\n  {\n    "id_str": "1",\n    "full_text": "x"\n  }\n]`), 'f'),
    ).toBe('twitter-v1');
    expect(sniffFormat(Buffer.from(`{\n  "data": [],\n  "meta": {}\n}\n`), 'f')).toBe('x-v2');
    expect(
      sniffFormat(
        Buffer.from('{"id":"1","text":"t","author_id":"2","edit_history_tweet_ids":["1"]}\n'),
        'f',
      ),
    ).toBe('x-v2');
    expect(
      sniffFormat(
        Buffer.from(
          '\ufeffmessage_id,user_id,username,repost_id,reply_id,message,timestamp,urls\r\n',
        ),
        'f',
      ),
    ).toBe('cnt-csv');
    expect(sniffFormat(Buffer.from('"userID","text"\n1,hi\n'), 'f')).toBe('csv');
    expect(sniffFormat(Buffer.from('a\tb\tc\n1\t2\t3\n'), 'f')).toBe('csv');
    expect(sniffFormat(Buffer.from('  \n\n'), 'f')).toBe('ndjson');
  });

  it('refuses what it cannot read', async () => {
    expect(() => sniffFormat(Buffer.from('just some words\nand more\n'), 'notes.txt')).toThrow(
      /cannot tell the format of notes\.txt: neither JSON nor CSV/,
    );
    expect(() => sniffFormat(Buffer.from('{"foo": 1}\n'), 'f')).toThrow(InputError);
    expect(() => sniffFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), 'x.png')).toThrow(
      /x\.png looks like a PNG image/,
    );
    expect(() => sniffFormat(Buffer.from(new Uint8Array(64)), 'zeros')).toThrow(
      /looks like binary data/,
    );
    await expect(detectFormat(`${FIXTURES}/no-authors`)).rejects.toThrow(
      /folder without authors\.csv/,
    );
    await expect(detectFormat(`${FIXTURES}/missing.csv`)).rejects.toThrow(/no such file or folder/);
  });
});
