import type { PartialDB as Accounts } from './accounts.ts';
import type { PartialDB as AccountSightings } from './account-sightings.ts';
import type { PartialDB as IngestBatches } from './ingest-batches.ts';
import type { PartialDB as IngestChunks } from './ingest-chunks.ts';
import type { PartialDB as Posts } from './posts.ts';
import type { PartialDB as RejectedRecords } from './rejected-records.ts';
import type { PartialDB as AlertEvents } from './alert-events.ts';
import type { PartialDB as AlertEvidenceT } from './alert-evidence.ts';
import type { PartialDB as AlertMembers } from './alert-members.ts';
import type { PartialDB as AlertEdges } from './alert-edges.ts';
import type { PartialDB as PairMemory } from './pair-memory.ts';
import type { PartialDB as Alerts } from './alerts.ts';
import type { PartialDB as Clusters } from './clusters.ts';
import type { PartialDB as CoordinationEdges } from './coordination-edges.ts';
import type { PartialDB as ScanRuns } from './scan-runs.ts';
import type { PartialDB as Suppressions } from './suppressions.ts';
import type { PartialDB as Watchlist } from './watchlist.ts';
import type { PartialDB as ApiKeys } from './api-keys.ts';
import type { PartialDB as AlertMemberDecisions } from './alert-member-decisions.ts';
import type { PartialDB as ConsoleSessions } from './console-sessions.ts';
import type { PartialDB as Shadow } from './shadow-tables.ts';

export type Database = Accounts &
  AccountSightings &
  IngestBatches &
  IngestChunks &
  Posts &
  RejectedRecords &
  AlertEvents &
  AlertEvidenceT &
  AlertMembers &
  AlertEdges &
  PairMemory &
  Alerts &
  Clusters &
  CoordinationEdges &
  ScanRuns &
  Suppressions &
  Watchlist &
  ApiKeys &
  AlertMemberDecisions &
  ConsoleSessions &
  Shadow;

export type { Account } from './accounts.ts';
export type { AccountSighting } from './account-sightings.ts';
export type { IngestBatch } from './ingest-batches.ts';
export type { IngestChunk } from './ingest-chunks.ts';
export type { Post } from './posts.ts';
export type { RejectedRecord } from './rejected-records.ts';
export type { AlertEvent, AlertAction } from './alert-events.ts';
export type { AlertEvidence, EvidenceKind } from './alert-evidence.ts';
export type { AlertMember, MemberRole } from './alert-members.ts';
export type { AlertEdgeRow } from './alert-edges.ts';
export type { Alert, AlertStatus } from './alerts.ts';
export { ALERT_STATUSES } from './alerts.ts';
export type { ClusterRow, ClusterOutcome } from './clusters.ts';
export type { CoordinationEdge } from './coordination-edges.ts';
export type { ScanRun, ScanKind, ScanStatus } from './scan-runs.ts';
export type { Suppression } from './suppressions.ts';
export type { WatchlistEntry } from './watchlist.ts';
export type { ApiKey, ApiRole } from './api-keys.ts';
export { API_ROLES } from './api-keys.ts';
export type { AlertMemberDecision, MemberDecisionValue } from './alert-member-decisions.ts';
export { MEMBER_DECISIONS } from './alert-member-decisions.ts';
export type { ConsoleSession } from './console-sessions.ts';
