/**
 * Parsing throughput of the input adapters alone (no queue, no database): records/s for the
 * ira-2016q4 reference set as canonical NDJSON and as coordination-network-toolkit CSV, both
 * gzip. The end-to-end target is 60,000 posts/s, so parsing must be several times faster.
 *
 *   npx tsx bench/parse.ts [--runs 3] [file …]
 */
import path from 'node:path';
import { readRecordBatches, readRecords } from '../src/ingest/index.ts';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 3 : Number(args[runsAt + 1]);
const files = args.filter((a, i) => !a.startsWith('--') && (runsAt === -1 || i !== runsAt + 1));
const inputs = files.length > 0 ? files : [path.join(DATA, 'ira-2016q4/posts.ndjson.gz'), path.join(DATA, 'ira-2016q4/posts.cnt.csv.gz')];

async function once(file: string, batched: boolean): Promise<{ n: number; bad: number; s: number }> {
  const t0 = process.hrtime.bigint();
  let n = 0;
  let bad = 0;
  if (batched) {
    for await (const batch of readRecordBatches(file, {})) {
      n += batch.length;
      for (const r of batch) if (!r.ok) bad++;
    }
  } else {
    for await (const r of readRecords(file, {})) {
      n++;
      if (!r.ok) bad++;
    }
  }
  return { n, bad, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

for (const file of inputs) {
  for (const batched of [false, true]) {
    const times: number[] = [];
    let n = 0;
    let bad = 0;
    for (let r = 0; r < runs; r++) {
      const res = await once(file, batched);
      times.push(res.s);
      n = res.n;
      bad = res.bad;
    }
    const best = Math.min(...times);
    const label = `${path.basename(path.dirname(file))}/${path.basename(file)} ${batched ? 'readRecordBatches' : 'readRecords'}`;
    console.log(
      `${label.padEnd(55)} ${String(n).padStart(8)} records (${bad} rejected)  best ${best.toFixed(2)} s  ${Math.round(n / best).toLocaleString('en-US').padStart(9)} records/s  (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`,
    );
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
