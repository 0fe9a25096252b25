import { describe, expect, it } from 'vitest';
import { extractHashtags, extractMentions, extractUrls } from '../../../src/ingest/read/extract.ts';
import {
  iraRepostKey,
  normalizeWhitespace,
  rtPrefixRepostKey,
} from '../../../src/ingest/read/repost-key.ts';

describe('extraction from text (rules of the reference sets)', () => {
  it('urls: stop at whitespace, quotes, angle brackets, ellipsis; trailing punctuation dropped', () => {
    expect(
      extractUrls(
        'see https://t.co/abc. and (https://t.co/def) "https://t.co/ghi" https://t.co/AEZ6JaJjm2… x',
      ),
    ).toEqual([
      'https://t.co/abc',
      'https://t.co/def',
      'https://t.co/ghi',
      'https://t.co/AEZ6JaJjm2',
    ]);
    expect(extractUrls('>> https://t.co/yF3dBfBT6A<< https://t.co/thOu9xDaW0]')).toEqual([
      'https://t.co/yF3dBfBT6A',
      'https://t.co/thOu9xDaW0]',
    ]);
    expect(extractUrls('no links here, not even ftp://x')).toEqual([]);
  });

  it('hashtags: at the start or after whitespace only, any script, lower-cased', () => {
    expect(
      extractHashtags('#MAGA vote#not ✌\ufffd#also_not #СЕГОДНЯ\u3000#日本 #20ЛЕТвЭФИРЕ'),
    ).toEqual(['maga', 'сегодня', '日本', '20летвэфире']);
  });

  it('mentions: not after a word character (e-mails), at most 15 characters', () => {
    expect(
      extractMentions('hi @Alice, mail HELPDOGS@URGENTPODR.ORG cc @igorgulyaevofficial @@lci'),
    ).toEqual(['alice', 'igorgulyaevoffi', 'lci']);
  });
});

describe('synthetic repost keys', () => {
  it('normalise whitespace as Python str.split() does', () => {
    expect(normalizeWhitespace('  a \t b\u00a0\u3000c\x1c d\n')).toBe('a b c d');
    expect(normalizeWhitespace('a\ufeffb')).toBe('a\ufeffb'); // not whitespace to Python
  });

  it('IRA: over the whole text (keys of ira-2016q4)', () => {
    expect(
      iraRepostKey(
        'Colin Kaepernick to start this Sunday for the San Francisco 49ers https://t.co/dgjTcWVghp https://t.co/LYDIehOyBD',
      ),
    ).toBe('rt_b99b97f998377dbb6174');
    expect(
      iraRepostKey(
        "Me when it's time to code-switch for an interview:   #AtlantaFX https://t.co/DmTqr5XK15",
      ),
    ).toBe('rt_6ac89b18f346c11700cb');
  });

  it('RT-prefix: over the text after `RT @user:`, truncation ellipsis dropped (keys of debate-d1)', () => {
    expect(
      rtPrefixRepostKey('RT @thereaIbanksy: become the most positive, enthusiast person you know'),
    ).toBe('rt_07bd38a286ce48259571');
    const full = rtPrefixRepostKey('RT @a: Dive Team #Training. We get cool underwater pics');
    expect(rtPrefixRepostKey('RT @b: Dive Team #Training. We get cool underwater pics …')).toBe(
      full,
    );
    expect(rtPrefixRepostKey('not a retweet')).toBeNull();
    expect(rtPrefixRepostKey('RT this please')).toBeNull();
  });
});
