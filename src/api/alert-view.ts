import type { Db } from '../db/connection.ts';
import { alertRepository } from '../db/alert-repository.ts';
import type { AlertDetail } from '../db/alert-repository.ts';
import { reviewRepository } from '../db/review-repository.ts';
import type { GraphData, MemberView, TimelinePoint } from '../db/review-repository.ts';
import type { AlertEvidence } from '../db/schema/index.ts';

export interface EvidencePostView {
  key: string;
  account: string;
  handle: string | null;
  posted_at: Date;
  text: string;
  urls: string[];
  hashtags: string[];
  repost_of: string | null;
}

export type EvidenceView = AlertEvidence & { posts: EvidencePostView[] };

export interface AlertView {
  alert: AlertDetail['alert'];
  members: MemberView[];
  evidence: EvidenceView[];
  events: AlertDetail['events'];
  clusters: AlertDetail['clusters'];
  timeline: TimelinePoint[];
}

/** Evidence posts looked up per alert: enough to read, never the whole cluster's output. */
const EVIDENCE_POST_CAP = 300;

/** Everything a reviewer sees of one alert, in one shape for the API, the console and exports. */
export async function loadAlertView(db: Db, id: number): Promise<AlertView | null> {
  const detail = await alertRepository(db.kysely).get(id);
  if (!detail) return null;
  const review = reviewRepository(db.kysely);
  const [members, timeline] = await Promise.all([
    review.members(id),
    review.timeline(id, detail.alert.first_seen_at, detail.alert.last_seen_at),
  ]);
  const keys = [...new Set(detail.evidence.flatMap((e) => e.post_ids))].slice(0, EVIDENCE_POST_CAP);
  const posts = await review.postsByKey(keys);
  const evidence = detail.evidence.map((e) => ({
    ...e,
    posts: e.post_ids
      .map((k) => posts.get(k))
      .filter((p) => p !== undefined)
      .map((p) => ({
        key: `${p.platform}:${p.post_id}`,
        account: `${p.platform}:${p.account_id}`,
        handle: p.handle,
        posted_at: p.posted_at,
        text: p.text,
        urls: p.urls,
        hashtags: p.hashtags,
        repost_of: p.repost_of,
      })),
  }));
  return { alert: detail.alert, members, evidence, events: detail.events, clusters: detail.clusters, timeline };
}

export async function loadGraph(db: Db, view: Pick<AlertView, 'alert'>): Promise<GraphData> {
  return reviewRepository(db.kysely).graph(view.alert.id);
}
