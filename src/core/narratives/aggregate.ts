import { matchNarratives } from './match.ts';
import type { CompiledNarratives, NarrativeMatch, NarrativeSummary } from './types.ts';

const TOP_TERMS = 10;
const SAMPLE_POSTS = 5;
// Copy-paste campaigns repeat texts; a per-call memo of this many texts keeps them cheap.
const MEMO_LIMIT = 50_000;

/**
 * Narratives across a set of posts (a cluster, an account, a window): for each narrative
 * matched at least once, the share of posts matching it, score statistics, the terms and
 * phrases most often behind the matches and the best-matching posts. Sorted by posts, most first.
 *
 * `known` holds matchNarratives(text, compiled) results the caller already has (e.g. its own
 * memo): those texts are not matched again. It must hold only results of this `compiled`.
 *
 * `unmatched` counts posts left out of `posts` because they match nothing: they count in the
 * shares' denominators only (as posts of an empty text would).
 */
export function narrativesForPosts(
  posts: readonly { text: string | null; key?: string }[],
  compiled: CompiledNarratives,
  known?: ReadonlyMap<string, NarrativeMatch[]>,
  unmatched = 0,
): NarrativeSummary[] {
  const memo = new Map<string, NarrativeMatch[]>();
  const acc = new Map<
    string,
    {
      posts: number;
      sum: number;
      max: number;
      terms: Map<string, number>;
      best: { key: string; score: number }[];
    }
  >();
  const list = Array.isArray(posts) ? posts : [];
  let total = Number.isInteger(unmatched) && unmatched > 0 ? unmatched : 0;
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (p === null || typeof p !== 'object') continue;
    total++;
    const text = typeof p.text === 'string' ? p.text : '';
    let matches = known?.get(text) ?? memo.get(text);
    if (!matches) {
      matches = matchNarratives(text, compiled);
      if (memo.size < MEMO_LIMIT) memo.set(text, matches);
    }
    const key = typeof p.key === 'string' ? p.key : String(i);
    for (const m of matches) {
      let a = acc.get(m.id);
      if (!a) acc.set(m.id, (a = { posts: 0, sum: 0, max: 0, terms: new Map(), best: [] }));
      a.posts++;
      a.sum += m.score;
      if (m.score > a.max) a.max = m.score;
      for (const t of [...m.terms, ...m.phrases]) a.terms.set(t, (a.terms.get(t) ?? 0) + 1);
      a.best.push({ key, score: m.score });
      if (a.best.length > SAMPLE_POSTS * 4) {
        a.best.sort((x, y) => y.score - x.score);
        a.best.length = SAMPLE_POSTS;
      }
    }
  }
  const titles = new Map(compiled.narratives.map((n) => [n.id, n.title]));
  const out: NarrativeSummary[] = [];
  for (const [id, a] of acc) {
    out.push({
      id,
      title: titles.get(id) ?? id,
      posts: a.posts,
      share: total ? Math.round((a.posts / total) * 10000) / 10000 : 0,
      mean_score: Math.round((a.sum / a.posts) * 1000) / 1000,
      max_score: a.max,
      top_terms: [...a.terms.entries()]
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
        .slice(0, TOP_TERMS)
        .map(([term, n]) => ({ term, posts: n })),
      sample_posts: a.best
        .sort((x, y) => y.score - x.score)
        .slice(0, SAMPLE_POSTS)
        .map((b) => b.key),
    });
  }
  return out.sort((x, y) => y.posts - x.posts || (x.id < y.id ? -1 : 1));
}
