import { describe, expect, it } from 'vitest';
import { buildActionIndex, dedupePosts, objectsOf, textKey, DEFAULT_ACTION_OPTIONS } from '../../../src/core/cluster/index.ts';
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
    expect(idx.sharers.get('r:x')).toBe(2);
    expect(idx.shares.get('r:x')!.map((s) => s.t)).toEqual([10, 30, 40]);
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
