import type { Generated, Selectable } from 'kysely';

export const tableName = 'scan_runs';

export type ScanKind = 'window' | 'rolling' | 'deep' | 'manual';
export type ScanStatus = 'running' | 'completed' | 'failed' | 'skipped';

export interface ScanRunsTable {
  id: Generated<number>;
  kind: ScanKind;
  window_start: Date;
  window_end: Date;
  params: Generated<unknown>;
  stats: unknown | null;
  status: Generated<ScanStatus>;
  error: string | null;
  job_id: string | null;
  detector_version: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export type ScanRun = Selectable<ScanRunsTable>;
export type PartialDB = { [tableName]: ScanRunsTable };
