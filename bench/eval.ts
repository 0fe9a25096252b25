/**
 * The evaluation table: account-level precision / recall / F1 of the engine on the debate
 * nights (real IRA accounts among real users), the IRA set (all positive: recall), and a
 * default simulation, next to the toolkit's rule (any edge) on the same edges.
 *
 *   npx tsx bench/eval.ts [--skip-ira] [--seed N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabels, runEval } from '../src/cli/commands/eval.ts';
import type { EvalRun } from '../src/cli/commands/eval.ts';
import { loadCorePosts } from '../src/cli/load-core-posts.ts';
import { table } from '../src/cli/format.ts';
import type { LabelRow } from '../src/core/eval/index.ts';
import { simulate } from '../src/core/simulate/index.ts';
import { sharedDataDir } from '../src/shared-data.ts';

const DATA = sharedDataDir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const args = process.argv.slice(2);
const skipIra = args.includes('--skip-ira');
const seedArg = args.indexOf('--seed');
const seed = seedArg >= 0 ? Number(args[seedArg + 1]) : 1;

const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));
const rows: (string | number)[][] = [
  ['set', 'posts', 'accounts', 'positive', 'flagged', 'TP', 'FP', 'precision', 'recall', 'F1', 'FPR', 'toolkit P', 'toolkit R', 'toolkit F1', 'analyze s'],
];

function row(name: string, run: EvalRun): void {
  const e = run.report.engine;
  const b = run.report.baseline;
  rows.push([name, run.posts, run.accounts, run.report.positives, e.flagged, e.tp, e.fp, f3(e.precision), f3(e.recall), f3(e.f1), f3(e.fpr), f3(b.precision), f3(b.recall), f3(b.f1), (run.ms.analyze / 1000).toFixed(1)]);
  const groups = run.report.groups.map((g) => `${g.group} ${g.flagged}/${g.positives}`).join(', ');
  process.stderr.write(`${name}: done in ${((run.ms.load + run.ms.analyze) / 1000).toFixed(1)} s; recall by group: ${groups}\n`);
}

for (const set of ['debate-d1', 'debate-d2']) {
  const file = path.join(DATA, set, 'posts.ndjson.gz');
  if (!fs.existsSync(file)) {
    process.stderr.write(`${set}: not found at ${file}, skipped\n`);
    continue;
  }
  row(set, await runEval(file, readLabels(path.join(DATA, set, 'labels.csv')), { positive: 'ira', narratives: true }));
}

if (!skipIra) {
  const file = path.join(DATA, 'ira-2016q4', 'posts.ndjson.gz');
  if (fs.existsSync(file)) {
    // every account is IRA; the per-author file gives the categories for the breakdown
    const categories = new Map<string, string>();
    const authors = path.join(DATA, 'formats', 'ira-by-author', 'authors.csv');
    if (fs.existsSync(authors)) {
      for (const line of fs.readFileSync(authors, 'utf8').split('\n').slice(1)) {
        const cells = line.split(',');
        if (cells[1]) categories.set(cells[1].toLowerCase(), cells[4] ?? '');
      }
    }
    const { accounts } = await loadCorePosts(file);
    const labels = new Map<string, LabelRow>([...accounts.keys()].map((id) => [id, { label: 'ira', group: categories.get(id.toLowerCase()) || null }]));
    row('ira-2016q4 (all IRA)', await runEval(file, labels, { positive: 'ira', narratives: true }));
  }
}

{
  const sim = simulate({ seed });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coordwatch-eval-'));
  const file = path.join(dir, 'posts.ndjson');
  const fd = fs.openSync(file, 'w');
  let buf = '';
  for (const p of sim.posts()) {
    buf += JSON.stringify(p) + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  const labels = new Map<string, LabelRow>(sim.labels.map((l) => [l.account_id, { label: l.label, group: l.campaign }]));
  try {
    row(`simulated (seed ${seed}, defaults)`, await runEval(file, labels, { positive: 'campaign', narratives: true }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(table(rows) + '\n');
