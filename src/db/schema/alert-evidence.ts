import type { Generated, Selectable } from 'kysely';

export const tableName = 'alert_evidence';

export type EvidenceKind = 'text' | 'link' | 'hashtag' | 'repost';

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
