import type { CanonicalAccount, CorePost } from '../../../src/core/types.ts';
import { corePost } from '../../helpers/posts.ts';

/** mulberry32: a small seeded PRNG so property tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function account(over: Partial<CanonicalAccount> = {}): CanonicalAccount {
  return {
    id: 'acc1',
    handle: 'john_smith',
    display_name: 'John Smith',
    bio: null,
    created_at: '2015-06-01T00:00:00Z',
    followers: 300,
    following: 250,
    location: null,
    avatar_hash: null,
    ...over,
  };
}

let seq = 0;
export function post(t: number | string, over: Partial<CorePost> = {}): CorePost {
  const epoch = typeof t === 'string' ? Date.parse(t) / 1000 : t;
  return corePost({ key: `p${seq++}`, account: 'acc1', t: epoch, text: 'hello world', lang: 'en', ...over });
}

export const iso = (s: string): number => Date.parse(s) / 1000;

const PIECES = [
  '',
  ' ',
  'a',
  '🇺🇸🔥💯',
  '👨‍👩‍👧‍👦',
  '\u200b\u200c\u200d\ufeff',
  '\u202e\u202dreversed\u202c',
  'مرحبا بالعالم',
  'שלום',
  '中文，测试。！',
  'ＲＩＧＧＥＤ',
  'Ελληνικά',
  'Привет',
  '\u0000\u0001\u001f',
  '\ud800',
  '\udfff',
  'e\u0301\u0301\u0301',
  'Z̷̢̛a̸l̶g̵o̷',
  '#StopTheSteal',
  "don't",
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '1234567890',
  'http://x.y/?a=1#f',
  '\n\r\t',
  'ﷺ',
  '𝕳𝖊𝖑𝖑𝖔',
];

/** A hostile string: a random mix of emoji, invisible, RTL, CJK, control and surrogate pieces. */
export function hostileString(rnd: () => number, maxPieces = 12): string {
  const n = Math.floor(rnd() * maxPieces);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
}

/** 100 KB of text built from hostile pieces and words. */
export function hugeString(rnd: () => number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < 100_000) {
    const p = rnd() < 0.5 ? hostileString(rnd, 4) : 'rigged election ballots ';
    parts.push(p);
    len += p.length + 1;
  }
  return parts.join(' ');
}

const JUNK: unknown[] = [
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  0,
  -1,
  1e308,
  '',
  'not a date',
  {},
  [],
  true,
  '2024-13-45T99:99:99Z',
];

export function junk(rnd: () => number): unknown {
  return JUNK[Math.floor(rnd() * JUNK.length)];
}

/** Pick a value or junk for a field. */
export function maybe<T>(rnd: () => number, value: T): unknown {
  return rnd() < 0.35 ? junk(rnd) : value;
}
