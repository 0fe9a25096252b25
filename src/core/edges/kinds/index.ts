import { coHashtagSeq } from './co-hashtag-seq.ts';
import { coLink } from './co-link.ts';
import { coMedia } from './co-media.ts';
import { coReply } from './co-reply.ts';
import { coRepost } from './co-repost.ts';
import { coSimilar } from './co-similar.ts';
import { coText } from './co-text.ts';
import { coForward } from './co-forward.ts';
import { coLike } from './co-like.ts';
import { coSound } from './co-sound.ts';
import { synchrony } from './synchrony.ts';
import type { CoActionKindDefinition, IndexObjects, KindDefinition } from './types.ts';

/**
 * The one list of coordination kinds. Adding a kind: one file in this folder, one line here.
 * Order matters: it is the order kinds are built and listed in, and the order of a post's
 * objects in the action index.
 */
export const KINDS = [coRepost, coText, coSimilar, coLink, coReply, coHashtagSeq, coMedia, coSound, coForward, coLike, synchrony] as const;

/** Coordination signal kinds (DESIGN.md C1–C7 and the ones added since). */
export type EdgeKind = (typeof KINDS)[number]['id'];

type CoActionKindOf<K> = K extends CoActionKindDefinition<infer Id> ? Id : never;
/** The kinds buildEdges computes (batch kinds such as C6 synchrony have functions of their own). */
export type CoActionKind = CoActionKindOf<(typeof KINDS)[number]>;

const BY_ID = new Map<string, KindDefinition>(KINDS.map((k) => [k.id, k]));

export function kindDefinition(id: string): KindDefinition | undefined {
  return BY_ID.get(id);
}

export const CO_ACTION_KINDS: readonly CoActionKind[] = KINDS.filter((k): k is (typeof KINDS)[number] & CoActionKindDefinition => k.mode === 'co_action').map(
  (k) => k.id as CoActionKind,
);

/** coordination-network-toolkit's network names for the kinds it has. */
export const CNT_KIND_NAMES: Partial<Record<CoActionKind, string>> = Object.fromEntries(
  KINDS.filter((k) => k.cnt).map((k) => [k.id, k.cnt!.name]),
);

/** The kinds `--compat cnt` builds when none are named (the toolkit's default networks). */
export const CNT_DEFAULT_KINDS: readonly CoActionKind[] = CO_ACTION_KINDS.filter((k) => BY_ID.get(k)!.cnt?.byDefault);

/** Kinds whose evidence is two posts side by side (their texts are what was shared). */
export const TEXT_EDGE_KINDS: readonly EdgeKind[] = KINDS.filter((k) => k.textual).map((k) => k.id);

/** Other accepted names → kind id. */
export const KIND_ALIASES: Readonly<Record<string, CoActionKind>> = Object.fromEntries(
  KINDS.flatMap((k) => (k.mode === 'co_action' ? (k.aliases ?? []).map((a) => [a, k.id as CoActionKind]) : [])),
);

/** The kinds with objects in the action index, in index order. */
export const INDEX_KINDS: readonly { id: EdgeKind; index: IndexObjects }[] = KINDS.filter((k) => k.index).map((k) => ({ id: k.id, index: k.index! }));

/** The kind an action-index object key belongs to (by its prefix), if any. */
export function indexKindOf(objectKey: string): { id: EdgeKind; index: IndexObjects } | undefined {
  return INDEX_KINDS.find((k) => objectKey.startsWith(k.index.prefix));
}

/** One line per kind for help texts: `co_repost (C3): reposting the same post`. */
export function kindsHelp(): string[] {
  return KINDS.map((k) => `${k.id} (${k.signal}${k.cnt ? `, CNT ${k.cnt.name}` : ''}${k.mode === 'batch' ? ', batch scans' : ''}): ${k.label}`);
}

export type { BatchKindDefinition, CoActionKindDefinition, IndexObjects, KindDefinition, ObjectEnv } from './types.ts';
