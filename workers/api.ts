// Entry point of the API process: `tsx workers/api.ts` (or `coordwatch serve`).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { loadConfig } = await import('../config/config.ts');
const { createLogger } = await import('../src/logger.ts');
const { startApi, untilSignal } = await import('../src/api/server.ts');

try {
  const config = loadConfig(process.env);
  const log = createLogger(config).child({ name: 'api' });
  const api = await startApi(config, log);
  await untilSignal(config, log, api.close);
} catch (err) {
  process.stderr.write(`coordwatch api: ${(err as Error).message}\n`);
  process.exitCode = (err as Error).name.endsWith('UnreachableError') ? 3 : 1;
}
