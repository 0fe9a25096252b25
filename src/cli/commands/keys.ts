import type { Command } from 'commander';
import { ApiKeyError, apiKeyRepository } from '../../db/api-key-repository.ts';
import { API_ROLES } from '../../db/schema/index.ts';
import type { ApiRole } from '../../db/schema/index.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';
import { safe, table } from '../format.ts';

const iso = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '');

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('API keys for the HTTP API and the review console (stored hashed)');

  keys
    .command('create')
    .description('create a key; it is printed once and never stored in the clear')
    .requiredOption('--role <role>', `one of ${API_ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses it (shown in the audit log)')
    .option('--json', 'JSON output')
    .action((flags: { role: string; name: string; json?: boolean }) =>
      runCommand(async () => {
        if (!API_ROLES.includes(flags.role as ApiRole)) throw new UsageError(`--role: one of ${API_ROLES.join(', ')}, not "${flags.role}"`);
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const { key, info } = await apiKeyRepository(db.kysely).create({ name: flags.name, role: flags.role as ApiRole, createdBy: 'cli' });
          if (flags.json) return void process.stdout.write(JSON.stringify({ ...info, key }, null, 2) + '\n');
          process.stdout.write(`key ${info.id}  ${info.name}  ${info.role}\n${key}\n(shown once: store it now)\n`);
        } catch (err) {
          if (err instanceof ApiKeyError) throw new UsageError(err.message);
          throw err;
        } finally {
          await db.close();
        }
      }),
    );

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--all', 'include revoked keys')
    .option('--json', 'JSON output')
    .action((flags: { all?: boolean; json?: boolean }) =>
      runCommand(async () => {
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const rows = await apiKeyRepository(db.kysely).list({ includeRevoked: flags.all });
          if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          if (rows.length === 0) return void process.stdout.write('no keys: coordwatch keys create --role analyst --name you\n');
          process.stdout.write(
            table([
              ['id', 'name', 'role', 'prefix', 'created', 'last used', 'revoked'],
              ...rows.map((k) => [k.id, safe(k.name, 40), k.role, k.key_prefix + '…', iso(k.created_at), iso(k.last_used_at), iso(k.revoked_at)]),
            ]) + '\n',
          );
        } finally {
          await db.close();
        }
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key by id or name; requests with it fail from now on')
    .argument('<key>', 'key id or name')
    .action((idOrName: string) =>
      runCommand(async () => {
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const r = await apiKeyRepository(db.kysely).revoke(idOrName);
          if (!r) {
            process.stderr.write(`coordwatch: no live key "${idOrName}"\n`);
            return EXIT.input;
          }
          process.stdout.write(`revoked key ${r.id} (${r.name}, ${r.role})\n`);
        } finally {
          await db.close();
        }
      }),
    );
}
