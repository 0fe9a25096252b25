import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripNoiseSuffix } from '../../../src/core/text/suffix.ts';

// stripNoiseSuffix as it was before the last-character exit, kept verbatim as the reference
const SUFFIX_RE = /((?:https?:\/\/|www\.)\S+)[\s\u3000]+(?:[A-Z]{2,8}|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{1,8})[\s\u3000]*$/u;
function referenceStrip(text: string): string {
  if (!text.includes('http') && !text.includes('www.')) return text;
  return text.replace(SUFFIX_RE, '$1');
}

const HOSTILE = [
  '',
  'a',
  'A',
  ' ',
  'They lied https://t.co/x WIRD',
  'They lied https://t.co/x WIRD ',
  'They lied https://t.co/x WIRD\n',
  'They lied https://t.co/x WIRD\u3000',
  'They lied https://t.co/x WIRD\u00a0',
  'They lied https://t.co/x 丽江',
  'They lied https://t.co/x 丽江 ',
  'They lied https://t.co/x 𠀀𠀁',
  'They lied https://t.co/x ひらがな',
  'They lied https://t.co/x 한국',
  'They lied www.x.com ABCD',
  'They lied https://t.co/x wird',
  'They lied https://t.co/x W',
  'They lied https://t.co/x ABCDEFGHI',
  'They lied https://t.co/x WIRD!',
  'They lied https://t.co/x WIRD 🙄',
  'They lied https://t.co/x',
  'They lied https://t.co/X',
  'They lied HTTPS://t.co/x WIRD',
  'no link here WIRD',
  'ends in emoji 🙄',
  'ends in lone surrogate \ud83d',
];

describe('stripNoiseSuffix: the last-character exit keeps the result', () => {
  it('on hostile texts', () => {
    for (const t of HOSTILE) expect(stripNoiseSuffix(t), JSON.stringify(t)).toBe(referenceStrip(t));
  });

  const pieces = [
    ...'aZ09 .!/:#@_',
    'https://',
    'http://t.co/',
    'www.',
    ' WIRD',
    'ABCD',
    'Q',
    '丽江',
    'ひ',
    '한',
    '𠀀',
    '\u3000',
    '\u00a0',
    '\t',
    '\n',
    '🙄',
    '\ud83d',
  ];
  it('on random texts (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), (xs, s) => {
        const t = xs.join('');
        expect(stripNoiseSuffix(t)).toBe(referenceStrip(t));
        expect(stripNoiseSuffix(s)).toBe(referenceStrip(s));
        expect(stripNoiseSuffix(t + s)).toBe(referenceStrip(t + s));
      }),
      { numRuns: 20_000 },
    );
  });
});
