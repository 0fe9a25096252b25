import { describe, expect, it } from 'vitest';
import { buildActionIndex, dedupePosts, memoTextKey, objectsOf, textKey, DEFAULT_ACTION_OPTIONS } from '../../../src/core/cluster/index.ts';
import { tokenCount } from '../../../src/core/cluster/actions.ts';
import { post } from './helpers.ts';

describe('action index', () => {
  it('normalises text: case, links, punctuation, invisible characters', () => {
    expect(textKey('Vote NOW!!! https://x.co/abc  — they\u200b lie.')).toBe('vote now they lie');
    expect(textKey('')).toBe('');
    expect(textKey('🔥🔥🔥')).toBe('');
  });

  it('counts CJK characters as words, so Chinese copy-paste is an object', () => {
    expect(tokenCount(textKey('美国大选就是一场闹剧'))).toBeGreaterThanOrEqual(4);
    const objs = objectsOf(post('a', 0, { text: '美国大选就是一场闹剧，民主只是口号' }), DEFAULT_ACTION_OPTIONS);
    expect(objs.some((o) => o.startsWith('t:'))).toBe(true);
  });

  it('gives a repost exactly one object, its target', () => {
    const objs = objectsOf(post('a', 0, { repost_of: 'x1', text: 'RT @b: hello there my friends', urls: ['https://e.com/1'] }), DEFAULT_ACTION_OPTIONS);
    expect(objs).toEqual(['r:x1']);
  });

  it('takes short texts, links and hashtag sequences of 3+', () => {
    const objs = objectsOf(post('a', 0, { text: 'lol', urls: ['https://e.com/1', 'https://e.com/1'], hashtags: ['A', 'b', 'C'] }), DEFAULT_ACTION_OPTIONS);
    expect(objs).toEqual(['u:https://e.com/1', 'h:a b c']);
  });

  it('counts distinct sharers per object and sorts shares by time', () => {
    const idx = buildActionIndex([post('a', 30, { repost_of: 'x' }), post('b', 10, { repost_of: 'x' }), post('a', 40, { repost_of: 'x' })]);
    expect(idx.objects.get('r:x')!.sharers).toBe(2);
    expect(idx.objects.get('r:x')!.shares.map((s) => s.t)).toEqual([10, 30, 40]);
    // each account's posts in time order, their objects alongside
    expect(idx.postsByAccount.get('a')!.map((p) => p.t)).toEqual([30, 40]);
    expect(idx.postObjects.get('a')).toEqual([['r:x'], ['r:x']]);
  });

  it('gives ASCII text the same key as the Unicode rules (the fast path changes nothing)', () => {
    const unicodeRules = (t: string) =>
      t
        .normalize('NFKC')
        .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu, '')
        .replace(/\bhttps?:\/\/\S+/giu, ' ')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}#@_]+/gu, ' ')
        .trim()
        .replace(/\s+/gu, ' ');
    const pieces = ['http', 'HTTPS', '://', ':/', 'https://x.co/a', 'hTTp://', ' ', '\t', '\n', '\v', 'a', 'Z', '9', '_', '#', '@', '-', '.', '!', "'", '\x00', '\x7f', 'x', 'Word', 's', 'h', 'é', '\u00a0', 'ﬁ', '\u200b'];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      for (let k = Math.floor(rnd() * 10); k > 0; k--) text += pieces[Math.floor(rnd() * pieces.length)];
      expect(textKey(text), JSON.stringify(text)).toBe(unicodeRules(text));
    }
    const memo = new Map<string, string>();
    expect(memoTextKey(memo)('Vote NOW https://x.co')).toBe('vote now');
    expect(memo.get('Vote NOW https://x.co')).toBe('vote now');
  });

  it('keeps each account\'s posts in time order with their objects alongside, whatever the input order', () => {
    const idx = buildActionIndex([post('a', 40, { repost_of: 'late' }), post('b', 5, { repost_of: 'late' }), post('a', 30, { repost_of: 'early' })]);
    expect(idx.postsByAccount.get('a')!.map((p) => p.t)).toEqual([30, 40]);
    expect(idx.postObjects.get('a')).toEqual([['r:early'], ['r:late']]);
    expect(idx.objectsOfAccount.get('a')).toEqual(new Set(['r:late', 'r:early']));
    expect(idx.objects.get('r:late')!.shares.map((s) => s.account)).toEqual(['b', 'a']);
  });

  it('drops repeated captures of one action but keeps distinct actions', () => {
    const a = post('a', 100, { text: 'Same words here for all' });
    const dup = post('a', 100, { text: 'Same words here for all', repost_of: null });
    const other = post('a', 101, { text: 'Same words here for all' });
    const rt1 = post('a', 200, { text: 'RT @x: long tweet text that got truncated in one capture…', repost_of: 'k1' });
    const rt2 = post('a', 200, { text: 'RT @x: long tweet text that got truncated in one capture and not the other', repost_of: 'k2' });
    expect(dedupePosts([a, dup, other, rt1, rt2]).map((p) => p.key)).toEqual([a.key, other.key, rt1.key]);
  });
});
