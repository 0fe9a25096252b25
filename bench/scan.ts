/**
 * A rolling scan over a database kept by bench:latency (SCAN_KEEP_DB=1 … -- --scan), measured
 * phase by phase, with fingerprints of what it found so a change to the scan can be shown to
 * find the same:
 *
 *   SCAN_DB=cw_bench_… npm run bench:scan                 # scan, phases, CPU, peak RSS, md5s
 *   SCAN_DB=cw_bench_… SCAN_VACUUM=1 npm run bench:scan   # VACUUM ANALYZE first (after a bulk load)
 *   SCAN_DB=cw_bench_… BENCH_CPU_PROF=out/prof npm run bench:scan   # run it under --cpu-prof
 *
 * The window is the one bench:latency scans (first post to last post + 1 s). Before the scan
 * the alert tables of the bench database are emptied (only databases named cw_bench_*), so
 * every run starts from the same state and the alerts' md5 compares across runs. Printed:
 * - result md5: the engine's result (clusters, scores, explanations, account signals,
 *   stats, each cluster's edges), maps and sets as entries in their order;
 * - alerts md5: the alerts, members, edges and evidence the scan wrote (no ids, no clock);
 * - the phases (the scan run's stats), wall time, CPU seconds of this process (its engine
 *   threads included) and of the Postgres backends (not counted), peak RSS (VmHWM), and an
 *   RSS trace (every SCAN_RSS_EVERY_MS, default 1000) to see which phase holds the memory.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { openPostgres } from '../src/db/connection.ts';
import { runScan } from '../src/detect/scan.ts';
import type { Engine } from '../src/detect/engine.ts';
import { scanWindowOf } from './live-stream.ts';
import { nullLogger } from '../src/logger.ts';
import { closeEngines, detectDeps } from '../src/app/detection.ts';

const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = process.env.SCAN_DB;
if (!NAME) throw new Error('SCAN_DB=<database kept by bench:latency --scan> is required');

// BENCH_CPU_PROF=<dir>: run again under --cpu-prof (a profile for each thread, engine threads included)
if (process.env.BENCH_CPU_PROF && !process.env.BENCH_SCAN_CHILD) {
  const dir = path.resolve(process.env.BENCH_CPU_PROF);
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', import.meta.filename],
    { stdio: 'inherit', env: { ...process.env, BENCH_SCAN_CHILD: '1' } },
  );
  process.exit(r.status ?? 1);
}

const plain = (x: unknown) =>
  JSON.stringify(x, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v));
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function status(field: string): number | null {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

const url = Object.assign(new URL(ADMIN), { pathname: `/${NAME}` }).toString();
const pgdb = await openPostgres(url, 4);
try {
  if (process.env.SCAN_VACUUM) {
    const t0 = performance.now();
    await sql`vacuum analyze`.execute(pgdb.kysely);
    console.log(`vacuum analyze ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (NAME.startsWith('cw_bench_'))
    await sql`truncate alerts, alert_members, alert_edges, alert_evidence, alert_events, alert_member_decisions, clusters restart identity cascade`.execute(
      pgdb.kysely,
    );
  const w = await scanWindowOf(pgdb.kysely);
  const app = `cw-bench-scan-${process.pid}`;
  const engineUrl = Object.assign(new URL(url), { search: `?application_name=${app}` }).toString();
  const config = loadConfig({ DATABASE_URL: engineUrl });
  const deps = detectDeps(config, pgdb, nullLogger);
  // keep the engine's result for its fingerprint (runScan hands back counts only)
  let result: unknown = null;
  const engine: Engine = {
    ...deps.engine,
    scan: async (task) => {
      const r = await deps.engine.scan(task);
      result = r.result;
      return r;
    },
  };
  // Postgres CPU (s) of the engine's backends: its threads connect as application_name
  // `app`; their pids are sampled from pg_stat_activity with the RSS trace and each one's
  // utime+stime read from /proc while it lives (a backend that exits, a helper thread's when
  // its pool closes, loses at most its last sampling interval). Other processes' backends on
  // the same server (other benches) are not counted.
  const backendTicks = new Map<number, number>();
  const sampleBackends = async () => {
    const r = await sql<{
      pid: number;
    }>`select pid from pg_stat_activity where application_name = ${app}`.execute(pgdb.kysely);
    for (const { pid } of r.rows) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
        backendTicks.set(pid, Number(f[11]) + Number(f[12]));
      } catch {
        // exited between the query and the read
      }
    }
  };
  const backendCpu = () => [...backendTicks.values()].reduce((a, b) => a + b, 0) / 100;
  const pg0 = backendCpu();
  const trace: string[] = [];
  const every = Number(process.env.SCAN_RSS_EVERY_MS ?? 1000);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const timer = setInterval(() => {
    trace.push(`${((performance.now() - t0) / 1000).toFixed(0)}s:${status('VmRSS')}`);
  }, every);
  const sampler = setInterval(() => void sampleBackends().catch(() => {}), 250);
  const r = await runScan({ ...deps, engine }, 'rolling', w, null);
  clearInterval(timer);
  clearInterval(sampler);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await sampleBackends();
  const pg1 = backendCpu();
  const stats = await sql<{
    phases: Record<string, number>;
  }>`select stats->'phases' as phases from scan_runs where id = ${r.scanRunId}`.execute(
    pgdb.kysely,
  );
  const alerts = await sql<{ j: string }>`
    select json_agg(x order by x.fingerprint)::text as j from (
      select a.fingerprint, a.status, a.score, a.severity, a.score_parts, a.verdict, a.narratives, a.kinds, a.member_count, a.first_seen_at, a.last_seen_at,
        (select json_agg(m order by m.account_key) from (select account_key, role, cohesion, shared, degree, suspicion, watchlisted, signals from alert_members where alert_id = a.id) m) as members,
        (select json_agg(e order by e.account_a, e.account_b, e.kind) from (select account_a, account_b, kind, weight, strength, evidence_posts from alert_edges where alert_id = a.id) e) as edges,
        (select json_agg(v order by v.kind, v.key, v.description) from (select kind, key, post_ids, description, data from alert_evidence where alert_id = a.id) v) as evidence
      from alerts a) x`.execute(pgdb.kysely);
  const clusters = await sql<{ j: string }>`
    select json_agg(c order by c.fingerprint)::text as j from (
      select fingerprint, members, size, score, severity, score_parts, verdict, kinds, stats, null_model, narratives, outcome
      from clusters where scan_run_id = ${r.scanRunId}) c`.execute(pgdb.kysely);
  console.log(
    `rolling scan: ${r.posts} posts of ${r.accounts} accounts, ${r.edges} edges, ${r.clusters} clusters, ${r.applied?.opened.length ?? 0} alerts opened`,
  );
  console.log(
    `  wall ${wall.toFixed(1)} s (scan ${(r.ms / 1000).toFixed(1)} s), cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)}, sys ${(cpu.system / 1e6).toFixed(1)}), postgres ${(pg1 - pg0).toFixed(1)} s (the engine's backends), peak rss ${status('VmHWM')} MB`,
  );
  console.log(
    `  phases (s):  ${Object.entries(stats.rows[0]?.phases ?? {})
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
      .join(', ')}`,
  );
  console.log(`  rss (MB):    ${trace.join(' ')}`);
  console.log(`  result md5  ${md5(plain(result))}`);
  console.log(
    `  alerts md5  ${md5(alerts.rows[0]?.j ?? 'null')} (${r.applied?.opened.length ?? 0} opened)`,
  );
  console.log(`  clusters md5 ${md5(clusters.rows[0]?.j ?? 'null')}`);
  if (process.env.SCAN_RESULT_OUT) fs.writeFileSync(process.env.SCAN_RESULT_OUT, plain(result));
  await closeEngines();
} finally {
  await pgdb.close();
}
