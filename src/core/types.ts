/**
 * Shared plain-data shapes. The canonical post is the one format every adapter produces
 * (see DESIGN.md "Canonical post"); the detection core works on it directly.
 */

export interface CanonicalAccount {
  id: string;
  handle: string | null;
  display_name: string | null;
  bio: string | null;
  /** ISO-8601 UTC */
  created_at: string | null;
  followers: number | null;
  following: number | null;
  location: string | null;
  avatar_hash: string | null;
}

export interface CanonicalPost {
  platform: string;
  post_id: string;
  /** ISO-8601 UTC, always with a `Z` */
  posted_at: string;
  text: string;
  lang: string | null;
  urls: string[];
  hashtags: string[];
  mentions: string[];
  repost_of: string | null;
  reply_to: string | null;
  /** hashes of attached media, where the input carries them (signal C7) */
  media_hashes: string[];
  /**
   * Platform objects the post acts on that have no field of their own, each `<kind>:<id>`:
   * `sound:<TikTok music id>`, `like:<liked post key>`, `fwd:<forwarded source key>`. Read by
   * co_sound, co_like and co_forward. Absent means none.
   */
  objects?: string[];
  account: CanonicalAccount;
}

/** Position of a record in its source: 1-based line for line formats, row for CSV. */
export interface RecordPosition {
  /** file (or member of a folder) the record came from */
  file: string;
  line: number;
  /**
   * 0-based index of the record inside a line or document that holds several (an X API v2 page,
   * an element of a JSON array, a tweet of a recorded API response); absent otherwise.
   */
  item?: number;
}

export type ParsedRecord =
  | { ok: true; post: CanonicalPost; pos: RecordPosition }
  | { ok: false; pos: RecordPosition; raw: string; reason: string };

/**
 * The compact post the detection core works on. `t` is epoch seconds (UTC); texts and
 * lists are as the canonical post carries them. `key` is unique per post (platform:post_id
 * or the bare post_id when one platform is in play).
 */
export interface CorePost {
  key: string;
  account: string;
  t: number;
  text: string;
  lang: string | null;
  urls: string[];
  hashtags: string[];
  mentions: string[];
  repost_of: string | null;
  reply_to: string | null;
  media_hashes: string[];
  /** as CanonicalPost.objects (`sound:…`, `like:…`, `fwd:…`); absent means none */
  objects?: string[];
}

/** Coordination signal kinds: one file each in edges/kinds/, listed in edges/kinds/index.ts. */
export type { EdgeKind } from './edges/kinds/index.ts';
import type { EdgeKind } from './edges/kinds/index.ts';

/** One co-action behind an edge: two posts, the object they share, their time gap. */
export interface CoEvidence {
  a_post: string;
  b_post: string;
  /** absolute time gap in seconds */
  dt: number;
  /** the shared object: normalised url, repost target, text hash, hashtag sequence… */
  object: string;
}

/** An undirected edge between two accounts (a < b) of one kind. */
export interface Edge {
  a: string;
  b: string;
  kind: EdgeKind;
  /** number of distinct co-actions (distinct shared objects) */
  weight: number;
  /** rarity-weighted strength: sum over shared objects of 1/log2(1 + accounts sharing it) style weights */
  strength: number;
  /** evidence, capped */
  evidence: CoEvidence[];
  /**
   * `--compat cnt` only: coordination-network-toolkit's directed weights (messages of a with a
   * partner message of b in the window, and the reverse); `weight` is then the larger of the two.
   */
  directed?: { ab: number; ba: number };
}
