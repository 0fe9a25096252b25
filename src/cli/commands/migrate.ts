import type { Command } from 'commander';
import { migrateToLatest, openDb } from '../../db/connection.ts';
import { cliContext, runCommand } from '../context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (also done at every start)')
    .action(() =>
      runCommand(async () => {
        const { config } = cliContext();
        const db = await openDb(config);
        try {
          const r = await migrateToLatest(db.kysely);
          const applied = r.results?.filter((x) => x.status === 'Success') ?? [];
          process.stdout.write(
            applied.length
              ? applied.map((m) => `applied ${m.migrationName}`).join('\n') + '\n'
              : `schema up to date (${db.kind}: ${db.where})\n`,
          );
        } finally {
          await db.close();
        }
      }),
    );
}
