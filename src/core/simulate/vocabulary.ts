import type { Rng } from '../null-model/prng.ts';

/**
 * Cover text from real posts' vocabulary: a word bigram chain fitted on organic texts the
 * caller passes in (links, handles, "RT @x:" prefixes and hashtags removed). Its output reads
 * like the people it was fitted on, word to word, without copying their posts: a walk of
 * 6–25 words through a vocabulary of thousands rarely repeats a whole post, so two simulated
 * accounts do not co-post by accident more often than the word lists' texts do.
 */
export interface CoverModel {
  /** words by id */
  words: string[];
  /** first words of posts (ids, with repeats: sampling is by frequency) */
  starts: Uint32Array;
  /** successors of each word id (with repeats); END marks the end of a post */
  next: Uint32Array[];
}

const END = 0xffffffff;
const STRIP = /\bRT @\w+:?|https?:\/\/\S+|@\w+|#\w+|&amp;|&[a-z]+;/giu;

export function fitCoverModel(texts: readonly string[]): CoverModel | null {
  const ids = new Map<string, number>();
  const words: string[] = [];
  const starts: number[] = [];
  const next: number[][] = [];
  const idOf = (w: string) => {
    let id = ids.get(w);
    if (id === undefined) {
      ids.set(w, (id = words.length));
      words.push(w);
      next.push([]);
    }
    return id;
  };
  for (const raw of texts) {
    const toks = raw.replace(STRIP, ' ').split(/\s+/u).filter((w) => w.length > 0 && w.length < 40);
    if (toks.length < 3) continue;
    let prev = idOf(toks[0]);
    starts.push(prev);
    for (let i = 1; i < toks.length; i++) {
      const id = idOf(toks[i]);
      next[prev].push(id);
      prev = id;
    }
    next[prev].push(END);
  }
  if (starts.length < 20) return null;
  return { words, starts: Uint32Array.from(starts), next: next.map((xs) => Uint32Array.from(xs)) };
}

export function coverText(rng: Rng, m: CoverModel): string {
  const target = 6 + rng.int(20);
  const out: string[] = [];
  let cur = m.starts[rng.int(m.starts.length)];
  for (let guard = 0; guard < 60; guard++) {
    out.push(m.words[cur]);
    const succ = m.next[cur];
    // past the target length, end where the people did; before it, walk on past their ends
    let nxt = succ.length ? succ[rng.int(succ.length)] : END;
    if (nxt === END && out.length < target) {
      const alive = succ.length ? succ[rng.int(succ.length)] : END;
      nxt = alive === END ? m.starts[rng.int(m.starts.length)] : alive;
    }
    if (nxt === END || out.length >= 30) break;
    cur = nxt;
  }
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
