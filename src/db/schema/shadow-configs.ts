import type { ColumnType, Generated, Selectable } from 'kysely';

export const tableName = 'shadow_configs';

/** A candidate detector config of shadow mode, once per content (hash of its canonical JSON). */
export interface ShadowConfigsTable {
  hash: string;
  /** { detection: overrides, alerts: { minScore } } as the SHADOW_DETECTION file gave them */
  config: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

export type ShadowConfigRow = Selectable<ShadowConfigsTable>;
export type PartialDB = { [tableName]: ShadowConfigsTable };
