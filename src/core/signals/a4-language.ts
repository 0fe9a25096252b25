import type { SignalParams } from './params.ts';
import type { AccountSignalInput, SignalResult } from './types.ts';
import { pct, plural, ramp, realPosts, round, str } from './util.ts';

// Longer posts are scanned only this far: artefacts show early, and the cost stays bounded.
const SCAN_CHARS = 20_000;
const MIN_LATIN_LETTERS = 8;

// Twitter's "no language" codes.
const NO_LANG = new Set(['und', 'zxx', 'qme', 'qam', 'qct', 'qht', 'qst', 'qlm', 'art', '']);

export interface TextScripts {
  latin: number;
  han: number;
  kana: number;
  hangul: number;
  cyrillic: number;
  arabic: number;
  letters: number;
  /** full-width / CJK punctuation and forms (U+3000–U+303F, U+FF00–U+FFEF) */
  fullwidth: number;
  /** up to 6 distinct artefact characters, for the reason */
  samples: string[];
}

function sample(r: TextScripts, ch: string): void {
  if (r.samples.length < 6 && !r.samples.includes(ch)) r.samples.push(ch);
}

/** Count letters by script and CJK punctuation in a text. */
export function scanScripts(text: string): TextScripts {
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
  const s = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  // Code units, not per-character strings: a code point's string is only built when sampled
  // or tested against \p{…}. A lone surrogate is its own code point, as `for…of` yields it.
  const n = s.length;
  let latin = 0;
  let letters = 0;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        latin++;
        letters++;
      }
      continue;
    }
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    const start = i;
    i += w - 1;
    if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef)) {
      r.fullwidth++;
      sample(r, s.slice(start, start + w));
      continue;
    }
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x20000 && c <= 0x2a6df) ||
      (c >= 0xf900 && c <= 0xfaff)
    ) {
      r.han++;
      letters++;
      sample(r, s.slice(start, start + w));
    } else if (c >= 0x3040 && c <= 0x30ff) {
      r.kana++;
      letters++;
      sample(r, s.slice(start, start + w));
    } else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) {
      r.hangul++;
      letters++;
      sample(r, s.slice(start, start + w));
    } else if (c >= 0x0400 && c <= 0x04ff) {
      r.cyrillic++;
      letters++;
    } else if (c >= 0x0600 && c <= 0x06ff) {
      r.arabic++;
      letters++;
    } else {
      const ch = s.slice(start, start + w);
      if (LETTER.test(ch)) {
        letters++;
        if (LATIN.test(ch)) latin++;
      }
    }
  }
  r.latin = latin;
  r.letters = letters;
  return r;
}

const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;

// langKey's label part depends on the label alone; labels are a handful of codes.
const LABEL_MEMO_LIMIT = 10_000;
const labelMemo = new Map<string, string>();

function labelBase(l: string): string {
  const hit = labelMemo.get(l);
  if (hit !== undefined) return hit;
  const base = l
    .slice(0, 35)
    .trim()
    .toLowerCase()
    .split(/[-_]/)[0]
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 12);
  if (labelMemo.size >= LABEL_MEMO_LIMIT) labelMemo.clear();
  labelMemo.set(l, base);
  return base;
}

function langKey(lang: unknown, sc: TextScripts): string | null {
  const l = str(lang);
  if (l !== null) {
    const base = labelBase(l);
    if (!NO_LANG.has(base)) return base;
  }
  // No usable label: a non-Latin script that dominates the text still names a language family.
  if (sc.letters < 5) return null;
  const cjk = sc.han + sc.kana;
  if (sc.kana / sc.letters >= 0.2) return 'ja';
  if (cjk / sc.letters >= 0.6) return 'zh';
  if (sc.hangul / sc.letters >= 0.6) return 'ko';
  if (sc.cyrillic / sc.letters >= 0.6) return 'ru';
  if (sc.arabic / sc.letters >= 0.6) return 'ar';
  return null;
}

/** A4: CJK punctuation or characters inside Latin-script (English) posts; language switches. */
export function languageSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const p = params.a4;
  const posts = realPosts(input.posts);
  let latinPosts = 0;
  let artefactPosts = 0;
  let artefactWeight = 0;
  let fullwidth = 0;
  let cjkChars = 0;
  const samples: string[] = [];
  const langs = new Map<string, number>();
  for (const post of posts) {
    const text = str(post.text) ?? '';
    const sc = scanScripts(text);
    const key = langKey(post.lang, sc);
    if (key !== null) langs.set(key, (langs.get(key) ?? 0) + 1);
    const latinDominant =
      sc.latin >= MIN_LATIN_LETTERS && (key === 'en' || sc.latin / Math.max(1, sc.letters) >= 0.6);
    if (!latinDominant) continue;
    latinPosts++;
    const cjk = sc.han + sc.kana + sc.hangul;
    if (sc.fullwidth > 0 || cjk > 0) {
      artefactPosts++;
      // Full-width punctuation is the Chinese-IME tell; Han characters less so; Hangul and
      // kana inside English are mostly K-pop and anime fandom.
      artefactWeight += sc.fullwidth > 0 ? 1 : sc.han > 0 ? 0.5 : 0.25;
      fullwidth += sc.fullwidth;
      cjkChars += cjk;
      for (const s of sc.samples) if (samples.length < 6 && !samples.includes(s)) samples.push(s);
    }
  }

  const artShare = latinPosts ? artefactPosts / latinPosts : 0;
  const weightedShare = latinPosts ? artefactWeight / latinPosts : 0;
  const artValue =
    ramp(weightedShare, 0, p.artefact_share_full) *
    Math.min(1, artefactWeight / p.artefact_count_full);

  let langTotal = 0;
  let main: string | null = null;
  let mainCount = 0;
  for (const [k, c] of [...langs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    langTotal += c;
    if (main === null) {
      main = k;
      mainCount = c;
    }
  }
  const switchShare = langTotal ? 1 - mainCount / langTotal : 0;
  const switchApplicable = langTotal >= p.min_lang_posts;
  const switchValue = switchApplicable
    ? p.switch_max * ramp(switchShare, 0, p.switch_share_full)
    : 0;

  const applicable = latinPosts > 0 || switchApplicable;
  const value = Math.max(artValue, switchValue);
  const parts: string[] = [];
  if (artefactPosts > 0) {
    const what: string[] = [];
    if (fullwidth) what.push(`${plural(fullwidth, 'full-width punctuation mark')}`);
    if (cjkChars) what.push(`${plural(cjkChars, 'CJK character')}`);
    parts.push(
      `${artefactPosts} of ${latinPosts} Latin-script posts (${pct(artShare)}) carry CJK artefacts: ${what.join(', ')} (${samples.join(' ')})`,
    );
  } else if (latinPosts > 0) {
    parts.push(`no CJK punctuation or characters in ${plural(latinPosts, 'Latin-script post')}`);
  }
  if (switchApplicable && switchShare > 0) {
    const others = [...langs.entries()]
      .filter(([k]) => k !== main)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, c]) => `${k} ${c}`);
    parts.push(
      `${pct(switchShare)} of ${langTotal} posts are not in ${main} (${others.join(', ')})`,
    );
  } else if (switchApplicable) {
    parts.push(`all ${langTotal} posts with a known language are in ${main}`);
  }
  return {
    id: 'A4',
    value: round(value, 3),
    applicable,
    reason: parts.length
      ? parts.join('; ')
      : 'no Latin-script posts and too few posts with a known language',
    details: {
      latin_posts: latinPosts,
      artefact_posts: artefactPosts,
      artefact_weight: round(artefactWeight, 2),
      fullwidth_marks: fullwidth,
      cjk_chars: cjkChars,
      main_lang: main,
      other_lang_share: round(switchShare, 3),
      langs: Object.fromEntries(langs),
    },
  };
}
