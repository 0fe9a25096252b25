import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the shared sample data lives (`shared/data`, beside the checkout): the demo, the
 * tests and the benchmarks read it. COORDWATCH_SHARED_DATA overrides; otherwise the first
 * `shared/data` found walking up from the checkout.
 */
export function sharedDataDir(repoRoot: string): string {
  const env = process.env.COORDWATCH_SHARED_DATA;
  if (env) return path.resolve(env);
  let dir = path.resolve(repoRoot);
  for (;;) {
    const candidate = path.join(path.dirname(dir), 'shared', 'data');
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(repoRoot, '../shared/data');
}
