import type { CanonicalAccount, CorePost, Edge, EdgeKind } from './types.ts';
import { buildEdges } from './edges/index.ts';
import type { EdgeOptions, SynchronyParams } from './edges/index.ts';
import { normaliseUrl } from './url.ts';
import { canonicalOrder as byTimeThenKey } from './posts.ts';
import {
  buildActionIndex,
  clusterLinks,
  dedupePosts,
  findClusters,
  memoTextKey,
  templateObjects,
} from './cluster/index.ts';
import type {
  ActionIndex,
  ActionOptions,
  ClusterOptions,
  CoSetLink,
  TemplateOptions,
} from './cluster/index.ts';
import { nullModelTest } from './null-model/index.ts';
import type { NullModelOptions, NullModelResult } from './null-model/index.ts';
import { scoreCluster } from './score/index.ts';
import type { ScoreParams, ScoredCluster } from './score/index.ts';
import {
  computeAccountSignals,
  creationBursts,
  personaGroups,
  personaGroupSignal,
} from './signals/index.ts';
import type { PersonaAccount, SignalResult } from './signals/index.ts';
import { splitKey } from './keys.ts';
import { matchNarratives, narrativesForPosts } from './narratives/index.ts';
import type { CompiledNarratives, NarrativeMatch } from './narratives/index.ts';
import type { ClusterNarratives } from './score/index.ts';
import type { AccountSighting, AccountSignals, SignalParams } from './signals/index.ts';

/**
 * The one pure entry point of the detection engine: posts and accounts in, co-action
 * edges, scored and explained clusters and account signals out. No clock (pass `now`),
 * no randomness but the seeded kind: the same input and params give the same output.
 */

export interface AnalyzeInput {
  posts: readonly CorePost[];
  accounts: ReadonlyMap<string, CanonicalAccount> | Readonly<Record<string, CanonicalAccount>>;
  /** earlier profile snapshots per account (A5) */
  sightings?:
    | ReadonlyMap<string, readonly AccountSighting[]>
    | Readonly<Record<string, readonly AccountSighting[]>>;
  /** confirmed accounts from earlier reviews: their presence raises a cluster's score */
  watchlist?: Iterable<string>;
  /** compiled narrative lexicons (N1); without them the narrative part is left out */
  narratives?: CompiledNarratives;
  /** epoch seconds: the reference time of the analysis */
  now: number;
  /**
   * Caches a caller may keep across analyses of overlapping posts (a live window re-run as
   * posts land): text keys and narrative matches by text. They change no result; the
   * caller bounds their size.
   */
  memo?: AnalyzeMemo;
}

export interface AnalyzeMemo {
  textKeys?: Map<string, string>;
  narratives?: Map<string, NarrativeMatch[]>;
}

export interface AnalyzeParams {
  detectorVersion: string;
  /** drop repeated captures of one action (same account, second and text) before anything else */
  dedupe: boolean;
  /** options handed to the edge builder (kinds, window Δ, min weight…); window defaults to 60 s */
  edges: EdgeOptions;
  actions: ActionOptions;
  cluster: ClusterOptions;
  nullModel: Omit<NullModelOptions, 'window'>;
  /** the score's Δ is the edges' window */
  score: Omit<ScoreParams, 'window'>;
  /**
   * C6 synchrony for batch scans: the scan calls `synchronyEdges(posts, params.synchrony)` over its
   * days of posts and passes those edges to analyzeEdges with the rest; analyze() itself never does
   */
  synchrony?: SynchronyParams;
  /** template texts (share buttons) weigh as popular objects (cluster/templates.ts); null: off */
  templates?: TemplateOptions | null;
  /** account-signal thresholds; null skips the signals */
  signals: SignalParams | null;
  /** compute account signals for every account, or only for cluster members (cheaper) */
  signalsFor: 'all' | 'clusters';
  /** a cluster at or above this total is flagged (alerts, eval) */
  flagThreshold: number;
  /**
   * members of a flagged cluster are flagged only when at least this share of their own
   * activity is the group's shared work: a bystander Louvain attached by one co-repost is not
   */
  flagMinCohesion: number;
}

export interface AnalyzeStats {
  posts: number;
  /** after dropping repeated captures */
  uniquePosts: number;
  accounts: number;
  edges: number;
  edgesByKind: Partial<Record<EdgeKind, number>>;
  coSetLinks: number;
  /** template text objects found (weighed as popular) */
  templates: number;
  graphNodes: number;
  graphEdges: number;
  clusters: number;
  flaggedClusters: number;
  flaggedAccounts: number;
}

export interface AnalyzeResult {
  detectorVersion: string;
  edges: Edge[];
  /** highest score first */
  clusters: ScoredCluster[];
  /** account id → signals (members only unless signalsFor is 'all') */
  accountSignals: Map<string, AccountSignals>;
  /** members of flagged clusters (see flagMinCohesion), sorted */
  flagged: string[];
  stats: AnalyzeStats;
}

function toMap<T>(
  x: ReadonlyMap<string, T> | Readonly<Record<string, T>> | undefined,
): ReadonlyMap<string, T> {
  if (!x) return new Map();
  if (x instanceof Map) return x;
  return new Map(Object.entries(x as Record<string, T>));
}

/**
 * The whole engine: drop repeated captures, build the co-action edges, find and score the
 * clusters. Deterministic for the same input and params.
 */
export function analyze(input: AnalyzeInput, params: AnalyzeParams): AnalyzeResult {
  const prepared = prepareAnalysis(input, params);
  return analyzePrepared(input, prepared, buildEdges(prepared.posts, params.edges), params);
}

/**
 * Everything after edge building, for callers that already hold the window's edges (a scan
 * that loads stored edges). Edges whose evidence names posts not in `input.posts` still
 * join accounts; they only lose those evidence texts.
 */
export function analyzeEdges(
  input: AnalyzeInput,
  edges: readonly Edge[],
  params: AnalyzeParams,
): AnalyzeResult {
  return analyzePrepared(input, prepareAnalysis(input, params), edges, params);
}

/**
 * The edges analyze() builds for these posts, alone: with prepareAnalysis and analyzePrepared
 * a caller can build them on another thread while the rest is prepared, for the same result.
 */
export function analysisEdges(
  posts: readonly CorePost[],
  params: AnalyzeParams,
  memo?: AnalyzeMemo,
): Edge[] {
  return buildEdges(
    canonicalOrder(posts, params.dedupe, memoTextKey(memo?.textKeys)),
    params.edges,
  );
}

/** The posts in canonical order (repeated captures dropped) and their action index. */
export interface PreparedAnalysis {
  posts: CorePost[];
  index: ActionIndex;
  /**
   * The parts of the analysis that need the index but not the edges (template texts, co-set
   * links), when computed ahead by prepareClusterInputs (a scan does while its edges are built
   * on another thread); analyzePrepared computes them itself otherwise, to the same values.
   */
  ahead?: { templates: Set<string> | undefined; links: CoSetLink[] };
}

/** The template texts and co-set links of a prepared analysis, computed ahead of its edges. */
export function prepareClusterInputs(
  prepared: PreparedAnalysis,
  params: AnalyzeParams,
): PreparedAnalysis {
  const window = params.edges.window ?? 60;
  const templates = params.templates
    ? templateObjects(prepared.index, window, params.templates)
    : undefined;
  return {
    ...prepared,
    ahead: { templates, links: clusterLinks(prepared.index, params.cluster, templates) },
  };
}

export function prepareAnalysis(input: AnalyzeInput, params: AnalyzeParams): PreparedAnalysis {
  const keyOf = memoTextKey(input.memo?.textKeys);
  const posts = canonicalOrder(input.posts, params.dedupe, keyOf);
  return {
    posts,
    index: buildActionIndex(posts, {
      ...params.actions,
      normalizeUrl: (u) => normaliseUrl(u) ?? u,
      textKey: keyOf,
    }),
  };
}

/** Time order (ties by key), so the result does not depend on the order posts arrive in. */
function canonicalOrder(
  posts: readonly CorePost[],
  dedupe: boolean,
  keyOf: (text: string) => string,
): CorePost[] {
  const sorted = [...posts].sort(byTimeThenKey);
  return dedupe ? dedupePosts(sorted, keyOf) : sorted;
}

/**
 * A7 over the accounts of one analysis: persona groups need accounts of more than one platform
 * (keys `platform:id`); with one platform in play there is nothing to link and no cost.
 */
function personaOf(
  accounts: ReadonlyMap<string, CanonicalAccount>,
  posts: readonly CorePost[],
): ((key: string) => SignalResult) | undefined {
  const platforms = new Set<string>();
  for (const k of accounts.keys()) {
    platforms.add(splitKey(k).platform);
    if (platforms.size > 1) break;
  }
  if (platforms.size < 2) return undefined;
  const list: PersonaAccount[] = [...accounts].map(([key, account]) => ({
    key,
    platform: splitKey(key).platform,
    account,
  }));
  const groups = personaGroups(list, posts);
  return (key) => personaGroupSignal(key, groups) as SignalResult;
}

/** Clusters, scores and explanations over prepared posts and their edges. */
export function analyzePrepared(
  input: AnalyzeInput,
  prepared: PreparedAnalysis,
  edgeList: readonly Edge[],
  params: AnalyzeParams,
): AnalyzeResult {
  const { posts, index } = prepared;
  const edges = [...edgeList];
  const window = params.edges.window ?? 60;
  const ahead = prepared.ahead;
  const templates = ahead
    ? ahead.templates
    : params.templates
      ? templateObjects(index, window, params.templates)
      : undefined;
  const { clusters, links, graph } = findClusters(
    edges,
    index,
    params.cluster,
    templates,
    ahead?.links,
  );

  const accounts = toMap(input.accounts);
  const sightings = toMap(input.sightings);
  const accountSignals = new Map<string, AccountSignals>();
  if (params.signals) {
    const wanted =
      params.signalsFor === 'all'
        ? [...index.postsByAccount.keys()].sort()
        : [...new Set(clusters.flatMap((c) => c.members))].sort();
    const known = wanted.map((id) => accounts.get(id)).filter((a): a is CanonicalAccount => !!a);
    const bursts = creationBursts(known, params.signals.a1);
    const span = posts.length
      ? { start: posts[0].t, end: posts[posts.length - 1].t + 1 }
      : undefined;
    const persona = personaOf(accounts, posts);
    for (const id of wanted) {
      const account = accounts.get(id) ?? emptyAccount(id);
      accountSignals.set(
        id,
        computeAccountSignals(
          {
            account,
            posts: index.postsByAccount.get(id) ?? [],
            sightings: sightings.get(id),
            now: input.now,
            window: span,
            bursts,
            persona: persona?.(id),
          },
          params.signals,
        ),
      );
    }
  }
  const suspicion = params.signals
    ? new Map([...accountSignals].map(([id, s]) => [id, s.suspicion]))
    : undefined;
  const watchlist = input.watchlist ? new Set(input.watchlist) : undefined;
  const nullOpts: NullModelOptions = { ...params.nullModel, window };
  const scoreParams: ScoreParams = { ...params.score, window };

  const memo = input.memo?.narratives ?? new Map<string, NarrativeMatch[]>();
  const memoLimit = input.memo?.narratives ? Infinity : NARRATIVE_MEMO_LIMIT;
  const scored = clusters.map((c) => {
    const nm: NullModelResult = nullModelTest(c.members, index, nullOpts);
    const narratives = input.narratives
      ? clusterNarratives(c.members, index.postsByAccount, input.narratives, memo, memoLimit)
      : undefined;
    return scoreCluster(
      c,
      { index, nullModel: nm, suspicion, narratives, watchlist, templates },
      scoreParams,
    );
  });
  scored.sort((a, b) => b.score.total - a.score.total || b.size - a.size || (a.id < b.id ? -1 : 1));

  const flaggedClusters = scored.filter((c) => c.score.total >= params.flagThreshold);
  const flagged = [
    ...new Set(
      flaggedClusters.flatMap((c) =>
        c.memberDetails.filter((m) => m.cohesion >= params.flagMinCohesion).map((m) => m.account),
      ),
    ),
  ].sort();
  const edgesByKind: Partial<Record<EdgeKind, number>> = {};
  for (const e of edges) edgesByKind[e.kind] = (edgesByKind[e.kind] ?? 0) + 1;

  return {
    detectorVersion: params.detectorVersion,
    edges,
    clusters: scored,
    accountSignals,
    flagged,
    stats: {
      posts: input.posts.length,
      uniquePosts: posts.length,
      accounts: index.postsByAccount.size,
      edges: edges.length,
      edgesByKind,
      coSetLinks: links.length,
      templates: templates?.size ?? 0,
      graphNodes: graph.order,
      graphEdges: graph.size,
      clusters: scored.length,
      flaggedClusters: flaggedClusters.length,
      flaggedAccounts: flagged.length,
    },
  };
}

const NARRATIVE_MEMO_LIMIT = 50_000;

function clusterNarratives(
  members: readonly string[],
  byAccount: ReadonlyMap<string, CorePost[]>,
  compiled: CompiledNarratives,
  memo: Map<string, NarrativeMatch[]>,
  memoLimit: number,
): ClusterNarratives {
  let total = 0;
  // Posts that match nothing only count in the shares' denominators: the summaries get the
  // matching posts and the number of the others, so each text is matched once here.
  const matched: CorePost[] = [];
  for (const a of members) {
    const list = byAccount.get(a);
    if (list === undefined) continue;
    for (const p of list) {
      total++;
      let m = memo.get(p.text);
      if (!m) {
        m = matchNarratives(p.text, compiled);
        if (memo.size < memoLimit) memo.set(p.text, m);
      }
      if (m.length) matched.push(p);
    }
  }
  return {
    share: total ? matched.length / total : 0,
    summaries: narrativesForPosts(matched, compiled, memo, total - matched.length),
  };
}

function emptyAccount(id: string): CanonicalAccount {
  return {
    id,
    handle: null,
    display_name: null,
    bio: null,
    created_at: null,
    followers: null,
    following: null,
    location: null,
    avatar_hash: null,
  };
}
