import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule (eslint.layers.js) holds on the tree, and fails on planted bad imports:
 * core importing outside core, db importing detect, detection writing through api, the API
 * reaching a queue at run time instead of through src/app.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(code: string, file: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return r!.messages.filter((m) => m.ruleId === 'layers/layers').map((m) => m.message);
}

describe('layering', () => {
  it('flags an import that runs back up', async () => {
    expect(await layerErrors("import { runScan } from '../detect/scan.ts';\nexport const x = runScan;\n", 'src/db/planted.ts')).toEqual([
      'db must not import detect (../detect/scan.ts): db may import db, core, config, migrations.',
    ]);
    expect(await layerErrors("import { openDb } from '../../db/connection.ts';\nexport const x = openDb;\n", 'src/core/score/planted.ts')).toHaveLength(1);
    expect(await layerErrors("import { alertService } from '../alerts/alert-service.ts';\nexport const x = alertService;\n", 'src/detect/planted.ts')).toHaveLength(1);
    expect(await layerErrors("export { startWorkers } from '../app/workers.ts';\n", 'src/queue/planted.ts')).toHaveLength(1);
    expect(await layerErrors("export const load = () => import('../api/app.ts');\n", 'src/ingest/planted.ts')).toHaveLength(1);
  });

  it('lets api and cli take queue and detect types, but not values', async () => {
    expect(await layerErrors("import type { ScanType } from '../../detect/scan.ts';\nexport type X = ScanType;\n", 'src/api/routes/planted.ts')).toEqual([]);
    expect(await layerErrors("import { QUEUE_SCAN } from '../../queue/names.ts';\nexport const x = QUEUE_SCAN;\n", 'src/cli/commands/planted.ts')).toEqual([
      'cli may import queue for types only (../../queue/names.ts): reach it at run time through src/app.',
    ]);
  });

  it('reads paths, not folder names: core/alerts is core, src/alerts is not', async () => {
    expect(await layerErrors("import { planAlerts } from '../alerts/identity.ts';\nexport const x = planAlerts;\n", 'src/core/score/planted.ts')).toEqual([]);
    expect(await layerErrors("import { TRANSITIONS } from '../../alerts/review-rules.ts';\nexport const x = TRANSITIONS;\n", 'src/core/score/planted.ts')).toHaveLength(1);
  });

  it('holds on the whole tree', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const bad = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layers/layers').map((m) => `${path.relative(ROOT, r.filePath)}: ${m.message}`));
    expect(bad).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  }, 240_000);
});
