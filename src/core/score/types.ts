import type { EdgeKind } from '../types.ts';
import type { NullModelResult } from '../null-model/index.ts';
import type { NarrativeSummary } from '../narratives/index.ts';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export type PartName =
  | 'cohesion'
  | 'repetition'
  | 'rarity'
  | 'density'
  | 'tightness'
  | 'null_model'
  | 'kinds'
  | 'size'
  | 'account_signals'
  | 'narratives'
  | 'watchlist';

/**
 * One part of a score. `weight` is the most points the part can give; `contribution` is
 * `value × weight`, in points of the 0–100 total.
 */
export interface ScorePart {
  name: PartName;
  /** 0..1 */
  value: number;
  weight: number;
  contribution: number;
  reason: string;
}

/** Points per part. The coordination parts sum to 100; narratives and watchlist add on top. */
export type ScoreWeights = Record<PartName, number>;

export interface ScoreParams {
  /** co-action window Δ in seconds (tightness, Δt evidence) */
  window: number;
  weights: ScoreWeights;
  /** median member cohesion that counts as full evidence (campaigns mix in cover posts) */
  cohesionFull: number;
  /** lowest total of each severity above low */
  severity: { medium: number; high: number; critical: number };
  /** what lets a cluster reach medium (score/index.ts corroboration); defaults when absent */
  corroboration?: { nullP: number; rarity: number; suspicion: number };
  /** caps on the evidence kept per cluster */
  evidence: { texts: number; links: number; hashtags: number; reposts: number };
}

export interface EvidencePost {
  account: string;
  post: string;
  /** epoch seconds */
  t: number;
  text: string;
}

export interface ClusterEvidence {
  /** near-same or same posts by two members, side by side, tightest first */
  texts: { kind: EdgeKind | 'same_text'; a: EvidencePost; b: EvidencePost; dt: number }[];
  /** links several members posted: how many members, how many accounts in all */
  links: { url: string; members: number; sharers: number }[];
  /** hashtag sequences and single hashtags several members used */
  hashtags: { tags: string; members: number }[];
  /** repost targets several members reposted */
  reposts: { target: string; members: number; sharers: number; text: string }[];
  /** gaps (s) between a member's action on a shared object and the nearest other member's */
  dt: { count: number; min: number; median: number; p90: number; max: number };
  /** first and last action on a shared object, epoch seconds */
  span: { start: number; end: number } | null;
}

export interface ClusterScore {
  /** 0..100 */
  total: number;
  severity: Severity;
  parts: ScorePart[];
  /** one sentence: why */
  verdict: string;
  evidence: ClusterEvidence;
}

export interface MemberDetail {
  account: string;
  /** share of the member's posts that are work shared with the members it is tied to, 0..1 */
  cohesion: number;
  /** distinct shared objects the member acted on */
  shared: number;
  /** neighbours inside the cluster */
  degree: number;
  /** the member's account-signal suspicion, when computed */
  suspicion: number | null;
  watchlisted: boolean;
}

export interface ScoredCluster {
  id: string;
  /** sorted */
  members: string[];
  size: number;
  score: ClusterScore;
  /** edge kinds inside, plus 'co_set' when rare co-sharing links hold it together */
  kinds: (EdgeKind | 'co_set')[];
  memberDetails: MemberDetail[];
  nullModel: NullModelResult;
  /** narratives in the members' posts, most posts first (empty when no lexicons were given) */
  narratives: NarrativeSummary[];
  /** counts of what holds the cluster together */
  stats: { edges: number; links: number; pairs: number; density: number; sharedObjects: number; posts: number };
}

export interface ClusterNarratives {
  /** share of the members' posts matching at least one narrative, 0..1 */
  share: number;
  summaries: NarrativeSummary[];
}
