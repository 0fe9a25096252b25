// Entry point of the ingest worker process: `node --max-old-space-size=256 --import tsx
// workers/ingest.ts` (or `coordwatch worker ingest`, which applies the heap cap itself).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { loadConfig } = await import('../config/config.ts');
const { createLogger } = await import('../src/logger.ts');
const { runWorkerProcess } = await import('../src/queue/worker-process.ts');

try {
  const config = loadConfig(process.env);
  const log = createLogger(config).child({ name: 'worker' });
  await runWorkerProcess(config, log, ['ingest']);
} catch (err) {
  process.stderr.write(`coordwatch worker: ${(err as Error).message}\n`);
  process.exitCode = (err as Error).name.endsWith('UnreachableError') ? 3 : 1;
}
