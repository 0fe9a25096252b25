import type { Generated, Selectable } from 'kysely';

export const tableName = 'alert_evidence';

import type { EvidenceKind } from '../../core/alerts/rows.ts';
export type { EvidenceKind };

export interface AlertEvidenceTable {
  id: Generated<number>;
  alert_id: number;
  kind: EvidenceKind;
  key: string;
  post_ids: Generated<string[]>;
  description: string;
  data: Generated<unknown>;
  created_at: Generated<Date>;
}

export type AlertEvidence = Selectable<AlertEvidenceTable>;
export type PartialDB = { [tableName]: AlertEvidenceTable };
