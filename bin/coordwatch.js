#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so no build step stands between a
// fresh clone and a working command.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

process.env.DOTENV_CONFIG_QUIET ??= 'true';

// Streaming commands hold little live data, but V8 grows its heap lazily towards its 4 GB
// default when allocation is fast; a cap keeps their RSS bounded whatever the input size.
// Commands that analyse whole windows in memory (networks, eval, scan, worker detect/scan)
// keep the default. COORDWATCH_HEAP_MB overrides the cap (0 = none).
const [cmd, role] = process.argv.slice(2);
const capped = cmd === 'ingest' || (cmd === 'worker' && role === 'ingest');
const heapMb = Number(process.env.COORDWATCH_HEAP_MB ?? (capped ? 256 : 0));
const hasFlag =
  process.execArgv.some((a) => a.startsWith('--max-old-space-size')) ||
  /--max-old-space-size/.test(process.env.NODE_OPTIONS ?? '');

if (heapMb > 0 && !hasFlag) {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
