/**
 * npm run bench:ingest — end-to-end ingest through the queue workers into Postgres.
 * Starts W worker processes (workers/ingest.ts) and the producer (`coordwatch ingest
 * --workers 0`) on a fresh database and queue prefix, and prints posts/s, seconds and the
 * peak RSS of every process. Not a test: it prints numbers, it asserts nothing.
 *
 *   BENCH_WORKERS=1 BENCH_FILES=a.ndjson.gz,b.csv.gz npm run bench:ingest
 *
 * Each file runs once per variant of the write path (BENCH_VARIANTS, default all four):
 *   copy        COPY into a staging table, partitioned posts, today's index set (the default)
 *   insert      the array INSERT path (INGEST_WRITE=insert), same schema
 *   flat        COPY, posts not partitioned (same indexes), to price partitioning
 *   old-indexes COPY, partitioned, plus the three indexes the partitioning migration dropped
 *               (repost_of, GIN urls, GIN hashtags)
 *   old         the INSERT path, not partitioned, the old six indexes: what ingest was
 *   no-trgm     COPY, partitioned, without the trigram index of text search (its price)
 * BENCH_INDEX_COST=1 (default) then prices each index alone: the posts of the last run
 * COPYed into a bare table, then into one with each index, one at a time.
 * BENCH_DIRECT=1 instead parses each file once in this process and writes its chunks
 * straight through the repository (no queue, no worker process) for each variant, and times
 * the queue hop's own work (payload JSON out and back, validation) on the same chunks.
 * CPU seconds are printed for the producer, each worker and the Postgres backends of the
 * bench database (sampled from /proc every 100 ms: where the work goes, less noisy than wall
 * time on a shared machine). BENCH_CPU_PROF=dir writes V8 CPU profiles of the producer and the
 * workers there (node --cpu-prof). BENCH_ENV='K=V,K=V' passes extra environment to both
 * (INGEST_CHUNK_SIZE, INGEST_CONCURRENCY, …).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { sharedDataDir } from '../src/shared-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = sharedDataDir(ROOT);
const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const files = (
  process.env.BENCH_FILES ??
  `${DATA}/ira-2016q4/posts.ndjson.gz,${DATA}/ira-2016q4/posts.cnt.csv.gz`
).split(',');
const W = Number(process.env.BENCH_WORKERS ?? 1);
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'copy,insert,flat,old-indexes,old').split(',');
const INDEX_COST = process.env.BENCH_INDEX_COST !== '0';
const PROF = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
  : [];
const EXTRA_ENV = Object.fromEntries(
  (process.env.BENCH_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

/** Delete every key of a queue prefix (the completed jobs keep their chunk payloads). */
async function dropQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const OLD_INDEXES = [
  'create index posts_repost_of_idx on posts (repost_of, posted_at) where repost_of is not null',
  'create index posts_urls_idx on posts using gin (urls)',
  'create index posts_hashtags_idx on posts using gin (hashtags)',
];
/** posts as one table again (same columns and indexes), for the variants without partitions */
const FLATTEN = [
  'create table posts_flat (like posts including defaults)',
  'drop table posts',
  'alter table posts_flat rename to posts',
  'alter table posts add constraint posts_pkey primary key (platform, post_id, posted_at)',
  'create index posts_posted_at_idx on posts (posted_at)',
  'create index posts_account_idx on posts (account_id, platform, posted_at)',
];
const TRGM =
  'create index posts_text_trgm_idx on posts using gin (text gin_trgm_ops) where repost_of is null';

async function prepare(url: string, variant: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const trgm =
    (await c.query(`select 1 from pg_indexes where indexname = 'posts_text_trgm_idx'`)).rowCount! >
    0;
  if (variant === 'flat' || variant === 'old') {
    for (const q of FLATTEN) await c.query(q);
    if (trgm) await c.query(TRGM);
  }
  if (variant === 'old-indexes' || variant === 'old') for (const q of OLD_INDEXES) await c.query(q);
  if (variant === 'no-trgm') await c.query('drop index if exists posts_text_trgm_idx');
  await c.end();
}

interface Run {
  file: string;
  variant: string;
  posts: number;
  ingestS: number;
  wallS: number;
  producer: number;
  workers: number[];
  /** CPU seconds: producer, workers (summed), Postgres backends of the bench database */
  cpu?: { producer: number; workers: number; postgres: number };
}
const runs: Run[] = [];

if (process.env.BENCH_DIRECT === '1') {
  await direct();
  process.exit(0);
}

/** Parse once, then write the chunks through the repository for each variant: the DB write alone. */
async function direct(): Promise<void> {
  const { openPostgres, migrateToLatest } = await import('../src/db/connection.ts');
  const { ingestRepository } = await import('../src/db/ingest-repository.ts');
  const { readRecordBatches } = await import('../src/ingest/index.ts');
  const { encodeChunkPosts, parseIngestPayload } = await import('../src/queue/payloads.ts');
  const { encodePositions, positionsOf } = await import('../src/queue/processors/ingest.ts');
  type Chunk = ReturnType<typeof parseIngestPayload>;
  const size = Number(process.env.INGEST_CHUNK_SIZE ?? 5000);
  for (const file of files) {
    const t0 = performance.now();
    const raw: { posts: unknown[]; pos: { file: string; line: number }[] }[] = [];
    let cur: { posts: unknown[]; pos: { file: string; line: number }[] } = { posts: [], pos: [] };
    for await (const b of readRecordBatches(file)) {
      for (const r of b) {
        if (!r.ok) continue;
        cur.posts.push(r.post);
        cur.pos.push(r.pos);
        if (cur.posts.length >= size) {
          raw.push(cur);
          cur = { posts: [], pos: [] };
        }
      }
    }
    if (cur.posts.length) raw.push(cur);
    const t1 = performance.now();
    let bytes = 0;
    const chunks: Chunk[] = raw.map((c, seq) => {
      const json = JSON.stringify({
        batchId: 1,
        seq,
        // as the producer sends it through Redis
        ...encodeChunkPosts(c.posts as Parameters<typeof encodeChunkPosts>[0]),
        rejected: [],
        pos: encodePositions(c.pos),
      });
      bytes += Buffer.byteLength(json);
      const data = JSON.parse(json) as unknown;
      const ch = parseIngestPayload(data);
      ch.positions = positionsOf(data, ch.posts.length);
      return ch;
    });
    const t2 = performance.now();
    const n = chunks.reduce((a, c) => a + c.posts.length, 0);
    console.log(
      `\n${path.relative(DATA, file)}: ${n.toLocaleString('en-US')} posts in ${chunks.length} chunks of ${size}`,
    );
    console.log(
      `  parse (adapters)                 ${((t1 - t0) / 1000).toFixed(2)} s  ${Math.round(n / ((t1 - t0) / 1000)).toLocaleString('en-US')} posts/s`,
    );
    console.log(
      `  queue hop work (encode, JSON out+in, validate) ${((t2 - t1) / 1000).toFixed(2)} s  payload ${Math.round(bytes / 1048576)} MB (${Math.round(bytes / n)} bytes/post)`,
    );
    for (const variant of VARIANTS) {
      const dbName = `cw_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: ADMIN });
      await admin.connect();
      await admin.query(`create database "${dbName}"`);
      const u = new URL(ADMIN);
      u.pathname = `/${dbName}`;
      const db = await openPostgres(u.toString(), 2);
      await migrateToLatest(db.kysely);
      await prepare(u.toString(), variant);
      const repo = ingestRepository(db.kysely, undefined, {
        pool: db.pool,
        path: variant === 'insert' || variant === 'old' ? 'insert' : 'copy',
      });
      const batchId = await repo.createBatch({ source: 'bench', format: null, fileName: null });
      const pgSeen = new Map<number, number>();
      const pg0 = postgresCpu(dbName, pgSeen);
      const c0 = process.cpuUsage();
      const t3 = performance.now();
      for (const ch of chunks) await repo.writeChunk({ ...ch, batchId });
      const s = (performance.now() - t3) / 1000;
      const c1 = process.cpuUsage(c0);
      const pgCpu = postgresCpu(dbName, pgSeen) - pg0;
      runs.push({
        file: path.relative(DATA, file),
        variant,
        posts: n,
        ingestS: s,
        wallS: s,
        producer: 0,
        workers: [process.memoryUsage().rss],
      });
      console.log(
        `  write [${variant}]`.padEnd(34) +
          ` ${s.toFixed(2)} s  ${Math.round(n / s).toLocaleString('en-US')} posts/s  CPU s: writer ${((c1.user + c1.system) / 1e6).toFixed(1)}, Postgres ${pgCpu.toFixed(1)}`,
      );
      await db.close();
      await admin.query(`drop database "${dbName}" with (force)`);
      await admin.end();
    }
    const base = runs.find((r) => r.file === path.relative(DATA, file))!;
    for (const r of runs.filter((x) => x.file === base.file && x !== base))
      console.log(
        `  gain ${r.variant} over ${base.variant}: ${(base.ingestS / r.ingestS).toFixed(2)}×`,
      );
  }
}

function rssOf(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) =>
        fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/),
      )
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

/** CPU seconds (user + system) of a process and its children, from /proc (0 once gone). */
function cpuOf(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (
      (Number(f[11]) + Number(f[12])) / 100 + childrenOf(pid).reduce((a, k) => a + cpuOf(k), 0)
    );
  } catch {
    return 0;
  }
}

/** CPU seconds of the Postgres backends connected to one database (by their process title). */
function postgresCpu(dbName: string, seen: Map<number, number>): number {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${dbName} `)) continue;
      seen.set(Number(d), cpuOf(Number(d)));
    } catch {
      // gone meanwhile
    }
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

function watch(p: { pid?: number }) {
  let peak = 0;
  let cpu = 0;
  const t = setInterval(() => {
    peak = Math.max(peak, peakRss(p.pid!));
    cpu = Math.max(cpu, cpuOf(p.pid!));
  }, 100);
  return {
    stop: () => (clearInterval(t), peak),
    get peak() {
      return Math.max(peak, peakRss(p.pid!));
    },
    get cpu() {
      return Math.max(cpu, cpuOf(p.pid!));
    },
  };
}

const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
console.log(
  `ingest benchmark: ${W} worker process(es) (workers/ingest.ts, heap cap 256 MB) + the coordwatch ingest producer`,
);

for (const file of files)
  for (const variant of VARIANTS) {
    const dbName = `cw_bench_${randomBytes(4).toString('hex')}`;
    const queuePrefix = `cwbench-${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    const u = new URL(ADMIN);
    u.pathname = `/${dbName}`;
    const env = {
      ...process.env,
      DATABASE_URL: u.toString(),
      REDIS_URL: REDIS,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DOTENV_CONFIG_QUIET: 'true',
      INGEST_WRITE: variant === 'insert' || variant === 'old' ? 'insert' : 'copy',
      ...EXTRA_ENV,
    };
    // schema first, so workers and producer do not race to migrate
    await new Promise((r) =>
      spawn(process.execPath, [path.join(ROOT, 'bin/coordwatch.js'), 'migrate'], {
        env,
        stdio: 'ignore',
      }).on('exit', r),
    );
    await prepare(u.toString(), variant);
    const workers = Array.from({ length: W }, () =>
      spawn(
        process.execPath,
        [
          '--max-old-space-size=256',
          ...PROF,
          '--import',
          'tsx',
          path.join(ROOT, 'workers/ingest.ts'),
        ],
        { env, stdio: ['ignore', 'ignore', 'inherit'] },
      ),
    );
    const wWatch = workers.map(watch);
    // warm workers, as in service: wait until their start-up (module loading) is over, i.e. their CPU
    // time stops growing, so the CPU figures are the ingest's own
    await new Promise((r) => setTimeout(r, 1500));
    for (let last = -1, t = Date.now(); Date.now() - t < 30_000;) {
      const now = workers.reduce((a, w) => a + cpuOf(w.pid!), 0);
      if (now === last) break;
      last = now;
      await new Promise((r) => setTimeout(r, 300));
    }

    const pgSeen = new Map<number, number>();
    const pgTimer = setInterval(() => postgresCpu(dbName, pgSeen), 100);
    const pg0 = postgresCpu(dbName, pgSeen);
    const w0 = wWatch.reduce((a, w) => a + w.cpu, 0);
    const t0 = performance.now();
    const prod = spawn(
      process.execPath,
      [
        ...PROF,
        path.join(ROOT, 'bin/coordwatch.js'),
        'ingest',
        file,
        '--workers',
        '0',
        '--no-progress',
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pWatch = watch(prod);
    let out = '';
    prod.stdout.on('data', (d) => (out += d));
    await new Promise((r) => prod.on('exit', r));
    const secs = (performance.now() - t0) / 1000;
    const cpu = {
      producer: pWatch.cpu,
      workers: wWatch.reduce((a, w) => a + w.cpu, 0) - w0,
      postgres: postgresCpu(dbName, pgSeen) - pg0,
    };
    clearInterval(pgTimer);
    const pPeak = pWatch.stop();
    const wPeaks = wWatch.map((w) => w.stop());
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
    const { rows } = await admin
      .query(`select (select count(*) from "${dbName}".public.posts) n`)
      .catch(async () => {
        const c = new pg.Client({ connectionString: u.toString() });
        await c.connect();
        const r = await c.query('select count(*)::int n from posts');
        await c.end();
        return r;
      });
    const posts = Number(rows[0].n);
    const took = /time\s+([\d.]+) s/.exec(out);
    runs.push({
      file: path.relative(DATA, file),
      variant,
      posts,
      ingestS: took ? Number(took[1]) : secs,
      wallS: secs,
      producer: pPeak,
      workers: wPeaks,
      cpu,
    });
    console.log(`\n${path.relative(DATA, file)}  [${variant}]`);
    console.log(
      out
        .trim()
        .split('\n')
        .map((l) => '  | ' + l)
        .join('\n'),
    );
    console.log(`  posts in Postgres   ${posts.toLocaleString('en-US')}`);
    console.log(
      `  wall                ${secs.toFixed(1)} s (producer start to batch complete, process start-up included)`,
    );
    console.log(
      `  throughput          ${Math.round(posts / secs).toLocaleString('en-US')} posts/s (target 60,000: ${(posts / secs / 60000).toFixed(2)}×)`,
    );
    console.log(`  peak RSS producer   ${mb(pPeak)}`);
    wPeaks.forEach((p, i) => console.log(`  peak RSS worker ${i + 1}   ${mb(p)}`));
    console.log(
      `  CPU                 producer ${cpu.producer.toFixed(1)} s, worker(s) ${cpu.workers.toFixed(1)} s, Postgres ${cpu.postgres.toFixed(1)} s (sum ${(cpu.producer + cpu.workers + cpu.postgres).toFixed(1)} s over ${secs.toFixed(1)} s wall; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
    );
    if (INDEX_COST && variant === VARIANTS[VARIANTS.length - 1] && file === files[files.length - 1])
      await indexCost(u.toString());
    await admin.query(`drop database "${dbName}" with (force)`);
    await admin.end();
    // the run's jobs (each with a chunk of posts) would stay in Redis: ~300 MB per run
    await dropQueuePrefix(queuePrefix);
  }

console.log(
  '\nsummary (ingest time as the producer reports it; gain = posts/s over the first variant of the file)',
);
for (const f of new Set(runs.map((r) => r.file))) {
  const rs = runs.filter((r) => r.file === f);
  const base = rs[0]!;
  console.log(`  ${f}`);
  for (const r of rs) {
    const ps = r.posts / r.ingestS;
    const g = ps / (base.posts / base.ingestS);
    console.log(
      `    ${r.variant.padEnd(12)} ${String(Math.round(ps).toLocaleString('en-US')).padStart(7)} posts/s  ${r.ingestS.toFixed(1).padStart(5)} s  ${(r.variant === base.variant ? '' : `${g.toFixed(2)}× ${base.variant}`).padEnd(16)} peak RSS producer ${mb(r.producer)}, worker(s) ${r.workers.map(mb).join(', ')}${r.cpu ? `, CPU s ${r.cpu.producer.toFixed(1)}/${r.cpu.workers.toFixed(1)}/${r.cpu.postgres.toFixed(1)} (producer/workers/Postgres)` : ''}`,
    );
  }
}

/**
 * Each index alone: COPY the posts into a bare partitioned table with only that index (the
 * primary key for ON CONFLICT is priced the same way), seconds each, minus the bare COPY.
 */
async function indexCost(url: string): Promise<void> {
  const { from: copyFrom, to: copyTo } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const src = new pg.Client({ connectionString: url });
  const dst = new pg.Client({ connectionString: url });
  await src.connect();
  await dst.connect();
  const n = Number((await src.query('select count(*)::int as n from posts')).rows[0].n);
  const hasTrgm =
    (await src.query(`select 1 from pg_extension where extname = 'pg_trgm'`)).rowCount! > 0;
  const months = (
    await src.query<{ f: string; t: string }>(`
    select to_char(m, 'YYYY-MM-DD') as f, to_char(m + interval '1 month', 'YYYY-MM-DD') as t
    from (select distinct date_trunc('month', posted_at, 'UTC') as m from posts) d`)
  ).rows;
  const variants: [string, string | null, boolean][] = [
    ['bare (no index), one table', null, false],
    ['bare (no index), partitioned by month', null, true],
    [
      'primary key (platform, post_id, posted_at)',
      'alter table cw_ic add primary key (platform, post_id, posted_at)',
      true,
    ],
    ['posts_posted_at_idx (posted_at)', 'create index on cw_ic (posted_at)', true],
    [
      'posts_account_idx (account_id, platform, posted_at)',
      'create index on cw_ic (account_id, platform, posted_at)',
      true,
    ],
    ...(hasTrgm
      ? [
          [
            'posts_text_trgm_idx GIN trigram on text, originals',
            'create index on cw_ic using gin (text gin_trgm_ops) where repost_of is null',
            true,
          ] as [string, string, boolean],
        ]
      : []),
    [
      'dropped: repost_of (repost_of, posted_at) partial',
      'create index on cw_ic (repost_of, posted_at) where repost_of is not null',
      true,
    ],
    ['dropped: GIN urls', 'create index on cw_ic using gin (urls)', true],
    ['dropped: GIN hashtags', 'create index on cw_ic using gin (hashtags)', true],
  ];
  console.log(
    `\nindex cost: COPY of the ${n.toLocaleString('en-US')} posts into posts' columns with one index each (seconds; extra over the bare partitioned COPY)`,
  );
  let bare = 0;
  for (const [name, ddl, partitioned] of variants) {
    await dst.query('drop table if exists cw_ic');
    await dst.query(
      `create table cw_ic (like posts including defaults)${partitioned ? ' partition by range (posted_at)' : ''}`,
    );
    if (partitioned)
      for (const m of months)
        await dst.query(
          `create table cw_ic_${m.f.slice(0, 7).replace('-', '_')} partition of cw_ic for values from ('${m.f} 00:00+00') to ('${m.t} 00:00+00')`,
        );
    if (ddl) await dst.query(ddl);
    const t0 = performance.now();
    await pipeline(
      src.query(copyTo('copy (select * from posts) to stdout')),
      dst.query(copyFrom('copy cw_ic from stdin')),
    );
    const s = (performance.now() - t0) / 1000;
    if (name.startsWith('bare (no index), partitioned')) bare = s;
    console.log(
      `  ${name.padEnd(56)} ${s.toFixed(2).padStart(6)} s${ddl ? `  +${(s - bare).toFixed(2)} s` : ''}`,
    );
  }
  await dst.query('drop table if exists cw_ic');
  await src.end();
  await dst.end();
}
