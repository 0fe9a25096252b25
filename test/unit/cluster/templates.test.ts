import { describe, expect, it } from 'vitest';
import { buildActionIndex, templateObjects, textSkeleton } from '../../../src/core/cluster/index.ts';
import { post } from './helpers.ts';

/** textSkeleton by its regexps alone (what every key took before the fast path). */
const byRegexps = (key: string) => key.replace(/(^|\s)@\S*/gu, ' ').replace(/\p{N}+/gu, ' ').replace(/\s+/gu, ' ').trim();

describe('text skeletons', () => {
  it('are what the regexps make of any key, the ones left as they are included', () => {
    const pieces = [' ', '  ', 'a', 'vote', 'z', '#', '_', '@', '@cnn', '7', '42', '\t', '\n', '\u00a0', '\u3000', '٣', 'é', '美国', '~', '!', '\x7f', '\x1f', '/'];
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20000; n++) {
      let key = '';
      for (let k = Math.floor(rnd() * 9); k > 0; k--) key += pieces[Math.floor(rnd() * pieces.length)];
      expect(textSkeleton(key), JSON.stringify(key)).toBe(byRegexps(key));
    }
    expect(textSkeleton('i just voted for the future')).toBe('i just voted for the future');
    expect(textSkeleton('i just told @cnn who 2 vote')).toBe('i just told who vote');
  });
});

describe('template texts', () => {
  it('groups keys by skeleton and needs minSharers accounts over the group, not per key', () => {
    const posts = [
      // one skeleton over three keys (handles and digits differ), three accounts an hour apart
      post('a', 0, { text: 'I just told @cnn who I think is winning 1' }),
      post('b', 3600, { text: 'I just told @abc who I think is winning 2' }),
      post('c', 7200, { text: 'I just told @nbc who I think is winning 3' }),
      // a text two accounts posted: too few sharers
      post('d', 100, { text: 'only two of us posted this one' }),
      post('e', 5000, { text: 'only two of us posted this one' }),
      post('f', 9000, { text: 'something nobody else wrote here' }),
    ];
    const out = templateObjects(buildActionIndex(posts), 60);
    expect([...out].sort()).toEqual(['t:i just told @abc who i think is winning 2', 't:i just told @cnn who i think is winning 1', 't:i just told @nbc who i think is winning 3']);
  });
});
