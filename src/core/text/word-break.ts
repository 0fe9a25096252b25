import { WORD_BREAK_RANGES } from './word-break-data.ts';

/** Word_Break classes, numbered as in word-break-data.ts. */
export const WB = {
  Other: 0,
  CR: 1,
  LF: 2,
  Newline: 3,
  Extend: 4,
  ZWJ: 5,
  RegionalIndicator: 6,
  Format: 7,
  Katakana: 8,
  HebrewLetter: 9,
  ALetter: 10,
  SingleQuote: 11,
  DoubleQuote: 12,
  MidNumLet: 13,
  MidLetter: 14,
  MidNum: 15,
  Numeric: 16,
  ExtendNumLet: 17,
  WSegSpace: 18,
} as const;

/** Bit set on top of the class for Extended_Pictographic code points. */
export const WB_EXT_PICT = 0x20;

let table: Uint8Array | null = null;

/**
 * One byte per code point (1.1 MB), decoded on first use: a flat table keeps the tokeniser's inner
 * loop to a single indexed load instead of a binary search per character.
 */
export function wordBreakTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x110000);
  let start = 0;
  let prevStart = 0;
  let prevValue = 0;
  let first = true;
  for (const pair of WORD_BREAK_RANGES.split(',')) {
    const colon = pair.indexOf(':');
    start += parseInt(pair.slice(0, colon), 16);
    const value = parseInt(pair.slice(colon + 1), 16);
    if (!first && prevValue !== 0) t.fill(prevValue, prevStart, start);
    prevStart = start;
    prevValue = value;
    first = false;
  }
  if (prevValue !== 0) t.fill(prevValue, prevStart);
  table = t;
  return t;
}
