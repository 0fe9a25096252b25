/**
 * Alert latency with workers running: stream simulated organic posts plus planted campaigns
 * (the `coordwatch simulate` engine) through the ingest queue at a steady rate, with ingest
 * and detect workers as separate processes on the real Postgres and Redis, and measure for
 * each campaign account the time from the ingest of the campaign post that made it
 * detectable (its second one: edges need weight 2) to the alert that holds it. Timestamps
 * are rewritten to the wall clock at emission, so the windows are live.
 *
 *   npm run bench:latency                         # RATES=1000,5000 DURATION_S=30
 *   npm run bench:latency -- --rates 5000,10000   # the same as RATES=5000,10000 (also --duration 30)
 *   RATES=2000 DURATION_S=60 DETECT_WORKERS=2 npm run bench:latency
 *   SCAN_POSTS=1000000 npm run bench:latency -- --scan   # a full rolling scan over 24 h
 *   SCAN_KEEP_DB=1 … -- --scan, then SCAN_DB=<name> … -- --scan   # keep the loaded set; scan it again without loading
 *   BENCH_CPU_PROF=out/prof npm run bench:latency         # V8 CPU profiles of the workers (and their engine threads)
 *
 * Per rate it prints the window runs' mean size and where their time went (the phases each
 * run records in scan_runs.stats), the latency percentiles, the campaign and organic accounts
 * in alerts, and the peak RSS of each process (Linux: VmHWM of the workers, threads included).
 * `--scan` prints the scan's phases in seconds and the peak RSS of the process it runs in (its
 * engine threads included).
 *
 * Uses TEST_PG_ADMIN_URL / TEST_REDIS_URL (defaults: local services); creates and drops its
 * own database and queue prefix.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../config/config.ts';
import { simulate } from '../src/core/simulate/index.ts';
import type { CanonicalPost } from '../src/core/types.ts';
import { liveStream, scanWindowOf } from './live-stream.ts';
import { migrateToLatest, openPostgres } from '../src/db/connection.ts';
import { ingestRepository } from '../src/db/ingest-repository.ts';
import { runScan } from '../src/detect/scan.ts';
import { nullLogger } from '../src/logger.ts';
import { closeEngines, detectDeps } from '../src/app/detection.ts';
import { RedisQueue } from '../src/queue/job-queue.ts';
import { QUEUE_DETECT, QUEUE_INGEST } from '../src/queue/names.ts';
import { ingestJobId } from '../src/queue/job-ids.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** `--name value` or `--name=value` on the command line, else undefined */
function arg(name: string): string | undefined {
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = process.argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : process.argv[i + 1];
}
const RATES = (arg('rates') ?? process.env.RATES ?? '1000,5000').split(',').map(Number);
if (RATES.some((r) => !(r > 0)))
  throw new Error(
    `--rates takes posts per second, comma-separated (got ${arg('rates') ?? process.env.RATES})`,
  );
const DURATION_S = Number(arg('duration') ?? process.env.DURATION_S ?? 30);

/** A process's peak resident set (MB) from /proc (VmHWM: the high-water mark, its threads included); null off Linux. */
function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
/** A process's CPU time so far (s, user + system, its threads included) from /proc; null off Linux. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name: state is the 3rd field, utime and stime the 14th and 15th
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}
const DETECT_WORKERS = Number(process.env.DETECT_WORKERS ?? 1);
const TICK_MS = 250;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createDb(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cw_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), 1);
  await migrateToLatest(db.kysely);
  await db.close();
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: ADMIN });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

function worker(
  role: string,
  env: Record<string, string>,
): ChildProcess & { exited: Promise<void> } {
  fs.mkdirSync(path.join(ROOT, 'out'), { recursive: true });
  const log = fs.openSync(path.join(ROOT, 'out', `bench-latency-${role}.log`), 'a');
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of every worker, written when it exits
  const prof = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
    : [];
  const p = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', path.join(ROOT, `workers/${role}.ts`)],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOTENV_CONFIG_QUIET: 'true',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', log, log],
    },
  ) as ChildProcess & { exited: Promise<void> };
  p.exited = new Promise((r) => p.on('exit', () => r()));
  return p;
}

async function streamRun(rate: number): Promise<void> {
  const total = rate * DURATION_S;
  const { posts, campaignAccounts } = liveStream(total);

  const db = await createDb();
  const prefix = `cwbench-${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: prefix,
    DETECT_WINDOW_MINUTES: '1',
    DETECT_HORIZON_MINUTES: '10',
    SCAN_ROLLING_EVERY_MINUTES: '0',
    SCAN_DEEP_EVERY_HOURS: '0',
    INGEST_CONCURRENCY: '2',
  };
  const procs = [
    worker('ingest', env),
    ...Array.from({ length: DETECT_WORKERS }, () => worker('detect', env)),
  ];
  const roles = [
    'ingest',
    ...Array.from({ length: DETECT_WORKERS }, (_, i) =>
      DETECT_WORKERS > 1 ? `detect#${i + 1}` : 'detect',
    ),
  ];
  const conn = new Redis(REDIS, { maxRetriesPerRequest: null });
  const pgdb = await openPostgres(db.url, 4);
  try {
    const ingestQ = new RedisQueue(QUEUE_INGEST, conn, prefix, { attempts: 5, backoffMs: 500 });
    const detectQ = new Queue(QUEUE_DETECT, { connection: conn, prefix });
    await sleep(4000); // workers start (tsx compile)
    const repo = ingestRepository(pgdb.kysely);
    const batchId = await repo.createBatch({ source: 'bench', format: 'sim', fileName: null });

    // account → enqueue times of its campaign posts (campaign posts only: cover activity does not count)
    const campaignPostTimes = new Map<string, number[]>();
    const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
    const started = Date.now();
    let seq = 0;
    let maxDetectBacklog = 0;
    for (let i = 0; i < posts.length; i += perTick) {
      const due = started + (i / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      const chunk = posts
        .slice(i, i + perTick)
        .map((p) => ({ ...p, posted_at: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z') }));
      for (const p of chunk) {
        if (!campaignAccounts.has(p.account.id)) continue;
        const k = `${p.platform}:${p.account.id}`;
        const xs = campaignPostTimes.get(k) ?? [];
        xs.push(now);
        campaignPostTimes.set(k, xs);
      }
      await ingestQ.add(ingestJobId(batchId, seq++), {
        batchId,
        seq: seq - 1,
        posts: chunk,
        rejected: [],
      });
      if (seq % 8 === 0) {
        const c = await detectQ.getJobCounts('waiting', 'active', 'delayed');
        maxDetectBacklog = Math.max(maxDetectBacklog, c.waiting + c.delayed);
      }
    }
    const sendMs = Date.now() - started;
    await repo.sealBatch(batchId, seq);
    // let ingest and detection finish (bounded)
    const deadline = Date.now() + 120_000;
    let landedAt = 0;
    for (;;) {
      const b = await repo.getBatch(batchId);
      if (b?.status !== 'running' && !landedAt) landedAt = Date.now();
      const pending = await detectQ.getJobCounts('waiting', 'active', 'delayed');
      if (landedAt && pending.waiting + pending.active + pending.delayed === 0) break;
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    const drainMs = Date.now() - started;
    const landed = (await repo.getBatch(batchId))!;
    const detected = await sql<{ k: string; t: Date }>`
      select account_key as k, min(added_at) as t from alert_members where account_key = any(${[...campaignPostTimes.keys()]}::text[]) group by 1`.execute(
      pgdb.kysely,
    );
    const lat: number[] = [];
    for (const r of detected.rows) {
      const times = campaignPostTimes.get(r.k)!;
      const detectable = times[Math.min(1, times.length - 1)]!;
      lat.push(Math.max(0, new Date(r.t).getTime() - detectable));
    }
    const orgFlagged = await sql<{
      n: number;
    }>`select count(distinct account_key)::int as n from alert_members where account_key <> all(${[...campaignPostTimes.keys()]}::text[])`.execute(
      pgdb.kysely,
    );
    const windows = await sql<{
      n: number;
      ms: number;
      same: number;
      posts: number;
      edges: number;
      caccounts: number;
      cposts: number;
      settle: number | null;
      resteps: number | null;
    }>`
      select count(*)::int as n, avg((stats->>'ms')::float) as ms, avg((stats->>'settleMs')::float) as settle, sum((stats->>'reclustered')::int)::int as resteps, count(*) filter (where (stats->>'same')::boolean)::int as same,
             avg((stats->>'posts')::float) as posts, avg((stats->>'edges')::float) as edges,
             avg((stats->'cluster'->>'accounts')::float) as caccounts, avg((stats->'cluster'->>'posts')::float) as cposts
      from scan_runs where kind = 'window' and status = 'completed'`.execute(pgdb.kysely);
    // where a window run's time goes, on average (ms): window (window.load, window.edges and cluster.* on the engine thread), alerts, store
    const phases = await sql<{ k: string; ms: number }>`
      select p.key as k, avg(p.value::float) as ms from scan_runs, jsonb_each_text(stats->'phases') p
      where kind = 'window' and status = 'completed' group by 1 order by 2 desc`.execute(
      pgdb.kysely,
    );
    console.log(
      [
        `rate ${rate} posts/s for ${DURATION_S} s, ${DETECT_WORKERS} detect worker(s), 1-minute windows`,
        `  sent            ${posts.length} posts in ${(sendMs / 1000).toFixed(1)} s (${Math.round(posts.length / (sendMs / 1000))} posts/s offered)`,
        `  landed          ${landed.accepted} posts, batch ${landed.status}, all landed after ${landedAt ? ((landedAt - started) / 1000).toFixed(1) : '>deadline'} s (${landedAt ? Math.round(landed.accepted / ((landedAt - started) / 1000)) : '?'} posts/s sustained)`,
        `  detection       ${windows.rows[0]!.n} window runs (${windows.rows[0]!.same} found no new edges), mean ${Math.round(Number(windows.rows[0]!.ms))} ms each; max waiting detect jobs ${maxDetectBacklog}; all done after ${(drainMs / 1000).toFixed(1)} s`,
        `  settle          ${windows.rows[0]!.resteps ?? 0} cluster steps of other windows re-run after a window's own (mean ${Math.round(Number(windows.rows[0]!.settle ?? 0))} ms per run, after its stats: not in "mean … each" nor in the phases)`,
        `  per run         ${Math.round(Number(windows.rows[0]!.posts))} posts, ${Math.round(Number(windows.rows[0]!.edges))} edges; cluster step over ${Math.round(Number(windows.rows[0]!.caccounts))} accounts, ${Math.round(Number(windows.rows[0]!.cposts))} posts (means)`,
        `  run phases      ${phases.rows.map((r) => `${r.k} ${Math.round(Number(r.ms))}`).join(', ')} (mean ms)`,
        `  campaign accts  ${detected.rows.length} of ${campaignPostTimes.size} in alerts; organic accounts in alerts: ${orgFlagged.rows[0]!.n}`,
        `  latency         p50 ${(pct(lat, 50) / 1000).toFixed(2)} s, p95 ${(pct(lat, 95) / 1000).toFixed(2)} s, max ${(Math.max(...lat) / 1000).toFixed(2)} s (ingest of the 2nd campaign post → account in an alert)`,
      ].join('\n'),
    );
    const rssLine = `  peak rss        ${procs.map((p, i) => `${roles[i]} ${peakRssMb(p.pid) ?? '?'} MB`).join(', ')}, bench (producer) ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`;
    console.log(rssLine);
    console.log(
      `  cpu             ${procs.map((p, i) => `${roles[i]} ${cpuSeconds(p.pid)?.toFixed(1) ?? '?'} s`).join(', ')} (user + system, threads included, start to drain)`,
    );
    // BENCH_RUNS=1: every window run, in order (when it started relative to the first, its posts, time and phases)
    if (process.env.BENCH_RUNS) {
      const runs = await sql<{
        w: Date;
        at: number;
        ms: number;
        posts: number;
        load: unknown;
        phases: Record<string, number>;
      }>`
        select window_start as w, extract(epoch from started_at - min(started_at) over ())::float as at, (stats->>'ms')::int as ms, (stats->>'posts')::int as posts, stats->'load' as load, stats->'phases' as phases
        from scan_runs where kind = 'window' and status = 'completed' order by started_at`.execute(
        pgdb.kysely,
      );
      for (const r of runs.rows)
        console.log(
          `  run ${new Date(r.w).toISOString().slice(11, 16)} +${r.at.toFixed(1)} s: ${r.posts} posts in ${r.ms} ms ${JSON.stringify(r.load ?? null)} ${Object.entries(
            r.phases,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
    }
    await detectQ.close();
    await ingestQ.close();
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await pgdb.close();
    const keys = await conn.keys(`${prefix}:*`);
    if (keys.length) await conn.del(...keys);
    conn.disconnect();
    await db.drop();
  }
}

async function loadSimulated(
  pgdb: Awaited<ReturnType<typeof openPostgres>>,
  total: number,
): Promise<void> {
  const sim = simulate({
    seed: 11,
    days: 1,
    organicAccounts: Math.max(2000, Math.round(total / 30)),
    posts: total,
    campaigns: 7,
  });
  const repo = ingestRepository(pgdb.kysely);
  const batchId = await repo.createBatch({ source: 'bench', format: 'sim', fileName: null });
  let chunk: CanonicalPost[] = [];
  let seq = 0;
  const t0 = Date.now();
  for (const p of sim.posts()) {
    chunk.push(p);
    if (chunk.length === 10_000) {
      await repo.writeChunk({ batchId, seq: seq++, posts: chunk, rejected: [] });
      chunk = [];
    }
  }
  if (chunk.length) await repo.writeChunk({ batchId, seq: seq++, posts: chunk, rejected: [] });
  const n = (await repo.getBatch(batchId))!.accepted;
  console.log(
    `loaded ${n} simulated posts over 24 h in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function scanRun(): Promise<void> {
  const total = Number(process.env.SCAN_POSTS ?? 1_000_000);
  // SCAN_KEEP_DB=1 keeps the loaded database and prints its name; SCAN_DB=<name> scans it again without loading
  const reuse = process.env.SCAN_DB;
  const db = reuse
    ? {
        url: Object.assign(new URL(ADMIN), { pathname: `/${reuse}` }).toString(),
        drop: async () => {},
      }
    : await createDb();
  const pgdb = await openPostgres(db.url, 4);
  try {
    if (!reuse) await loadSimulated(pgdb, total);
    const dbName = new URL(db.url).pathname.slice(1);
    if (process.env.SCAN_KEEP_DB && !reuse)
      console.log(`kept database ${dbName} (SCAN_DB=${dbName} scans it again)`);
    const config = loadConfig({ DATABASE_URL: db.url });
    const w = await scanWindowOf(pgdb.kysely);
    const rss0 = process.memoryUsage().rss;
    // the engine runs on worker threads: this thread's timers (a job's lock renewal) keep firing
    let maxLag = 0;
    let last = performance.now();
    const lag = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 50);
      last = now;
    }, 50);
    const r = await runScan(detectDeps(config, pgdb, nullLogger), 'rolling', w, null);
    clearInterval(lag);
    const stats = await sql<{
      phases: Record<string, number>;
    }>`select stats->'phases' as phases from scan_runs where id = ${r.scanRunId}`.execute(
      pgdb.kysely,
    );
    console.log(
      `rolling scan over ${((w.end.getTime() - w.start.getTime()) / 3_600_000).toFixed(1)} h: ${r.posts} posts of ${r.accounts} accounts, ${r.edges} edges, ${r.clusters} clusters, ` +
        `${r.applied?.opened.length ?? 0} alerts opened in ${(r.ms / 1000).toFixed(1)} s (rss +${Math.round((process.memoryUsage().rss - rss0) / 1e6)} MB, peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, ` +
        `longest event-loop stall ${Math.round(maxLag)} ms)`,
    );
    console.log(
      `  phases (s):  ${Object.entries(stats.rows[0]?.phases ?? {})
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
        .join(', ')}`,
    );
    console.log(
      `  (edges.* ran on a second engine thread (the text kinds) at the same time as loadPosts…edgesHere (the other kinds): the wall time is not their sum)`,
    );
    await closeEngines();
  } finally {
    await pgdb.close();
    if (!process.env.SCAN_KEEP_DB) await db.drop();
  }
}

if (process.argv.includes('--scan')) await scanRun();
else for (const rate of RATES) await streamRun(rate);
