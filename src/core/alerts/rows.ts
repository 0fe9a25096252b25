import type { AccountSignals } from '../signals/index.ts';
import type { MemberDetail, ScoredCluster } from '../score/types.ts';

/** The kinds of evidence rows an alert keeps (stored in alert_evidence.kind). */
export type EvidenceKind = 'text' | 'link' | 'hashtag' | 'repost';
/** A member's place in its cluster (stored in alert_members.role). */
export type MemberRole = 'hub' | 'core' | 'peripheral';

/**
 * What a scored cluster contributes to an alert, as rows: pure, so the repository only
 * writes. Evidence rows carry a key (the post pair, the url…) so the same evidence found
 * again by a later window is not stored twice.
 */

export interface EvidenceRow {
  kind: EvidenceKind;
  key: string;
  post_ids: string[];
  description: string;
  data: unknown;
}

const KIND_WORDS: Record<string, string> = {
  same_text: 'the same text',
  co_text: 'the same text',
  co_similar: 'near-same text',
  co_reply: 'near-same replies',
  co_repost: 'the same repost',
  co_link: 'the same link',
  co_hashtag_seq: 'the same hashtag sequence',
  co_media: 'the same media',
  synchrony: 'in lockstep',
};

export function evidenceRows(c: ScoredCluster): EvidenceRow[] {
  const ev = c.score.evidence;
  const rows: EvidenceRow[] = [];
  for (const t of ev.texts) {
    const ids = [t.a.post, t.b.post].sort();
    rows.push({
      kind: 'text',
      key: ids.join(' '),
      post_ids: ids,
      description: `${t.a.account} and ${t.b.account} posted ${KIND_WORDS[t.kind] ?? t.kind} ${Math.round(t.dt)} s apart`,
      data: t,
    });
  }
  for (const l of ev.links) {
    rows.push({
      kind: 'link',
      key: l.url,
      post_ids: [],
      description: `${l.members} members shared ${l.url}${l.sharers > l.members ? ` (${l.sharers} accounts in all)` : ''}`,
      data: l,
    });
  }
  for (const h of ev.hashtags) {
    rows.push({ kind: 'hashtag', key: h.tags, post_ids: [], description: `${h.members} members used ${h.tags}`, data: h });
  }
  for (const r of ev.reposts) {
    rows.push({
      kind: 'repost',
      key: r.target,
      post_ids: [r.target],
      description: `${r.members} members reposted ${r.text ? `"${clip(r.text, 100)}" (${r.target})` : r.target}${r.sharers > r.members ? `, ${r.sharers} accounts in all` : ''}`,
      data: r,
    });
  }
  return rows;
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s).replace(/\s+/g, ' ');

export function roleOf(d: MemberDetail, maxDegree: number): MemberRole {
  if (d.degree >= 2 && d.degree === maxDegree) return 'hub';
  if (d.cohesion >= 0.5) return 'core';
  return 'peripheral';
}

/** The account signals of a member, compact enough for a jsonb column. */
export function compactSignals(s: AccountSignals | undefined): unknown {
  if (!s) return null;
  const one = (r: AccountSignals['A1']) => ({ value: round(r.value), applicable: r.applicable, reason: r.reason });
  return { suspicion: round(s.suspicion), top: s.top, A1: one(s.A1), A2: one(s.A2), A3: one(s.A3), A4: one(s.A4), A5: one(s.A5), A6: one(s.A6), ...(s.A7 ? { A7: one(s.A7) } : {}) };
}

export const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Activity span of a cluster in epoch seconds (its shared actions), else the window. */
export function spanOf(c: ScoredCluster, window: { start: Date; end: Date }): { first: Date; last: Date } {
  const s = c.score.evidence.span;
  if (s) return { first: new Date(s.start * 1000), last: new Date(s.end * 1000) };
  return { first: window.start, last: window.end };
}
