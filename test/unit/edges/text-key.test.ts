import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainSymbol, memoTextKey, plainKey, textKey, tokenCount } from '../../../src/core/text/text-key.ts';

// textKey and tokenCount as they were before the one-pass key of plain texts, kept verbatim
// as the reference: the fast path must give the same key, byte for byte, for every text.
const URL_RE = /\bhttps?:\/\/\S+/giu;
const NON_WORD_RE = /[^\p{L}\p{N}#@_]+/gu;
const INVISIBLE_RE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const ASCII_RE = /^[\x00-\x7f]*$/;
const ASCII_URL_RE = /\bhttps?:\/\/\S+/gi;
const ASCII_NON_WORD_RE = /[^A-Za-z0-9#@_]+/g;
function referenceTextKey(text: string): string {
  if (ASCII_RE.test(text)) {
    return text.replace(ASCII_URL_RE, ' ').toLowerCase().replace(ASCII_NON_WORD_RE, ' ').trim();
  }
  return text
    .normalize('NFKC')
    .replace(INVISIBLE_RE, '')
    .replace(URL_RE, ' ')
    .toLowerCase()
    .replace(NON_WORD_RE, ' ')
    .trim()
    .replace(/\s+/gu, ' ');
}
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
function referenceTokenCount(key: string): number {
  if (ASCII_RE.test(key)) return key.split(' ').filter((w) => w.length > 0).length;
  const cjk = key.match(CJK_RE)?.length ?? 0;
  const words = key.split(' ').filter((w) => w.replace(CJK_RE, '').length > 0).length;
  return words + cjk;
}

function same(text: string): void {
  const key = textKey(text);
  expect(key, JSON.stringify(text)).toBe(referenceTextKey(text));
  expect(tokenCount(key), JSON.stringify(text)).toBe(referenceTokenCount(key));
}

const PLAIN_SYMBOLS: string[] = [];
for (let cp = 0x10000; cp <= 0x10ffff; cp++) if (isPlainSymbol(cp)) PLAIN_SYMBOLS.push(String.fromCodePoint(cp));
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

const HOSTILE = [
  '',
  ' ',
  '   \t\n ',
  'lol',
  'Stop the steal now',
  '  Stop  the   steal now  ',
  'Stop the steal now 🙄',
  '🙄 Stop the steal now',
  'Stop 🔥 the 😂 steal now!!!',
  'Stop\tthe\nsteal\r\nnow',
  'STOP THE STEAL NOW',
  'stop the steal now',
  'a',
  'A',
  'Zz',
  '#MAGA @user_1 vote now',
  '#maga#trump @a@b x_y',
  'They lied https://t.co/AAA',
  'They lied https://t.co/AAA ',
  'They lied https://t.co/AAA 🙄',
  'They lied https://t.co/AAA #MAGA @x',
  'They lied https://t.co/AAA https://t.co/BBB',
  'They lied HTTPS://T.CO/AAA',
  'They lied HtTp://x',
  'They lied http://',
  'They lied http:// x',
  'They lied https:/t.co',
  'They lied http:x',
  'They lied https',
  'They lied http',
  'They lied.https://t.co/AAA',
  'They lied #https://t.co/AAA',
  'They lied _https://t.co/AAA',
  'They lied xhttps://t.co/AAA',
  'https://t.co/AAA',
  'https://t.co/AAA They lied',
  'They lied https://t.co/AAA🙄',
  'They lied https://t.co/ÄÄ',
  'They lied https://t.co/AAA\u00a0more',
  'They lied https://t.co/AAA\u3000more',
  'They lied httpſ://t.co/AAA',
  'time: 10:30 now',
  'a:b',
  ':::',
  '!!!',
  '🙄',
  '🙄🔥😂',
  '🇺🇸 America first 🇺🇸',
  '👍🏽 ok then',
  '👨‍👩‍👧 family time now',
  '❤️ love it',
  'vote\u200bnow please today',
  'vo\u200dte now please today',
  '\ufeffvote now please',
  '\u202evote now please\u202c',
  'e\u0301le\u0301ction today now',
  'élection today now',
  'ＶＯＴＥ Now',
  '𝐓𝐑𝐔𝐌𝐏 2016',
  '🄰🄱 squared letters',
  '① ② ③ count',
  'ﬁnal ﬁght tonight',
  'ſtop the ſteal',
  'Kelvin K sign',
  'شارك الآن في التصويت',
  'vote الآن now',
  '\u200fvote now\u200e',
  'עברית ו English',
  '美国大选就是一场闹剧，民主只是口号 #stopthesteal',
  'こんにちは 世界',
  '한국어 텍스트',
  'Banning tiktok，wake up america。',
  'ΣΊΣΥΦΟΣ ΟΔΟΣ',
  'İstanbul DİYARBAKIR',
  '\ud83d lone high surrogate',
  'lone low \ude00 surrogate',
  'ends with high \ud83d',
  '\u0000nul\u0001 controls\u007f',
  'x'.repeat(100_000),
  ('Word word, word! ' + '🔥 ').repeat(5_000),
  'a '.repeat(50_000),
  'https://' + 'a'.repeat(50_000) + ' tail',
];

describe('textKey: the one-pass key of plain texts equals the regexps', () => {
  it('on hostile texts', () => {
    for (const t of HOSTILE) same(t);
  });

  it('takes the one pass for plain texts (words, punctuation, emoji, a last link)', () => {
    for (const t of [
      'Stop the steal now',
      '  Stop, the steal: now'.replace(':', ';'),
      'Stop the steal now 🙄 #MAGA',
      '🇺🇸 America first!',
      'They lied https://t.co/AAA?x=1 🙄',
      'They lied. HTTPS://t.co/AAA',
      '',
      '!!!',
    ]) {
      expect(plainKey(t), t).toBe(referenceTextKey(t));
    }
    for (const t of ['a:b', 'élection', 'x https://t.co/a y', 'https://t.co/é', 'vote\u200bnow', 'a \ud83d']) {
      expect(plainKey(t), t).toBeUndefined();
    }
  });

  it('every plain symbol is no letter or number, its own NFKC form and lower case, and combines with no ASCII character', () => {
    expect(PLAIN_SYMBOLS.length).toBe(0x1faff - 0x1f300 + 1 + 26);
    const letterOrNumber = /[\p{L}\p{N}]/u;
    const space = /\s/u;
    const invisible = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u;
    const bad: string[] = [];
    for (const s of PLAIN_SYMBOLS) {
      let ok =
        !letterOrNumber.test(s) &&
        !space.test(s) &&
        !invisible.test(s) &&
        s.normalize('NFKC') === s &&
        s.toLowerCase() === s &&
        textKey(`a${s}b`) === 'a b';
      for (const c of ASCII) {
        if (!ok) break;
        ok = (c + s).normalize('NFKC') === c + s && (s + c).normalize('NFKC') === s + c;
      }
      if (ok) ok = (s + s).normalize('NFKC') === s + s;
      if (!ok) bad.push(s.codePointAt(0)!.toString(16));
    }
    expect(bad).toEqual([]);
  });

  it('on each plain symbol and the code points around the plain ranges, between words and at the ends', () => {
    const around: string[] = [];
    for (const [a, b] of [
      [0x1f1d0, 0x1f1ff],
      [0x1f200, 0x1f310],
      [0x1faf0, 0x1fb10],
    ]) {
      for (let cp = a; cp <= b; cp++) around.push(String.fromCodePoint(cp));
    }
    for (const s of [...PLAIN_SYMBOLS, ...around]) {
      same(`Vote ${s} now`);
      same(`${s}vote now${s}`);
    }
  });

  const pieces = [
    ...'abcxyzABCXYZ0189#@_ ',
    ' ',
    '  ',
    ...'.,!?-/=&\'"()[]{}<>*+%$^~`|\\;',
    ':',
    '\t',
    '\n',
    '\r',
    '\u000b',
    '\u000c',
    '\u0000',
    '\u007f',
    'http',
    'https',
    'HTTP',
    'hTtPs',
    '://',
    'http://',
    'https://',
    'HTTPS://t.co/',
    'www.',
    'https://t.co/x',
    '🙄',
    '🔥',
    '😂',
    '🇺',
    '🏽',
    '\ud83d',
    '\ude00',
    '\u200b',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u202e',
    '\u2060',
    '\ufeff',
    '\ufe0f',
    '\u0301',
    '\u00a0',
    '\u3000',
    '\u2028',
    'é',
    'ſ',
    'K',
    'Σ',
    'İ',
    'ß',
    'ＶＯ',
    '𝐓',
    '🄰',
    '①',
    'ﬁ',
    '美国',
    'こん',
    '한',
    'الآن',
    'עב',
    '，',
    '。',
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(''));

  it('on random texts (property)', () => {
    let plain = 0;
    fc.assert(
      fc.property(text, (t) => {
        same(t);
        if (plainKey(t) !== undefined) plain++;
      }),
      { numRuns: 20_000 },
    );
    // the one pass is tested, not only the regexps
    expect(plain).toBeGreaterThan(1_000);
  });

  it('on random full-Unicode texts (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), (a, b) => {
        same(a);
        same(b);
        same(`${a} ${b}`);
      }),
      { numRuns: 5_000 },
    );
  });

  it('tokenCount counts any key right, whatever textKey made last', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        textKey(a);
        const k = referenceTextKey(b);
        expect(tokenCount(k)).toBe(referenceTokenCount(k));
        expect(tokenCount(b)).toBe(referenceTokenCount(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('memoTextKey gives the same keys', () => {
    const keyOf = memoTextKey(new Map());
    for (const t of HOSTILE) {
      expect(keyOf(t)).toBe(referenceTextKey(t));
      expect(keyOf(t)).toBe(referenceTextKey(t));
    }
  });
});
