import type { AnalyzeParams } from '../src/core/analyze.ts';
import { DEFAULT_SYNCHRONY } from '../src/core/edges/kinds/synchrony.ts';
import { DEFAULT_SIGNAL_PARAMS } from '../src/core/signals/params.ts';

/**
 * Versioned detection defaults: weights and thresholds of the engine as plain data.
 * Change a number here → bump DETECTOR_VERSION, so every alert records which rules made it.
 */
export const DETECTOR_VERSION = '2026.12-2';

export const DEFAULT_DETECTION: AnalyzeParams = {
  detectorVersion: DETECTOR_VERSION,
  dedupe: true,
  edges: {
    window: 60,
    minWeight: 2,
    // the cohesion of near-same-text rings is read from edge evidence: keep enough of it
    evidenceCap: 32,
    // every co-action kind; co_sound / co_like / co_forward only see posts that carry such objects
    // (TikTok, Bluesky Jetstream, Telegram), and weigh by rarity like the rest
    kinds: ['co_repost', 'co_text', 'co_similar', 'co_link', 'co_reply', 'co_hashtag_seq', 'co_media', 'co_sound', 'co_like', 'co_forward'],
    // Co-actions beyond Δ on rare objects count by their improbability (src/core/edges/significance.ts):
    // a gap g on an object of n sharers counts when C(n,2)·2g/T ≤ alpha (T: span of the posts),
    // i.e. fewer than one pair in twenty of its sharers would come that close by chance. 25 sharers
    // is where the admissible gap at T = 1 day falls under Δ (0.05·86400/600 ≈ 7 s): beyond it
    // pairing is cost without evidence. No horizon: the span of the analysed posts bounds it.
    significance: { horizon: null, maxSharers: 25, alpha: 0.05 },
  },
  actions: { minTextTokens: 4, minHashtags: 3 },
  cluster: {
    minSize: 3,
    resolution: 1,
    seed: 1,
    weights: {
      kindWeights: {
        co_text: 1,
        co_similar: 1,
        co_link: 1,
        co_repost: 1,
        co_reply: 1,
        co_hashtag_seq: 1,
        co_media: 1,
        synchrony: 0.5,
      },
      coSetWeight: 1,
    },
    coSet: { enabled: true, maxSharers: 25, minShared: 2, alpha: 0.01 },
    // A cluster of two is kept when its actions on objects no one else shared beat the
    // configuration model at the co-set links' family-wise 1 % (src/core/cluster/pairs.ts).
    // 3 actions: a pair has no third member to repeat the evidence, so it must show, alone, the
    // repetition a triangle of minWeight-2 edges shows (one more than one edge's 2).
    pairs: { enabled: true, minExclusive: 3, alpha: 0.01 },
  },
  // C6 for batch scans (synchronyEdges, src/core/edges/kinds/synchrony.ts, where each number is argued)
  synchrony: DEFAULT_SYNCHRONY,
  // share-button texts (src/core/cluster/templates.ts): 3 sharers give 2 gaps, the fewest a timing
  // test needs; 5 % one-sided binomial test of gaps ≤ Δ under Poisson arrivals; 25 sharers as co-set
  templates: { minSharers: 3, alpha: 0.05, maxSharers: 25 },
  nullModel: { rounds: 100, seed: 1, minSpan: 600 },
  score: {
    weights: {
      // cohesion is the tell that holds on real data (debate nights): the rest support it
      cohesion: 50,
      repetition: 8,
      rarity: 8,
      density: 10,
      tightness: 3,
      null_model: 6,
      kinds: 3,
      size: 2,
      account_signals: 10,
      narratives: 10,
      watchlist: 20,
    },
    cohesionFull: 0.5,
    // medium needs corroboration beyond the sharing itself (src/core/score/index.ts corroboration):
    // timing at p ≤ 0.05 against shuffled timelines, rarity ≥ 0.5 (objects of ≤ 4 sharers or half
    // the group's own), or mean account suspicion ≥ 0.5 (half its scale)
    corroboration: { nullP: 0.05, rarity: 0.5, suspicion: 0.5 },
    severity: { medium: 40, high: 60, critical: 80 },
    evidence: { texts: 5, links: 10, hashtags: 10, reposts: 10 },
  },
  signals: DEFAULT_SIGNAL_PARAMS,
  signalsFor: 'clusters',
  flagThreshold: 45,
  flagMinCohesion: 0.05,
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Defaults with overrides merged in (objects deeply, arrays replaced). */
export function detectionParams(overrides: DeepPartial<AnalyzeParams> = {}): AnalyzeParams {
  return merge(DEFAULT_DETECTION, overrides) as AnalyzeParams;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base === null || typeof base !== 'object' || Array.isArray(base) || over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge((base as Record<string, unknown>)[k], v);
  return out;
}
