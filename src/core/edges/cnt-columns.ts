import type { Edge } from '../types.ts';
import { accumulateDirected, creditDirected, SideFacts } from './cnt-directed.ts';
import { GroupBuilder } from './groups.ts';
import { materialiseEdges } from './materialise.ts';
import { EvidenceLog, PairTable } from './pair-table.ts';
import type { PreparedPosts } from './prepare.ts';
import { orderByTime } from './radix.ts';
import { similarJoin, type TokenSets } from './similar-join.ts';
import { HashIds, withPartnerByRank } from './objects.ts';
import { ByteKeys } from './byte-keys.ts';

/**
 * The columnar `--compat cnt` engine behind `coordwatch networks --compat cnt`: the same counts
 * as the kinds' own builders (cnt-directed.ts, similar-join.ts) over columns instead of post
 * objects, fed one partition at a time so that input larger than memory can be spilled.
 *
 * - Posts are three columns by input index (time, interned account, original or repost); text,
 *   links and repost targets never sit in memory all at once.
 * - co_retweet, co_tweet and co_link pair posts on the same object only, so their entries are
 *   hash-partitioned by object and each partition is counted on its own into one pair table per
 *   kind. A message with several links counts once per partner however its links are spread:
 *   those messages' facts are collected over all partitions and settled at the end.
 * - co_similar_tweet pairs posts of different objects; it runs by time slabs. A slab credits the
 *   messages of its own rank range (its "core") and reads the posts within Δ either side of it,
 *   so every partner of a core message is in the slab and each message is settled in one slab.
 *
 * No evidence is kept (CNT's files have none): the edges' evidence lists are empty.
 */

export class CntColumnsBuilder {
  size = 0;
  t = new Float64Array(1 << 16);
  acc = new Int32Array(1 << 16);
  /** 1: an original post (no repost target) */
  orig = new Uint8Array(1 << 16);

  add(t: number, account: number, original: boolean): number {
    if (this.size === this.t.length) {
      const n = this.size * 2;
      const t2 = new Float64Array(n);
      t2.set(this.t);
      this.t = t2;
      const a2 = new Int32Array(n);
      a2.set(this.acc);
      this.acc = a2;
      const o2 = new Uint8Array(n);
      o2.set(this.orig);
      this.orig = o2;
    }
    const i = this.size++;
    this.t[i] = t;
    this.acc[i] = account;
    this.orig[i] = original ? 1 : 0;
    return i;
  }
}

/** PreparedPosts over columns (no post objects) plus the original flag by rank. */
export interface CntPrepared extends PreparedPosts {
  origByRank: Uint8Array;
}

/** Time order of the columns, ties by input order: as preparePosts orders post objects. */
export function prepareColumns(cols: CntColumnsBuilder, accounts: string[]): CntPrepared {
  const total = cols.size;
  const tIn = cols.t;
  let n = 0;
  let allInt = true;
  let sorted = true;
  let tMin = Infinity;
  let tMax = -Infinity;
  let prev = -Infinity;
  for (let i = 0; i < total; i++) {
    const t = tIn[i];
    if (!Number.isFinite(t)) continue;
    n++;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (t < prev) sorted = false;
    prev = t;
    if (allInt && !Number.isInteger(t)) allInt = false;
  }
  let order: Int32Array = new Int32Array(n);
  for (let i = 0, k = 0; i < total; i++) if (Number.isFinite(tIn[i])) order[k++] = i;
  if (!sorted) order = orderByTime(order, tIn, total, allInt, tMin, tMax);
  const t = new Float64Array(n);
  const acc = new Int32Array(n);
  const origByRank = new Uint8Array(n);
  const rankOf = new Int32Array(total).fill(-1);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    t[r] = tIn[i];
    acc[r] = cols.acc[i];
    origByRank[r] = cols.orig[i];
    rankOf[i] = r;
  }
  return { posts: [], n, order, rankOf, t, acc, accounts, skipped: total - n, cache: new Map(), origByRank };
}

/**
 * By rank: 1 for originals with an original by another account within ±window (as
 * objects.ts originalsWithPartner): only those can take part in a text kind.
 */
export function columnsWithPartner(prep: CntPrepared, window: number): Uint8Array {
  return withPartnerByRank(prep.n, prep.t, prep.acc, prep.accounts.length, prep.origByRank, window);
}

/** One object kind's counts, fed partition by partition. */
export class ObjectKindCounter {
  readonly table = new PairTable();
  private readonly evidence = new EvidenceLog();
  private readonly side = new SideFacts();

  constructor(
    private readonly prep: CntPrepared,
    private readonly window: number,
    /** objects per rank over the whole input (co_link: distinct links); null: one each */
    private readonly perRank: Uint8Array | null,
  ) {}

  /**
   * A partition's entries (rank, object key as UTF-8 bytes buf[start, start + len)), any order;
   * every entry of an object in one partition. Keys are told apart by their bytes, exactly.
   */
  partition(each: (add: (rank: number, buf: Uint8Array, start: number, len: number) => void) => void): void {
    const gb = new GroupBuilder(this.prep.n);
    const keys = new ByteKeys(false);
    each((rank, buf, start, len) => gb.addId(rank, keys.id(buf, start, len)));
    const groups = gb.build(keys.size);
    if (this.perRank) groups.perRank = this.perRank;
    accumulateDirected(this.prep, groups, { window: this.window, evidenceCap: 0 }, this.table, this.evidence, this.side);
  }

  edges(kind: Edge['kind'], minWeight: number): Edge[] {
    const { prep, table, evidence } = this;
    this.side.forEachDistinct((r, b, rb, o) => creditDirected(table, evidence, 0, prep.acc[r], r, b, rb, o));
    return materialiseEdges(prep, table, evidence, { kind, minWeight, compat: true, label: () => '' });
  }
}

/**
 * Slabs for co_similar_tweet: the candidate ranks (ascending) cut into `count` core ranges of
 * about equal size. Slab k's core is ranks [cut[k], cut[k+1]); it reads every candidate with a
 * time within [t(first core) − Δ, t(last core) + Δ].
 */
export function similarSlabs(prep: CntPrepared, candidates: Uint8Array, count: number): Int32Array {
  let total = 0;
  for (let r = 0; r < prep.n; r++) total += candidates[r];
  const cuts = [0];
  const per = Math.max(1, Math.ceil(total / Math.max(1, count)));
  let seen = 0;
  for (let r = 0; r < prep.n; r++) {
    if (!candidates[r]) continue;
    if (seen > 0 && seen % per === 0 && cuts[cuts.length - 1] !== r) cuts.push(r);
    seen++;
  }
  cuts.push(prep.n);
  return Int32Array.from(cuts);
}

/** The time range a slab must read: [lo, hi]. */
export function slabReach(prep: CntPrepared, from: number, to: number, window: number): [number, number] {
  if (to <= from) return [Infinity, -Infinity];
  return [prep.t[from] - window, prep.t[to - 1] + window];
}

/** co_similar_tweet's counts, fed slab by slab. */
export class SimilarCounter {
  readonly table = new PairTable();
  private readonly evidence = new EvidenceLog();

  constructor(
    private readonly prep: CntPrepared,
    private readonly window: number,
    private readonly threshold: number,
  ) {}

  /**
   * One slab: `each` gives its posts' token hashes (rank, h1, h2, m), any order; the messages
   * of ranks [coreFrom, coreTo) are credited.
   */
  slab(coreFrom: number, coreTo: number, each: (add: (rank: number, h1: Uint32Array, h2: Uint32Array, m: number) => void) => void): void {
    const prep = this.prep;
    const ids = new HashIds();
    let scratch = new Int32Array(256);
    let ranksOf: number[] = [];
    let tmp = new Int32Array(1 << 16);
    const spans: number[] = [];
    let used = 0;
    each((rank, h1, h2, m) => {
      if (m === 0) return;
      if (scratch.length < m) scratch = new Int32Array(m * 2);
      for (let k = 0; k < m; k++) scratch[k] = ids.id(h1[k], h2[k]);
      const set = scratch.subarray(0, m).sort();
      if (used + m > tmp.length) {
        const next = new Int32Array(Math.max(tmp.length * 2, used + m));
        next.set(tmp);
        tmp = next;
      }
      const from = used;
      let prev = -1;
      for (let k = 0; k < m; k++) {
        if (set[k] !== prev) tmp[used++] = set[k];
        prev = set[k];
      }
      ranksOf.push(rank);
      spans.push(from, used - from);
    });
    const items = ranksOf.length;
    if (items < 2) return;
    const idx = Int32Array.from({ length: items }, (_, i) => i);
    const rk = Int32Array.from(ranksOf);
    ranksOf = [];
    idx.sort((x, y) => rk[x] - rk[y]);
    const sets: TokenSets = { ranks: new Int32Array(items), start: new Int32Array(items + 1), vals: new Int32Array(used), nTokens: ids.size };
    for (let k = 0, at = 0; k < items; k++) {
      const i = idx[k];
      sets.ranks[k] = rk[i];
      const from = spans[2 * i];
      const len = spans[2 * i + 1];
      sets.vals.set(tmp.subarray(from, from + len), at);
      at += len;
      sets.start[k + 1] = at;
    }
    tmp = new Int32Array(0);
    const side = new SideFacts();
    const { acc } = prep;
    similarJoin(prep, sets, { window: this.window, threshold: this.threshold }, (i, j) => {
      const ri = sets.ranks[i];
      const rj = sets.ranks[j];
      if (ri >= coreFrom && ri < coreTo) side.push(ri, acc[rj], rj, -1);
      if (rj >= coreFrom && rj < coreTo) side.push(rj, acc[ri], ri, -1);
    });
    side.forEachDistinct((r, b, rb, o) => creditDirected(this.table, this.evidence, 0, acc[r], r, b, rb, o));
  }

  edges(minWeight: number): Edge[] {
    return materialiseEdges(this.prep, this.table, this.evidence, { kind: 'co_similar', minWeight, compat: true, label: () => '' });
  }
}
