/**
 * One live window's runs, replayed deterministically: simulated posts stream into one
 * 1-minute window (and its Δ margin) at a given rate, written chunk by chunk as ingest
 * writes them; after every RUN_EVERY posts the window is run twice on the same snapshot, by
 * an engine that keeps its state between runs and by one that reads the window whole each
 * time (the reference), back to back. Prints each run's phases and CPU for both, and checks
 * that both found the same edges and the same clusters. Unlike bench:latency, the runs do
 * not depend on how fast anything else was, so the two can be compared on a busy machine.
 *
 *   npx tsx bench/live-window.ts                          # RATE=10000 DURATION_S=30 RUN_EVERY=20000
 *   RATE=5000 DURATION_S=60 npx tsx bench/live-window.ts
 *
 * Uses TEST_PG_ADMIN_URL (default: the local service); creates and drops its own database.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_DETECTION } from '../config/detection.ts';
import { loadNarrativeLexicons } from '../config/narratives.ts';
import { compileNarratives } from '../src/core/narratives/index.ts';
import { liveStream } from './live-stream.ts';
import { migrateToLatest, openPostgres } from '../src/db/connection.ts';
import { ingestRepository } from '../src/db/ingest-repository.ts';
import { inlineEngine } from '../src/detect/engine.ts';
import type { Engine, WindowTask, WindowTaskResult } from '../src/detect/engine.ts';

const ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RATE = Number(process.env.RATE ?? 10_000);
const DURATION_S = Number(process.env.DURATION_S ?? 30);
const RUN_EVERY = Number(process.env.RUN_EVERY ?? 20_000);
const CHUNK = Math.max(1, Math.round(RATE / 4));

const W = { start: new Date('2026-11-02T12:00:00Z'), end: new Date('2026-11-02T12:01:00Z') };
const RANGE = { start: W.start, end: new Date(W.end.getTime() + 60_000) };

async function timed(
  engine: Engine,
  task: WindowTask,
): Promise<{ r: WindowTaskResult; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await engine.window(task);
  await engine.storeWindow({
    window: task.window,
    hash: r.hash,
    detectorVersion: task.params.detectorVersion,
  });
  const c = process.cpuUsage(c0);
  return { r, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const fmt = (ms: Record<string, number>) =>
  Object.entries(ms)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const sameResult = (a: WindowTaskResult, b: WindowTaskResult) =>
  a.hash === b.hash &&
  a.posts === b.posts &&
  JSON.stringify(a.cluster?.result ?? null) === JSON.stringify(b.cluster?.result ?? null);

async function main(): Promise<void> {
  const total = RATE * DURATION_S;
  const { posts } = liveStream(total);
  // the stream's clock: post i at i / RATE seconds into the window (bench:latency's rewrite), whole seconds
  const span = RANGE.end.getTime() - RANGE.start.getTime();
  const stamped = posts.map((p, i) => ({
    ...p,
    posted_at: new Date(
      RANGE.start.getTime() + Math.min(span - 1000, Math.floor(i / RATE) * 1000),
    ).toISOString(),
  }));

  const name = `cw_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), 6);
  try {
    await migrateToLatest(db.kysely);
    const repo = ingestRepository(db.kysely);
    const batchId = await repo.createBatch({ source: 'bench', format: 'sim', fileName: null });
    const narratives = compileNarratives(loadNarrativeLexicons());
    const params = DEFAULT_DETECTION;
    const task: WindowTask = {
      range: RANGE,
      window: W,
      params,
      storedHash: null,
      from: new Date(W.end.getTime() - 10 * 60_000),
      cluster: true,
      watchlist: [],
    };
    const kept = inlineEngine(db, narratives);
    const whole = inlineEngine(db, narratives, { keepPosts: false });
    const sum = { kept: { wall: 0, cpu: 0 }, whole: { wall: 0, cpu: 0 } };
    let seq = 0;
    let differ = 0;
    let runs = 0;
    console.log(
      `live window: ${total} posts at ${RATE}/s in chunks of ${CHUNK}, a run every ${RUN_EVERY} posts; load ${(
        await import('node:os')
      )
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    for (let i = 0; i < stamped.length;) {
      const next = Math.min(stamped.length, i + RUN_EVERY);
      for (; i < next; i += CHUNK)
        await repo.writeChunk({
          batchId,
          seq: seq++,
          posts: stamped.slice(i, Math.min(next, i + CHUNK)),
          rejected: [],
        });
      // alternate which goes first, so neither always runs on a warmer cache
      const order = runs % 2 === 0 ? (['whole', 'kept'] as const) : (['kept', 'whole'] as const);
      const got: Partial<Record<'kept' | 'whole', Awaited<ReturnType<typeof timed>>>> = {};
      for (const k of order) got[k] = await timed(k === 'kept' ? kept : whole, task);
      const a = got.kept!;
      const b = got.whole!;
      runs++;
      const same = sameResult(a.r, b.r);
      if (!same) differ++;
      sum.kept.wall += a.wall;
      sum.kept.cpu += a.cpu;
      sum.whole.wall += b.wall;
      sum.whole.cpu += b.cpu;
      console.log(
        `  ${a.r.posts} posts (${same ? 'same edges and clusters' : 'RESULTS DIFFER'}): kept ${Math.round(a.wall)} ms (cpu ${Math.round(a.cpu)}; ${fmt(a.r.ms)}; cluster ${fmt(a.r.cluster?.ms ?? {})}) | whole ${Math.round(b.wall)} ms (cpu ${Math.round(b.cpu)}; ${fmt(b.r.ms)}; cluster ${fmt(b.r.cluster?.ms ?? {})})`,
      );
    }
    console.log(
      `${runs} runs: kept ${(sum.kept.wall / 1000).toFixed(1)} s wall, ${(sum.kept.cpu / 1000).toFixed(1)} s cpu; whole ${(sum.whole.wall / 1000).toFixed(1)} s wall, ${(sum.whole.cpu / 1000).toFixed(1)} s cpu; ` +
        `ratio cpu ${(sum.whole.cpu / sum.kept.cpu).toFixed(2)}×, wall ${(sum.whole.wall / sum.kept.wall).toFixed(2)}×; results differ in ${differ} of ${runs} runs; peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    await db.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
