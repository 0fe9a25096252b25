import type { Command } from 'commander';

/**
 * Every command's module, by the top-level command names it registers. Each module imports
 * what its command needs (the app, the database, natural, fastify…), so the CLI loads only
 * the module of the command it was given: `coordwatch networks` starts without the rest (it
 * was ~3.5 s of CPU and ~150 MB before the first byte read). Help, an unknown command or no
 * command loads them all, so `--help` lists every one and commander reports the unknown.
 */
const MODULES: ReadonlyArray<{
  names: readonly string[];
  load: () => Promise<(program: Command) => void>;
}> = [
  { names: ['ingest'], load: async () => (await import('./ingest.ts')).registerIngestCommand },
  { names: ['batches'], load: async () => (await import('./batches.ts')).registerBatchesCommand },
  { names: ['migrate'], load: async () => (await import('./migrate.ts')).registerMigrateCommand },
  { names: ['worker'], load: async () => (await import('./worker.ts')).registerWorkerCommand },
  {
    names: ['networks'],
    load: async () => (await import('./networks.ts')).registerNetworksCommand,
  },
  {
    names: ['simulate'],
    load: async () => (await import('./simulate.ts')).registerSimulateCommand,
  },
  { names: ['eval'], load: async () => (await import('./eval.ts')).registerEvalCommand },
  {
    names: ['calibrate'],
    load: async () => (await import('./calibrate.ts')).registerCalibrateCommand,
  },
  { names: ['scan', 'scans'], load: async () => (await import('./scan.ts')).registerScanCommand },
  {
    names: ['alerts', 'alert'],
    load: async () => (await import('./alerts.ts')).registerAlertsCommands,
  },
  { names: ['jobs'], load: async () => (await import('./jobs.ts')).registerJobsCommand },
  { names: ['serve'], load: async () => (await import('./serve.ts')).registerServeCommand },
  { names: ['keys'], load: async () => (await import('./keys.ts')).registerKeysCommand },
  { names: ['demo'], load: async () => (await import('./demo.ts')).registerDemoCommand },
  { names: ['shadow'], load: async () => (await import('./shadow.ts')).registerShadowCommand },
  { names: ['stream'], load: async () => (await import('./stream.ts')).registerStreamCommand },
  {
    names: ['retention'],
    load: async () => (await import('./retention.ts')).registerRetentionCommand,
  },
];

/** Every top-level command name the CLI has. */
export const COMMAND_NAMES: readonly string[] = MODULES.flatMap((m) => m.names);

/**
 * The command argv names: its first argument that is not an option of the root program
 * (-v/-vv/--verbose and -q/--quiet take no value), or null (none, or a help or version flag
 * before it).
 */
export function commandOf(argv: readonly string[]): string | null {
  for (const a of argv) {
    if (a === '-h' || a === '--help' || a === '-V' || a === '--version') return null;
    if (a.startsWith('-')) continue;
    return a;
  }
  return null;
}

/**
 * Register the commands on the program: only the named command's module when `args` (argv
 * after the script) names a known one, else all of them in the order the help lists them.
 */
export async function registerCommands(
  program: Command,
  args: readonly string[] = [],
): Promise<void> {
  const name = commandOf(args);
  const only = name ? MODULES.filter((m) => m.names.includes(name)) : [];
  const chosen = only.length ? only : MODULES;
  const registers = await Promise.all(chosen.map((m) => m.load()));
  for (const register of registers) register(program);
}
