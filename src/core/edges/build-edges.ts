import type { CorePost, Edge } from '../types.ts';
import { KINDS, type CoActionKind } from './kinds/index.ts';
import type { CoActionKindDefinition } from './kinds/types.ts';
import { type EdgeOptions, type ResolvedOptions, resolveOptions, EdgeOptionsError } from './options.ts';
import { preparePosts, type PreparedPosts } from './prepare.ts';
import type { TextMemo } from './text-memo.ts';

const BUILDERS = new Map<string, CoActionKindDefinition>(
  KINDS.filter((k): k is (typeof KINDS)[number] & CoActionKindDefinition => k.mode === 'co_action').map((k) => [k.id, k]),
);

/**
 * Edges of one kind over prepared posts. Split from `buildEdges` so callers that time each step
 * (the CLI) can prepare once and build kind by kind. The kind's own file (kinds/) does the work.
 */
export function buildKindEdges(prep: PreparedPosts, kind: CoActionKind, ro: ResolvedOptions): Edge[] {
  const def = BUILDERS.get(kind);
  if (!def) {
    if (KINDS.some((k) => k.id === kind)) throw new EdgeOptionsError(`${kind} is computed by batch scans, not buildEdges`);
    throw new EdgeOptionsError(`unknown edge kind "${kind}"`);
  }
  return def.build(prep, ro);
}

/**
 * Co-action edges between accounts for the requested kinds (kinds/index.ts lists them).
 *
 * Default mode: undirected, weight = distinct shared objects, strength rarity-weighted, with
 * co-actions beyond Δ on rare objects weighed by their improbability (co-action.ts,
 * significance.ts). `compat: 'cnt'`: coordination-network-toolkit's directed weights and text
 * handling (see cnt-directed.ts, cnt-text.ts, similar-join.ts).
 *
 * Posts are keyed by `key`, which must be unique (loaders drop repeats, first wins, as CNT's
 * `insert or ignore` does). Output order: kinds as requested, then (a, b). `texts`: what the
 * text kinds derived from texts, kept by a caller that analyses overlapping posts again and
 * again (text-memo.ts; the same edges either way).
 */
export function buildEdges(posts: readonly CorePost[], opts: EdgeOptions, texts?: TextMemo): Edge[] {
  const ro = resolveOptions(opts);
  for (const k of ro.kinds) {
    if (!BUILDERS.has(k)) {
      if (KINDS.some((d) => d.id === k)) throw new EdgeOptionsError(`${k} (${KINDS.find((d) => d.id === k)!.signal}) is computed by batch scans, not buildEdges`);
      throw new EdgeOptionsError(`unknown edge kind "${k}"`);
    }
  }
  const prep = preparePosts(posts, texts);
  const out: Edge[] = [];
  // what the text kinds derived per post (normalised texts, word counts, shingles: the
  // posts' cache) goes once the last of them is built, before any kind after it
  let lastTextual = -1;
  ro.kinds.forEach((k, i) => {
    if (KINDS.find((d) => d.id === k)?.textual) lastTextual = i;
  });
  ro.kinds.forEach((kind, i) => {
    for (const e of buildKindEdges(prep, kind, ro)) out.push(e);
    if (i === lastTextual) prep.cache.clear();
  });
  return out;
}
