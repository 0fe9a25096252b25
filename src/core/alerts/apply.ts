import type { AccountSignals } from '../signals/index.ts';
import type { ScoredCluster } from '../score/types.ts';
import type { IdentityPolicy } from './identity.ts';
import type { AlertNotice } from './notices.ts';
import type { ClusterEdge } from './edges.ts';

/** What the alert write path takes and gives: one window's or scan's scored clusters in, alert changes out. */

export interface ApplyInput {
  clusters: readonly ScoredCluster[];
  accountSignals: ReadonlyMap<string, AccountSignals>;
  window: { start: Date; end: Date };
  scanRunId: number | null;
  detectorVersion: string;
  /** each cluster's own edges (by fingerprint), kept with its alert for the network picture */
  clusterEdges?: Readonly<Record<string, readonly ClusterEdge[]>>;
}

export interface ApplyResult {
  opened: number[];
  updated: number[];
  reopened: number[];
  unchanged: number;
  suppressed: number;
  belowThreshold: number;
  /** for webhooks, to send after the commit */
  notices: AlertNotice[];
}

/** Where detection hands its clusters (the alert service, injected by src/app). */
export interface AlertSink {
  applyClusters(input: ApplyInput, policy: IdentityPolicy): Promise<ApplyResult>;
}
