/**
 * npm run bench:ingest — end-to-end ingest through the queue workers into Postgres.
 * Starts W worker processes (workers/ingest.ts) and the producer (`coordwatch ingest
 * --workers 0`) on a fresh database and queue prefix, and prints posts/s, seconds and the
 * peak RSS of every process. Not a test: it prints numbers, it asserts nothing.
 *
 *   BENCH_WORKERS=1 BENCH_FILES=a.ndjson.gz,b.csv.gz npm run bench:ingest
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sharedDataDir } from '../src/shared-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = sharedDataDir(ROOT);
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const files = (process.env.BENCH_FILES ?? `${DATA}/ira-2016q4/posts.ndjson.gz,${DATA}/ira-2016q4/posts.cnt.csv.gz`).split(',');
const W = Number(process.env.BENCH_WORKERS ?? 1);

function rssOf(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Peak RSS of the process, or of its process tree (the CLI re-executes itself with a heap cap). */
function peakRss(pid: number): number {
  const kids = childrenOf(pid);
  if (kids.length === 0) return rssOf(pid, 'VmHWM');
  // tree: current RSS of everyone, sampled (VmHWM is per process)
  return rssOf(pid, 'VmRSS') + kids.reduce((a, k) => a + peakRss(k), 0);
}

function watch(p: { pid?: number }) {
  let peak = 0;
  const t = setInterval(() => (peak = Math.max(peak, peakRss(p.pid!))), 100);
  return { stop: () => (clearInterval(t), peak), get peak() { return Math.max(peak, peakRss(p.pid!)); } };
}

const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
console.log(`ingest benchmark: ${W} worker process(es) (workers/ingest.ts, heap cap 256 MB) + the coordwatch ingest producer`);

for (const file of files) {
  const dbName = `cw_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const u = new URL(ADMIN);
  u.pathname = `/${dbName}`;
  const env = {
    ...process.env,
    DATABASE_URL: u.toString(),
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `cwbench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DOTENV_CONFIG_QUIET: 'true',
  };
  // schema first, so workers and producer do not race to migrate
  await new Promise((r) => spawn(process.execPath, [path.join(ROOT, 'bin/coordwatch.js'), 'migrate'], { env, stdio: 'ignore' }).on('exit', r));
  const workers = Array.from({ length: W }, () => spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', path.join(ROOT, 'workers/ingest.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  const wWatch = workers.map(watch);
  await new Promise((r) => setTimeout(r, 1500));

  const t0 = performance.now();
  const prod = spawn(process.execPath, [path.join(ROOT, 'bin/coordwatch.js'), 'ingest', file, '--workers', '0', '--no-progress'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const pWatch = watch(prod);
  let out = '';
  prod.stdout.on('data', (d) => (out += d));
  await new Promise((r) => prod.on('exit', r));
  const secs = (performance.now() - t0) / 1000;
  const pPeak = pWatch.stop();
  const wPeaks = wWatch.map((w) => w.stop());
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
  const { rows } = await admin.query(`select (select count(*) from "${dbName}".public.posts) n`).catch(async () => {
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    const r = await c.query('select count(*)::int n from posts');
    await c.end();
    return r;
  });
  const posts = Number(rows[0].n);
  console.log(`\n${path.relative(DATA, file)}`);
  console.log(out.trim().split('\n').map((l) => '  | ' + l).join('\n'));
  console.log(`  posts in Postgres   ${posts.toLocaleString('en-US')}`);
  console.log(`  wall                ${secs.toFixed(1)} s (producer start to batch complete, process start-up included)`);
  console.log(`  throughput          ${Math.round(posts / secs).toLocaleString('en-US')} posts/s (target 60,000: ${(posts / secs / 60000).toFixed(2)}×)`);
  console.log(`  peak RSS producer   ${mb(pPeak)}`);
  wPeaks.forEach((p, i) => console.log(`  peak RSS worker ${i + 1}   ${mb(p)}`));
  await admin.query(`drop database "${dbName}" with (force)`);
  await admin.end();
}
