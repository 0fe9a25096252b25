import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanScripts } from '../../../src/core/signals/a4-language.ts';
import type { TextScripts } from '../../../src/core/signals/a4-language.ts';

// The per-character-string version scanScripts replaced (code-unit loop): kept here as the
// reference, so a future change cannot silently change A4's counts or samples.
function referenceScanScripts(text: string): TextScripts {
  const r: TextScripts = {
    latin: 0,
    han: 0,
    kana: 0,
    hangul: 0,
    cyrillic: 0,
    arabic: 0,
    letters: 0,
    fullwidth: 0,
    samples: [],
  };
  const s = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const sample = (ch: string) => {
    if (r.samples.length < 6 && !r.samples.includes(ch)) r.samples.push(ch);
  };
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        r.latin++;
        r.letters++;
      }
      continue;
    }
    if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) {
      r.fullwidth++;
      sample(ch);
      continue;
    }
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x20000 && c <= 0x2a6df) ||
      (c >= 0xf900 && c <= 0xfaff)
    ) {
      r.han++;
      r.letters++;
      sample(ch);
    } else if (c >= 0x3040 && c <= 0x30ff) {
      r.kana++;
      r.letters++;
      sample(ch);
    } else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) {
      r.hangul++;
      r.letters++;
      sample(ch);
    } else if (c >= 0x0400 && c <= 0x04ff) {
      r.cyrillic++;
      r.letters++;
    } else if (c >= 0x0600 && c <= 0x06ff) {
      r.arabic++;
      r.letters++;
    } else if (/\p{L}/u.test(ch)) {
      r.letters++;
      if (/\p{Script=Latin}/u.test(ch)) r.latin++;
    }
  }
  return r;
}

const FIXED = [
  '',
  'plain ASCII text, nothing else',
  'Hello，world！这是一个测试。',
  'ＲＩＧＧＥＤ élection Ünïcödé naïve façade',
  'カタカナ ひらがな 한국어 русский текст العربية',
  '𠀀𠀁 𪚥 emoji 😀👍🏽 🇺🇸 and a lone high \ud800 and lone low \udc00 surrogate',
  '\ud83d', // a lone high surrogate at the end
  '\udc00\ud800', // reversed pair
  'x'.repeat(19_999) + '😀' + '中'.repeat(10), // a pair across the 20,000-unit cut
  'ǅ ǈ ʰ ª ß Ⅻ ꝏ ﬁ', // titlecase, modifier, other letters, Latin ligatures
];

// Any code point (lone surrogates included), weighted towards ASCII and the scripts A4 counts.
const codePoint = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }),
  fc.integer({ min: 0x80, max: 0x7ff }),
  fc.integer({ min: 0x3000, max: 0x30ff }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
  fc.integer({ min: 0xff00, max: 0xffef }),
  fc.integer({ min: 0, max: 0x10ffff }),
);
const text = fc
  .array(codePoint, { maxLength: 120 })
  .map((cps) => cps.map((c) => String.fromCodePoint(c)).join(''));

describe('scanScripts equals the per-character reference', () => {
  it.each(FIXED.map((t, i) => [i, t]))('fixed text %i', (_i, t) => {
    expect(scanScripts(t as string)).toEqual(referenceScanScripts(t as string));
  });

  it('any Unicode string (with lone surrogates)', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(scanScripts(t)).toEqual(referenceScanScripts(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('a different result would be seen (the reference is not the function itself)', () => {
    expect(referenceScanScripts('中,')).toEqual({ ...referenceScanScripts('中'), samples: ['中'] });
    expect(scanScripts('Hello，')).not.toEqual(scanScripts('Hello,'));
  });
});
