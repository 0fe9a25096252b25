import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The file-only commands (networks, eval, simulate) and main.ts run on cli/run.ts, which must not
 * pull in a service client: loading config (zod), pg, PGlite, Kysely, ioredis and pino cost ~50 MB
 * of RSS on every `coordwatch networks` run (2.5 M posts peaked at 501 MB with them, 464 MB
 * without). This walks the static imports (not `import()`) from each entry and lists the packages
 * reached.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const HEAVY = [
  'pg',
  'ioredis',
  'bullmq',
  'zod',
  'kysely',
  'pino',
  '@electric-sql/pglite',
  'fastify',
];

function staticGraph(entry: string): { files: Set<string>; pkgs: Set<string> } {
  const seen = new Set<string>();
  const pkgs = new Set<string>();
  const todo = [path.resolve(ROOT, entry)];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(re)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec));
      else if (!spec.startsWith('node:'))
        pkgs.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!,
        );
    }
  }
  return { files: seen, pkgs };
}
const staticPackages = (entry: string) => staticGraph(entry).pkgs;

describe('the light CLI runner', () => {
  it('finds a package when one is imported (the walk can fail)', () => {
    expect([...staticPackages('src/cli/context.ts')]).toEqual(
      expect.arrayContaining(['zod', 'pino']),
    );
    expect([...staticPackages('src/db/connection.ts')]).toEqual(
      expect.arrayContaining(['pg', 'kysely']),
    );
  });

  for (const entry of ['src/cli/run.ts', 'src/cli/main.ts', 'src/cli/commands/networks.ts']) {
    it(`${entry} loads no service client`, () => {
      const heavy = [...staticPackages(entry)].filter((p) => HEAVY.includes(p));
      expect(heavy).toEqual([]);
    });
  }

  // the producer writes chunks to the queue; detection runs in the workers (or, embedded, is
  // imported when its windows run): ~100 modules it must not load before reading a byte
  it('coordwatch ingest loads no detection engine', () => {
    const rel = (f: string) => path.relative(ROOT, f);
    const engine = [...staticGraph('src/cli/commands/ingest.ts').files]
      .map(rel)
      .filter((f) => f.startsWith('src/detect/') || f.startsWith('src/core/cluster/'));
    expect(engine).toEqual([]);
    expect([...staticGraph('src/app/index.ts').files].map(rel)).toContain('src/detect/engine.ts');
  });
});
