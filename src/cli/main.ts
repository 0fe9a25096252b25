import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command();
program
  .name('coordwatch')
  .description('Election-influence disinformation monitor: detect, explain and review coordinated networks')
  .version('0.1.0');
registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`coordwatch: ${msg}\n`);
  process.exitCode = process.exitCode || 1;
});
