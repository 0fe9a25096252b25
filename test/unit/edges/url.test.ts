import { describe, expect, it } from 'vitest';
import { normaliseUrl } from '../../../src/core/url.ts';

describe('normaliseUrl', () => {
  it('folds scheme, host case, www., default ports, fragments and trailing slashes', () => {
    const a = normaliseUrl('HTTP://WWW.Example.COM:80/Path/#section');
    expect(a).toBe('https://example.com/Path');
    expect(normaliseUrl('https://example.com:443/Path')).toBe(a);
    expect(normaliseUrl('https://example.com/')).toBe('https://example.com');
  });

  it('keeps path case (paths are case-sensitive)', () => {
    expect(normaliseUrl('https://example.com/ABC')).not.toBe(normaliseUrl('https://example.com/abc'));
  });

  it('strips tracking parameters and sorts the rest', () => {
    const canonical = 'https://news.example.org/story?id=7&page=2';
    expect(normaliseUrl('https://news.example.org/story?utm_source=tw&page=2&utm_campaign=x&id=7')).toBe(canonical);
    expect(normaliseUrl('https://news.example.org/story?id=7&fbclid=abc&gclid=1&page=2&igshid=zz&mc_cid=1&mc_eid=2')).toBe(canonical);
    expect(normaliseUrl('https://twitter.com/user/status/1?s=20&t=abc&ref_src=twsrc')).toBe('https://twitter.com/user/status/1');
  });

  it('keeps shorteners exactly (codes are case-sensitive) and never expands them', () => {
    expect(normaliseUrl('https://t.co/AbC123')).toBe('https://t.co/AbC123');
    expect(normaliseUrl('https://t.co/abc123')).not.toBe(normaliseUrl('https://t.co/AbC123'));
    expect(normaliseUrl('http://BIT.LY/XyZ?utm_source=a')).toBe('https://bit.ly/XyZ?utm_source=a');
  });

  it('maps youtu.be and mobile hosts to the main site', () => {
    expect(normaliseUrl('https://youtu.be/dQw4w9WgXcQ?si=tracking')).toBe('https://youtube.com/watch?v=dQw4w9WgXcQ');
    expect(normaliseUrl('https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share')).toBe('https://youtube.com/watch?v=dQw4w9WgXcQ');
    expect(normaliseUrl('https://mobile.twitter.com/a/status/9')).toBe('https://twitter.com/a/status/9');
  });

  it('trims punctuation glued on by the sentence, keeping balanced parentheses', () => {
    expect(normaliseUrl('https://example.com/a).')).toBe('https://example.com/a');
    expect(normaliseUrl('https://en.wikipedia.org/wiki/Foo_(bar)')).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
    expect(normaliseUrl('https://example.com/a…')).toBe('https://example.com/a');
  });

  it('accepts bare host/path links', () => {
    expect(normaliseUrl('www.example.com/x/')).toBe('https://example.com/x');
    expect(normaliseUrl('example.com')).toBe('https://example.com');
  });

  it('returns null for non-web schemes and garbage, and never throws', () => {
    for (const bad of ['javascript:alert(1)', 'mailto:a@b.c', 'http://', '::::', '', '   ', 'not a url', 'http://localhost/x', 'ftp://x.org/a']) {
      expect(normaliseUrl(bad)).toBeNull();
    }
    // seeded garbage: every result is a string or null
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    const alphabet = 'htps:/.%?&=#@[]()\\ \u0000\ud800\u202eaZ09-_~\u00e9\u4e2d';
    for (let i = 0; i < 3000; i++) {
      let u = i % 3 === 0 ? 'https://' : i % 3 === 1 ? 'http://www.' : '';
      const len = next() % 40;
      for (let k = 0; k < len; k++) u += alphabet[next() % alphabet.length];
      const r = normaliseUrl(u);
      expect(r === null || typeof r === 'string').toBe(true);
    }
    expect(normaliseUrl('https://' + 'a'.repeat(10_000) + '.com')).toBeNull();
    expect(normaliseUrl(undefined as unknown as string)).toBeNull();
  });
});
