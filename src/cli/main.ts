import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';
import { EXIT, setVerbosity } from './run.ts';

const program = new Command();
program
  .name('coordwatch')
  .description(
    'Election-influence disinformation monitor: detect, explain and review coordinated networks',
  )
  .version('0.1.0')
  .option(
    '-v, --verbose',
    'log progress at info (-vv: debug); commands otherwise log only warnings',
    (_v: string, n: number) => n + 1,
    0,
  )
  .option('-q, --quiet', 'log errors only')
  .hook('preAction', (root, action) => {
    const o = root.opts<{ verbose?: number; quiet?: boolean }>();
    setVerbosity({ verbose: o.verbose ?? 0, quiet: Boolean(o.quiet), command: action.name() });
  })
  // a usage error (missing argument or required option, unknown option) exits 2 like every
  // other bad option, as the help texts say; help and --version keep commander's own code
  .exitOverride((err) => {
    const own =
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.help' ||
      err.code === 'commander.version';
    process.exit(own ? err.exitCode : EXIT.input);
  });
registerCommands(program, process.argv.slice(2))
  .then(() => program.parseAsync(process.argv))
  .catch((err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`coordwatch: ${msg}\n`);
    process.exitCode = process.exitCode || 1;
  });
