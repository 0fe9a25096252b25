import type { Rng } from '../null-model/prng.ts';
import { ADJECTIVES, COMMON_WORDS, FILLERS, STOCK_PHRASES, SYNONYMS, TOPIC_WORDS } from './words.ts';

const TABLE = 4096;
const tables = new WeakMap<readonly unknown[], Map<number, Uint16Array>>();

/**
 * Zipf-like pick: low indices much more often, so word frequencies look like language.
 * The inverse power law is tabulated once per list and exponent (it runs per word).
 */
export function zipfPick<T>(rng: Rng, xs: readonly T[], s = 1.1): T {
  let bySkew = tables.get(xs);
  if (!bySkew) tables.set(xs, (bySkew = new Map()));
  let table = bySkew.get(s);
  if (!table) {
    const n = xs.length;
    table = new Uint16Array(TABLE);
    for (let k = 0; k < TABLE; k++) {
      const u = (k + 0.5) / TABLE;
      const i = s === 1 ? Math.exp(u * Math.log(n + 1)) - 1 : Math.pow(u * (Math.pow(n + 1, 1 - s) - 1) + 1, 1 / (1 - s)) - 1;
      table[k] = Math.min(n - 1, Math.max(0, Math.floor(i)));
    }
    bySkew.set(s, table);
  }
  return xs[table[rng.int(TABLE)]];
}

/** Makes the text of an ordinary post (the word lists, or a cover model fitted on real posts). */
export type TextGen = (rng: Rng) => string;

/** An ordinary post: a few common words around a couple of topic words. */
export function organicText(rng: Rng): string {
  if (rng() < 0.03) return rng.pick(STOCK_PHRASES);
  const len = 6 + rng.int(18);
  const words: string[] = [];
  for (let i = 0; i < len; i++) {
    const r = rng();
    if (r < 0.55) words.push(zipfPick(rng, COMMON_WORDS));
    else if (r < 0.85) words.push(rng.pick(TOPIC_WORDS));
    else words.push(rng.pick(ADJECTIVES));
  }
  if (rng() < 0.3) words.push(rng.pick(['!', '?', 'lol', 'smh', 'omg', '😂', '🙄', '🔥']));
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A paraphrase: each word is swapped for a synonym, or gets a filler inserted before it,
 * with probability `strength`. 0 copies the text; 0.3 rewrites about a third of it.
 */
export function paraphrase(rng: Rng, text: string, strength: number): string {
  if (strength <= 0) return text;
  const out: string[] = [];
  for (const w of text.split(' ')) {
    if (rng() < strength) {
      const syn = SYNONYMS[w];
      if (syn && rng() < 0.7) {
        out.push(rng.pick(syn));
        continue;
      }
      out.push(rng.pick(FILLERS));
    }
    out.push(w);
  }
  return out.join(' ');
}

/** English as written by someone whose keyboard is set up for Chinese: full-width punctuation. */
export function withCjkPunctuation(rng: Rng, text: string): string {
  const words = text.split(' ');
  const cut = 2 + rng.int(Math.max(1, words.length - 3));
  const first = words.slice(0, cut).join(' ');
  const rest = words.slice(cut).join(' ');
  return `${first}，${rest}${rng() < 0.5 ? '！' : '。'}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const CAPITALS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Four random capitals ("WIRD") or four random CJK ideographs, as the 2021 Xinjiang network appended. */
export function suffixToken(rng: Rng): string {
  let s = '';
  if (rng() < 0.5) for (let i = 0; i < 4; i++) s += CAPITALS[rng.int(26)];
  else for (let i = 0; i < 4; i++) s += String.fromCodePoint(0x4e00 + rng.int(0x9fa5 - 0x4e00));
  return s;
}

/** A t.co-style short code: a fresh link on every post. */
export function shortCode(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += ALNUM[rng.int(ALNUM.length)];
  return s;
}
