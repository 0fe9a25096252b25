/**
 * Random suffix tokens: China's 2021 Xinjiang network on X appended four random capitals or CJK
 * characters after the link of every copy ("… https://t.co/abc WIRD", "… https://t.co/abc 丽江"),
 * so that no two copies are the same text. A token after the last link of a post is not part of
 * any sentence (a sentence ends before its link), so dropping it loses nothing real: what is
 * dropped is a run of 2–8 capitals, or 1–8 CJK characters, with nothing after it.
 *
 * coordination-network-toolkit does not do this: `--compat cnt` text handling never calls it.
 */

const SUFFIX_RE = /((?:https?:\/\/|www\.)\S+)[\s\u3000]+(?:[A-Z]{2,8}|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{1,8})[\s\u3000]*$/u;

export function stripNoiseSuffix(text: string): string {
  // what the pattern drops ends the text: a capital, a CJK character or a space; a text
  // ending in any other ASCII character (most: a small letter, a digit, a link's end) keeps it
  const last = text.charCodeAt(text.length - 1);
  if (last < 128 && (last < 65 || last > 90) && last !== 32 && (last < 9 || last > 13)) return text;
  if (!text.includes('http') && !text.includes('www.')) return text;
  return text.replace(SUFFIX_RE, '$1');
}
