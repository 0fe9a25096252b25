import type { Command } from 'commander';
import { startApi, untilSignal } from '../../api/server.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/v1, /docs) and the review console')
    .option('-p, --port <port>', 'port (default API_PORT, 8080)')
    .option('--host <host>', 'address to listen on (default API_HOST, 127.0.0.1)')
    .action((flags: { port?: string; host?: string }) =>
      runCommand(async () => {
        const port = flags.port === undefined ? undefined : Number(flags.port);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) throw new UsageError(`--port: expected 0 to 65535, got "${flags.port}"`);
        const { config, log } = cliContext();
        const api = await startApi(config, log, { port, host: flags.host });
        process.stderr.write(`coordwatch: console on ${api.url}/console/alerts, API on ${api.url}/v1, docs on ${api.url}/docs\n`);
        await untilSignal(config, log, api.close);
      }),
    );
}
