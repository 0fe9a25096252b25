import type { Severity } from '../score/types.ts';
import { SEVERITY_RANK } from './identity.ts';

/** What the alert write path tells the outside after its commit (webhooks). */
export type NoticeEvent = 'opened' | 'escalated' | 'reopened';

export interface AlertNotice {
  alertId: number;
  event: NoticeEvent;
  severity: Severity;
  score: number;
}

/** Notices worth a webhook: an endpoint is set (minSeverity not null) and the severity reaches its minimum. */
export function noticesToSend(minSeverity: Severity | null, notices: readonly AlertNotice[]): AlertNotice[] {
  if (minSeverity === null) return [];
  return notices.filter((n) => SEVERITY_RANK[n.severity]! >= SEVERITY_RANK[minSeverity]!);
}
