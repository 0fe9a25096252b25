/**
 * The evaluation tables (issue 9): every labelled set — the debate nights (real IRA accounts
 * among real users), the IRA set (all positive: recall), CooRnet's CrowdTangle output
 * (agreement, when an adapter reads it) and every simulator preset — scored leave-one-set-out
 * (each set with the score cut-off and minimum edge weight chosen on the other sets), the
 * same at the shipped defaults, and the reliability table of the calibrated probabilities.
 *
 *   npx tsx bench/eval.ts [--skip-ira] [--seed N] [--sets spec,spec…] [--markdown]
 */
import os from 'node:os';
import { DEFAULT_GRID, formatSetsReport, reliabilityRows, runSets, setsTableRows } from '../src/cli/commands/eval.ts';
import type { SetsReport } from '../src/cli/commands/eval.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(arg('--seed') ?? 1);
const sets = (arg('--sets') ?? 'debate-d1,debate-d2,ira-2016q4,crowdtangle,sim:all').split(',').filter((s) => !(args.includes('--skip-ira') && s === 'ira-2016q4'));

const started = Date.now();
const report = await runSets(sets, {
  overrides: {},
  narratives: true,
  seed,
  grid: DEFAULT_GRID,
  progress: (line) => process.stderr.write(line + '\n'),
});
process.stdout.write(formatSetsReport(report));
const total = (Date.now() - started) / 1000;
process.stdout.write(`\n${report.seconds.map((s) => `${s.set} ${s.analyze.toFixed(1)} s`).join(', ')}; ${total.toFixed(0)} s in all on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${new Date().toISOString().slice(0, 16)}Z\n`);

if (args.includes('--markdown')) process.stdout.write('\n' + markdown(report) + '\n');

function md(rows: (string | number)[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function markdown(r: SetsReport): string {
  return [md(setsTableRows(r.loso, r.grid, true)), '', md(setsTableRows(r.defaults, r.grid, false)), '', md(reliabilityRows(r.reliability))].join('\n');
}
