import type { ActionOptions } from '../../cluster/actions.ts';
import type { CorePost, Edge } from '../../types.ts';
import type { KindOptions, ResolvedKindOptions, ResolvedOptions } from '../options.ts';
import type { PreparedPosts } from '../prepare.ts';

/**
 * What one coordination kind declares. A kind is one file in this folder plus one line in
 * `index.ts`; the edge builder, the options (`--kinds`, CNT names), the action index, the score's
 * wording and the exports all read these declarations.
 */

/** What an object-keyed kind's extractor may ask about the post it is given. */
export interface ObjectEnv {
  /** `--compat cnt`: coordination-network-toolkit's semantics */
  compat: boolean;
  ko: ResolvedKindOptions;
  /** normalised text by rank (default mode; '' for reposts and posts with no possible partner) */
  normalised(): readonly string[];
  /** wordTokens(normalised()[rank]).length (through the caller's text memo, when it keeps one) */
  words(post: CorePost, rank: number): number;
  /** by rank: 1 when the post is an original with another account's original within ±Δ */
  withPartner(): Uint8Array;
  /** a link normalised once per distinct string (default mode), or null when it is not a link */
  urlKey(raw: string): string | null;
}

/** The kind's objects in the action index (rarity, co-set links, cohesion, null model, verdict). */
export interface IndexObjects {
  /** key prefix, unique per kind: `r:`, `t:`, … */
  prefix: string;
  /** a repost carries someone else's content: only kinds about reposting look at reposts */
  onReposts: boolean;
  /** object keys of one post, without the prefix, distinct */
  objects(post: CorePost, opts: ActionOptions): readonly string[];
  /** the verdict's wording for n shared objects of this kind ("reposted the same 3 posts") */
  describe(n: number): string;
}

interface KindBase<Id extends string> {
  id: Id;
  /** DESIGN.md's signal id (C1–C7) */
  signal: string;
  /** one line for help texts */
  label: string;
  /** other names `--kinds` accepts */
  aliases?: readonly string[];
  /** coordination-network-toolkit's network for this kind, when it has one */
  cnt?: { name: string; /** one of the kinds `--compat cnt` builds by default */ byDefault: boolean };
  /** evidence is shown as the two posts side by side (text kinds) */
  textual?: boolean;
  /** per-kind option defaults (the global window, minWeight and similarity apply unless set here) */
  defaults?: Partial<KindOptions>;
  index?: IndexObjects;
}

/** A kind computed from the posts of one analysis by buildEdges. */
export interface CoActionKindDefinition<Id extends string = string> extends KindBase<Id> {
  mode: 'co_action';
  build(prep: PreparedPosts, ro: ResolvedOptions): Edge[];
}

/** A kind computed by batch scans over days (C6 synchrony), with a function of its own. */
export interface BatchKindDefinition<Id extends string = string> extends KindBase<Id> {
  mode: 'batch';
}

export type KindDefinition<Id extends string = string> = CoActionKindDefinition<Id> | BatchKindDefinition<Id>;

/** "the same post" / "the same 6 posts" */
export function same(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? `the same ${one}` : `the same ${n} ${many}`;
}
