import type { Groups } from './groups.ts';
import type { PreparedPosts } from './prepare.ts';
import { EvidenceLog, PairTable } from './pair-table.ts';
import { admissibleGap, timingWeight, type SignificanceOptions } from './significance.ts';

/**
 * coordwatch's own co-action semantics (default mode), on objects grouped by groups.ts:
 *
 * - Accounts A ≠ B co-act on object o when A and B each have a post on o with |Δt| ≤ window.
 * - weight(A, B) = the number of DISTINCT objects they co-acted on. Posting the same thing twenty
 *   times in the same minute is one co-action, not twenty; what makes a ring is repetition across
 *   different objects.
 * - strength(A, B) = Σ over those objects of rarity(n_o), n_o = distinct accounts that acted on o
 *   anywhere in the input (see `rarityResourceAllocation`).
 * - evidence: the first co-action found on each object, up to the cap; `dt` is the closest pair
 *   of posts seen for it.
 *
 * Cost: each post is compared with the most recent post of each other account that acted on
 * the same object within Δ (an LRU list per object), at most `maxPartners` of them. Total work is
 * O(entries × min(maxPartners, accounts active on the object within Δ)) — linear in the posts,
 * never all pairs. For objects with more than `maxPartners` co-actors inside one window only
 * the most recent are paired; such objects carry at most 1/maxPartners strength per pair.
 */
export interface CoActionParams {
  window: number;
  maxPartners: number;
  evidenceCap: number;
  rarity: (nAccounts: number) => number;
  /** co-actions beyond Δ on rare objects, weighted by their improbability (significance.ts) */
  significance?: SignificanceOptions | null;
}

export interface Accumulated {
  table: PairTable;
  evidence: EvidenceLog;
}

/** Scratch arrays indexed by account id, reused across groups (reset lazily through stamps). */
class AccountScratch {
  readonly stamp: Int32Array;
  readonly lruStamp: Int32Array;
  readonly time: Float64Array;
  readonly rank: Int32Array;
  readonly prev: Int32Array;
  readonly next: Int32Array;
  constructor(n: number) {
    this.stamp = new Int32Array(n).fill(-1);
    this.lruStamp = new Int32Array(n).fill(-1);
    this.time = new Float64Array(n);
    this.rank = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
  }
}

function record(
  table: PairTable,
  evidence: EvidenceLog,
  evidenceCap: number,
  accA: number,
  rankA: number,
  accB: number,
  rankB: number,
  obj: number,
  weight: number,
): void {
  const lo = accA < accB ? accA : accB;
  const hi = accA < accB ? accB : accA;
  const s = table.slot(lo, hi);
  if (table.lastObj[s] === obj) return;
  table.lastObj[s] = obj;
  table.w1[s]++;
  table.strength[s] += weight;
  if (table.evCount[s] < evidenceCap) {
    table.evCount[s]++;
    if (lo === accA) evidence.push(s, rankA, rankB, obj);
    else evidence.push(s, rankB, rankA, obj);
  }
}

/**
 * Accumulates co-actions over all groups. With `nearSame`, a pair of posts must also pass it
 * (co_reply: replies to the same post must be near-same text); then each post is compared with
 * up to `maxPartners` earlier posts in the window rather than one post per account.
 */
export function accumulateCoActions(
  prep: PreparedPosts,
  groups: Groups,
  params: CoActionParams,
  nearSame?: (rankA: number, rankB: number) => boolean,
  into?: Accumulated,
): Accumulated {
  const table = into?.table ?? new PairTable();
  const evidence = into?.evidence ?? new EvidenceLog();
  const { start, ranks } = groups;
  const { t, acc } = prep;
  const W = params.window;
  const K = params.maxPartners;
  const cap = params.evidenceCap;
  const sc = new AccountScratch(prep.accounts.length);
  const sig = params.significance ?? null;
  const span = prep.n > 1 ? t[prep.n - 1] - t[0] : 0;
  const beyond = sig ? new BeyondScratch(prep.accounts.length) : null;

  for (let o = 0; o < groups.nObjects; o++) {
    const from = start[o];
    const to = start[o + 1];
    if (to - from < 2) continue;
    let nAcc = 0;
    for (let i = from; i < to; i++) {
      const a = acc[ranks[i]];
      if (sc.stamp[a] !== o) {
        sc.stamp[a] = o;
        nAcc++;
      }
    }
    if (nAcc < 2) continue;
    const w = params.rarity(nAcc);

    if (nearSame) {
      for (let i = from + 1; i < to; i++) {
        const ri = ranks[i];
        const ai = acc[ri];
        const ti = t[ri];
        let steps = 0;
        for (let j = i - 1; j >= from && steps < K; j--) {
          const rj = ranks[j];
          if (ti - t[rj] > W) break;
          const aj = acc[rj];
          if (aj === ai) continue;
          steps++;
          if (nearSame(ri, rj)) record(table, evidence, cap, ai, ri, aj, rj, o, w);
        }
      }
      continue;
    }

    // LRU of accounts on this object, most recent first.
    let head = -1;
    for (let i = from; i < to; i++) {
      const ri = ranks[i];
      const ai = acc[ri];
      const ti = t[ri];
      let steps = 0;
      for (let node = head; node !== -1 && steps < K; node = sc.next[node]) {
        if (ti - sc.time[node] > W) break;
        if (node === ai) continue;
        steps++;
        record(table, evidence, cap, ai, ri, node, sc.rank[node], o, w);
      }
      // move ai to the front
      if (sc.lruStamp[ai] === o) {
        if (head !== ai) {
          const p = sc.prev[ai];
          const nx = sc.next[ai];
          sc.next[p] = nx;
          if (nx !== -1) sc.prev[nx] = p;
          sc.prev[head] = ai;
          sc.next[ai] = head;
          sc.prev[ai] = -1;
          head = ai;
        }
      } else {
        sc.lruStamp[ai] = o;
        sc.next[ai] = head;
        sc.prev[ai] = -1;
        if (head !== -1) sc.prev[head] = ai;
        head = ai;
      }
      sc.time[ai] = ti;
      sc.rank[ai] = ri;
    }
    if (beyond) {
      const reach = admissibleGap(nAcc, span, sig!);
      if (reach > W) beyond.pairs(prep, ranks, from, to, W, reach, (ai, ri, aj, rj, g) => record(table, evidence, cap, ai, ri, aj, rj, o, w * timingWeight(g, W, span)));
    }
  }
  return { table, evidence };
}

/**
 * The closest pair of posts of each two accounts on one small object whose gap lies in
 * (window, reach]: pairs within Δ were credited by the main pass (record() counts an object once
 * per pair, so the order does not matter for weights). Objects here have ≤ maxSharers accounts:
 * O(posts × accounts) per object.
 */
class BeyondScratch {
  private readonly slotOf: Int32Array;
  private accs: number[] = [];
  private lastT: number[] = [];
  private lastR: number[] = [];
  constructor(nAccounts: number) {
    this.slotOf = new Int32Array(nAccounts).fill(-1);
  }

  pairs(
    prep: PreparedPosts,
    ranks: Int32Array,
    from: number,
    to: number,
    window: number,
    reach: number,
    visit: (accA: number, rankA: number, accB: number, rankB: number, gap: number) => void,
  ): void {
    const { t, acc } = prep;
    const accs = this.accs;
    accs.length = 0;
    this.lastT.length = 0;
    this.lastR.length = 0;
    // closest gap per pair, by local pair index i·k + j
    const best = new Map<number, [number, number, number]>();
    for (let i = from; i < to; i++) {
      const r = ranks[i];
      const a = acc[r];
      let s = this.slotOf[a];
      if (s < 0) {
        s = accs.length;
        this.slotOf[a] = s;
        accs.push(a);
        this.lastT.push(-Infinity);
        this.lastR.push(-1);
      }
      for (let o = 0; o < accs.length; o++) {
        if (o === s || this.lastR[o] < 0) continue;
        const g = t[r] - this.lastT[o];
        const key = o < s ? o * 4096 + s : s * 4096 + o;
        const prev = best.get(key);
        if (!prev || g < prev[0]) best.set(key, [g, r, this.lastR[o]]);
      }
      this.lastT[s] = t[r];
      this.lastR[s] = r;
    }
    for (const a of accs) this.slotOf[a] = -1;
    for (const [g, ra, rb] of [...best.values()].sort((x, y) => x[1] - y[1] || x[2] - y[2])) {
      if (g > window && g <= reach) visit(acc[ra], ra, acc[rb], rb, g);
    }
  }
}
