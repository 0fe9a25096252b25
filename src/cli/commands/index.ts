import type { Command } from 'commander';
import { registerAlertsCommands } from './alerts.ts';
import { registerBatchesCommand } from './batches.ts';
import { registerCalibrateCommand } from './calibrate.ts';
import { registerDemoCommand } from './demo.ts';
import { registerEvalCommand } from './eval.ts';
import { registerIngestCommand } from './ingest.ts';
import { registerJobsCommand } from './jobs.ts';
import { registerKeysCommand } from './keys.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerNetworksCommand } from './networks.ts';
import { registerRetentionCommand } from './retention.ts';
import { registerScanCommand } from './scan.ts';
import { registerServeCommand } from './serve.ts';
import { registerShadowCommand } from './shadow.ts';
import { registerSimulateCommand } from './simulate.ts';
import { registerStreamCommand } from './stream.ts';
import { registerWorkerCommand } from './worker.ts';

export function registerCommands(program: Command): void {
  registerIngestCommand(program);
  registerBatchesCommand(program);
  registerMigrateCommand(program);
  registerWorkerCommand(program);
  registerNetworksCommand(program);
  registerSimulateCommand(program);
  registerEvalCommand(program);
  registerCalibrateCommand(program);
  registerScanCommand(program);
  registerAlertsCommands(program);
  registerJobsCommand(program);
  registerServeCommand(program);
  registerKeysCommand(program);
  registerDemoCommand(program);
  registerShadowCommand(program);
  registerStreamCommand(program);
  registerRetentionCommand(program);
}
