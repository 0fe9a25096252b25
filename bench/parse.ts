/**
 * Parsing throughput of the input adapters alone (no queue, no database): records/s for the
 * ira-2016q4 reference set as canonical NDJSON and as coordination-network-toolkit CSV, both
 * gzip. The end-to-end target is 60,000 posts/s, so parsing must be several times faster.
 *
 * `--synthetic-mb N` also streams N MB of generated NDJSON (never on disk) through readRecords to
 * show that memory stays flat whatever the input size.
 *
 *   npx tsx bench/parse.ts [--runs 3] [--synthetic-mb 500] [file …]
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { readRecordBatches, readRecords } from '../src/ingest/index.ts';
import { sharedDataDir } from '../src/shared-data.ts';

const DATA = sharedDataDir(path.resolve(import.meta.dirname, '..'));
const args = process.argv.slice(2);
const flag = (name: string): number | null => {
  const at = args.indexOf(name);
  return at === -1 ? null : Number(args[at + 1]);
};
const runs = flag('--runs') ?? 3;
const syntheticMb = flag('--synthetic-mb');
const files = args.filter(
  (a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')),
);
const inputs =
  files.length > 0
    ? files
    : [
        path.join(DATA, 'ira-2016q4/posts.ndjson.gz'),
        path.join(DATA, 'ira-2016q4/posts.cnt.csv.gz'),
      ];

async function once(
  file: string,
  batched: boolean,
): Promise<{ n: number; bad: number; s: number; cpu: number }> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
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
  const c = process.cpuUsage(c0);
  return { n, bad, s: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(9);

// Wall time is what a user sees; CPU time (all threads, zlib's included) is what the parse costs,
// and it is the steadier figure on a machine shared with other work.
for (const file of inputs) {
  for (const batched of [false, true]) {
    const runsDone: { s: number; cpu: number }[] = [];
    let n = 0;
    let bad = 0;
    for (let r = 0; r < runs; r++) {
      const res = await once(file, batched);
      runsDone.push(res);
      n = res.n;
      bad = res.bad;
    }
    const best = Math.min(...runsDone.map((r) => r.s));
    const bestCpu = Math.min(...runsDone.map((r) => r.cpu));
    const label = `${path.basename(path.dirname(file))}/${path.basename(file)} ${batched ? 'readRecordBatches' : 'readRecords'}`;
    console.log(
      `${label.padEnd(50)} ${n} records (${bad} rejected)  wall best ${best.toFixed(2)} s = ${fmt(n / best)} records/s  ` +
        `cpu best ${bestCpu.toFixed(2)} s = ${fmt(n / bestCpu)} records/cpu-s  (wall runs: ${runsDone.map((r) => r.s.toFixed(2)).join(', ')})`,
    );
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

/** canonical NDJSON lines generated on the fly, about `mb` megabytes in all */
function* synthetic(mb: number): Generator<Buffer> {
  const target = mb * 1024 * 1024;
  let bytes = 0;
  let i = 0;
  while (bytes < target) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++, i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
      lines.push(
        JSON.stringify({
          platform: 'x',
          post_id: String(i),
          posted_at: t,
          text: `post ${i} about #election2024 with @someone and https://example.com/${i % 977} ${'filler '.repeat(40)}`,
          lang: 'en',
          urls: [`https://example.com/${i % 977}`],
          hashtags: ['election2024'],
          mentions: ['someone'],
          repost_of: null,
          reply_to: null,
          account: {
            id: `acct${i % 5000}`,
            handle: `user${i % 5000}`,
            followers: 10,
            following: 300,
            location: 'Texas, USA',
          },
        }),
      );
    }
    const chunk = Buffer.from(lines.join('\n') + '\n');
    bytes += chunk.length;
    yield chunk;
  }
}

if (syntheticMb !== null) {
  const t0 = process.hrtime.bigint();
  let n = 0;
  let peak = 0;
  for await (const r of readRecords(Readable.from(synthetic(syntheticMb)), { format: 'ndjson' })) {
    if (!r.ok) throw new Error(r.reason);
    if (++n % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `synthetic ${syntheticMb} MB NDJSON: ${n} records in ${s.toFixed(1)} s (${Math.round(n / s).toLocaleString('en-US')} records/s incl. generation), RSS during the read ≤ ${(peak / 1048576).toFixed(0)} MB`,
  );
}
