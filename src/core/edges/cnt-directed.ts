import type { Groups } from './groups.ts';
import type { PreparedPosts } from './prepare.ts';
import { EvidenceLog, PairTable } from './pair-table.ts';

/**
 * coordination-network-toolkit's weights, computed exactly (`--compat cnt`). Its SQL, for every
 * network type, is
 *
 *   select e1.user_id, e2.user_id, count(distinct e1.message_id) as weight
 *   from <rows> e1 join <rows> e2 on e1.<object> = e2.<object>
 *     and e2.timestamp between e1.timestamp - window and e1.timestamp + window
 *   group by e1.user_id, e2.user_id having weight >= min_edge_weight
 *
 * and its exports drop rows with user_1 = user_2. So the weight is DIRECTED: w(u1 → u2) counts
 * the messages of u1 that have at least one message of u2 on the same object within ±window
 * (inclusive). Every object a message carries is tried, but the message counts once per partner
 * (a tweet with two shared links is one co-link message).
 *
 * Here: per object, a symmetric sliding window [t − Δ, t + Δ] over its time-ordered messages keeps
 * the set of accounts present; each message is credited once to each other account in the set.
 * Exact, with work Σ (distinct accounts within ±Δ) over messages — the same pairs CNT's join
 * visits, without its per-pair SQL overhead. No cap: CNT has none.
 */
export interface DirectedParams {
  window: number;
  evidenceCap: number;
}

/** Facts (message rank, partner account) that need deduplication before they count. */
export class SideFacts {
  size = 0;
  private data = new Float64Array(4096);

  push(rank: number, partner: number, partnerRank: number, obj: number): void {
    if (this.size + 4 > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const i = this.size;
    this.data[i] = rank;
    this.data[i + 1] = partner;
    this.data[i + 2] = partnerRank;
    this.data[i + 3] = obj;
    this.size = i + 4;
  }

  /** Visits each distinct (rank, partner) once, with the first partner post and object seen. */
  forEachDistinct(visit: (rank: number, partner: number, partnerRank: number, obj: number) => void): void {
    const n = this.size / 4;
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const d = this.data;
    idx.sort((x, y) => d[x * 4] - d[y * 4] || d[x * 4 + 1] - d[y * 4 + 1] || x - y);
    let prevRank = -1;
    let prevPartner = -1;
    for (const i of idx) {
      const r = d[i * 4];
      const p = d[i * 4 + 1];
      if (r === prevRank && p === prevPartner) continue;
      prevRank = r;
      prevPartner = p;
      visit(r, p, d[i * 4 + 2], d[i * 4 + 3]);
    }
  }
}

/** Credits message `rank` (by account `from`) with partner account `to`. */
export function creditDirected(
  table: PairTable,
  evidence: EvidenceLog,
  evidenceCap: number,
  from: number,
  rank: number,
  to: number,
  partnerRank: number,
  obj: number,
): void {
  if (from < to) {
    const s = table.slot(from, to);
    table.w1[s]++;
    if (table.evCount[s] < evidenceCap) {
      table.evCount[s]++;
      evidence.push(s, rank, partnerRank, obj);
    }
  } else {
    // slot() may grow the table and replace its arrays: take the slot before touching a column
    const s = table.slot(to, from);
    table.w2[s]++;
  }
}

export function accumulateDirected(
  prep: PreparedPosts,
  groups: Groups,
  params: DirectedParams,
  table = new PairTable(),
  evidence = new EvidenceLog(),
  /**
   * Facts of posts with several objects, to be deduplicated by the caller (a partitioned run
   * collects them over all partitions, since a post's objects may sit in different ones);
   * when omitted they are settled here.
   */
  sideOut?: SideFacts,
): { table: PairTable; evidence: EvidenceLog } {
  const { start, ranks, perRank } = groups;
  const { t, acc } = prep;
  const W = params.window;
  const cap = params.evidenceCap;
  const nAcc = prep.accounts.length;
  const count = new Int32Array(nAcc);
  const pos = new Int32Array(nAcc);
  const lastRank = new Int32Array(nAcc);
  let present = new Int32Array(64);
  let nPresent = 0;
  const side = sideOut ?? new SideFacts();

  const add = (a: number, r: number): void => {
    if (count[a]++ === 0) {
      if (nPresent === present.length) {
        const next = new Int32Array(present.length * 2);
        next.set(present);
        present = next;
      }
      pos[a] = nPresent;
      present[nPresent++] = a;
    }
    lastRank[a] = r;
  };
  const remove = (a: number): void => {
    if (--count[a] === 0) {
      const p = pos[a];
      const last = present[--nPresent];
      present[p] = last;
      pos[last] = p;
    }
  };

  for (let o = 0; o < groups.nObjects; o++) {
    const from = start[o];
    const to = start[o + 1];
    if (to - from < 2) continue;
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      const ri = ranks[i];
      const ti = t[ri];
      while (hi < to && t[ranks[hi]] <= ti + W) {
        add(acc[ranks[hi]], ranks[hi]);
        hi++;
      }
      while (t[ranks[lo]] < ti - W) {
        remove(acc[ranks[lo]]);
        lo++;
      }
      const ai = acc[ri];
      if (nPresent < 2) continue;
      const multi = perRank[ri] > 1;
      for (let k = 0; k < nPresent; k++) {
        const b = present[k];
        if (b === ai) continue;
        if (multi) side.push(ri, b, lastRank[b], o);
        else creditDirected(table, evidence, cap, ai, ri, b, lastRank[b], o);
      }
    }
    while (lo < hi) remove(acc[ranks[lo++]]);
  }
  if (sideOut === undefined) side.forEachDistinct((r, b, rb, o) => creditDirected(table, evidence, cap, prep.acc[r], r, b, rb, o));
  return { table, evidence };
}
