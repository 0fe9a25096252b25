import { describe, expect, it } from 'vitest';
import { normaliseText, wordTokens } from '../../../src/core/text/normalise.ts';

describe('normaliseText (co_text / co_similar)', () => {
  it('folds case, full-width and styled letters (NFKC)', () => {
    expect(normaliseText('ＶＯＴＥ Now')).toBe('vote now');
    expect(normaliseText('𝐓𝐑𝐔𝐌𝐏 2016')).toBe('trump 2016');
  });

  it('removes zero-width characters, bidi controls and variation selectors that make copies differ', () => {
    const plain = normaliseText('Stop the steal now');
    expect(normaliseText('Stop\u200b the st\u200deal\u2060 now\ufeff')).toBe(plain);
    expect(normaliseText('\u202eStop the steal now\u202c')).toBe(plain);
    expect(normaliseText('Stop the ste\u00adal now')).toBe(plain);
  });

  it('drops URLs and mentions but keeps hashtags', () => {
    expect(normaliseText('RT @bot1: They lied https://t.co/AAA #MAGA @x')).toBe('they lied #maga');
    expect(normaliseText('They lied https://t.co/BBB #MAGA @y')).toBe('they lied #maga');
    expect(normaliseText('mail me at a@b.com')).toBe('mail me at a@b.com');
  });

  it('collapses whitespace and decodes the common HTML entities', () => {
    expect(normaliseText('  Law &amp; order\n\n\tnow  ')).toBe('law & order now');
  });

  it('keeps right-to-left text and emoji intact', () => {
    expect(normaliseText('שלום עולם 🇺🇸')).toBe('שלום עולם 🇺🇸');
    expect(normaliseText('مرحبا بالعالم')).toBe('مرحبا بالعالم');
    expect(wordTokens(normaliseText('مرحبا بالعالم 😀'))).toEqual(['مرحبا', 'بالعالم']);
  });

  it('handles empty and whitespace-only text', () => {
    expect(normaliseText('')).toBe('');
    expect(normaliseText(' \u200b\n ')).toBe('');
    expect(wordTokens('')).toEqual([]);
  });

  it('handles a 100 KB post', () => {
    const big = 'the election was rigged '.repeat(4200);
    expect(big.length).toBeGreaterThan(100_000);
    const n = normaliseText(big);
    expect(wordTokens(n)).toHaveLength(4 * 4200);
  });

  it('splits words on letters, digits and marks, keeping inner apostrophes and hyphens', () => {
    expect(wordTokens("don't re-vote 2x! café e\u0301")).toEqual(["don't", 're-vote', '2x', 'café', 'e\u0301']);
  });
});
