import { describe, expect, it } from 'vitest';
import { cntMessagePreprocess, cntTokenSet } from '../../../src/core/text/cnt-text.ts';

/**
 * Expected values computed with coordination-network-toolkit's own functions
 * (`message_preprocessor`, and `tokenize` + the whitespace split `similarity` applies) under
 * Python 3.11 and the `regex` module 2026.5.9. The whole IRA and debate corpora were also compared
 * during development (73,505 messages, no difference); these are the hostile corners.
 */
const CASES: [text: string, preprocessed: string, tokens: string[]][] = [
  ["The quick brown fox jumped over the lazy dog.", "the quick brown fox jumped over the lazy dog.", [".", "brown", "dog", "fox", "jumped", "lazy", "over", "quick", "the"]],
  ["https://t.co/abc123 @foo hi!!", "https://t.co/abc123 hi!!", ["!", "/", ":", "abc123", "hi", "https", "t.co"]],
  ["it's a dogs' toy", "it's a dogs' toy", ["a", "dogs", "it's", "toy"]],
  ["\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", ["\u306e", "\u30c6\u30ad\u30b9\u30c8", "\u65e5", "\u672c", "\u8a9e"]],
  ["\ud83d\ude00\ud83d\ude00 \ud83d\udc4d\ud83c\udffd x", "\ud83d\ude00\ud83d\ude00 \ud83d\udc4d\ud83c\udffd x", ["x", "\ud83d\udc4d\ud83c\udffd", "\ud83d\ude00"]],
  ["a  b\n\nc", "a b c", ["a", "b", "c"]],
  ["\u05e6\u05d4\"\u05dc \u05d0\u05de\u05e8 '\u05e9\u05dc\u05d5\u05dd'", "\u05e6\u05d4\"\u05dc \u05d0\u05de\u05e8 '\u05e9\u05dc\u05d5\u05dd'", ["\u05d0\u05de\u05e8", "\u05e6\u05d4\"\u05dc", "\u05e9\u05dc\u05d5\u05dd'"]],
  ["\u0645\u0631\u062d\u0628\u0627   \u0628\u0627\u0644\u0639\u0627\u0644\u0645!", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645!", ["!", "\u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u0645\u0631\u062d\u0628\u0627"]],
  ["\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 family \ud83c\uddfa\ud83c\uddf8\ud83c\uddf7\ud83c\uddfa flags", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 family \ud83c\uddfa\ud83c\uddf8\ud83c\uddf7\ud83c\uddfa flags", ["family", "flags", "\ud83c\uddf7\ud83c\uddfa", "\ud83c\uddfa\ud83c\uddf8", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67"]],
  ["zero\u200bwidth join\u200dx", "zero\u200bwidth join\u200dx", ["join\u200dx", "width", "zero", "\u200b"]],
  ["\uff26\uff35\uff2c\uff2c\u3000\uff57\uff49\uff44\uff54\uff48", "\uff46\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48", ["\uff46\uff55\uff4c\uff4c", "\uff57\uff49\uff44\uff54\uff48"]],
  ["U.S.A. 3.14 1,000,000 a_b", "u.s.a. 3.14 1,000,000 a_b", [".", "1,000,000", "3.14", "a_b", "u.s.a"]],
  ["l'avion aujourd\u2019hui", "l'avion aujourd\u2019hui", ["aujourd\u2019hui", "l'avion"]],
  ["", "", []],
  ["   ", "", []],
  ["@only @mentions", "", []],
  ["RT @user: Vote!\r\nNow", "rt vote! now", ["!", "now", "rt", "vote"]],
  ["e\u0301te\u0301 cafe\u0301", "e\u0301te\u0301 cafe\u0301", ["cafe\u0301", "e\u0301te\u0301"]],
  ["x\u001cy\u001fz", "x y z", ["x", "y", "z"]],
  ["\u00a0nbsp\u00a0here", "nbsp here", ["here", "nbsp"]],
  ["@a\u001cb c", "c", ["c"]],
];

const sortByCodeUnit = (xs: string[]): string[] => [...xs].sort();

describe('CNT text handling', () => {
  it.each(CASES)('preprocesses %j like CNT', (text, pre) => {
    expect(cntMessagePreprocess(text)).toBe(pre);
  });

  it.each(CASES)('tokenises %j like CNT', (text, _pre, tokens) => {
    expect(cntTokenSet(text)).toEqual(sortByCodeUnit(tokens));
  });

  it('handles a 100 KB post in linear time without throwing', () => {
    const big = 'Vote early, vote often! '.repeat(4300) + '@someone ' + 'x'.repeat(1000);
    expect(big.length).toBeGreaterThan(100_000);
    expect(cntTokenSet(big)).toEqual(['!', ',', 'early', 'often', 'vote', 'x'.repeat(1000)].sort());
    expect(cntMessagePreprocess(big).startsWith('vote early, vote often!')).toBe(true);
  });

  it('survives lone surrogates and control characters', () => {
    const s = 'a\ud800b \udc00 \u0000\u0007 c';
    expect(() => cntTokenSet(s)).not.toThrow();
    expect(cntTokenSet(s)).toContain('c');
  });
});
