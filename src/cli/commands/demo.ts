import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../../config/config.ts';
import { startApi, untilSignal } from '../../api/server.ts';
import { simulate } from '../../core/simulate/index.ts';
import type { ParsedRecord } from '../../core/types.ts';
import { apiKeyRepository } from '../../db/api-key-repository.ts';
import type { Db } from '../../db/connection.ts';
import type { ScanResult } from '../../detect/scan.ts';
import { readRecordBatches } from '../../ingest/index.ts';
import type { Logger } from '../../logger.ts';
import { produceIngest, runScanHere } from '../../app/index.ts';
import { openIngestQueue, openMigratedDb } from '../../app/services.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';
import { n, secs } from '../format.ts';
import { sharedDataDir } from '../../shared-data.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const DEBATE_FILE = path.join(sharedDataDir(ROOT), 'debate-d1/posts.ndjson.gz');
/** The first 2016 debate started at 01:00 UTC on 27 September; the campaign runs alongside it. */
const CAMPAIGN_START = '2016-09-27T01:00:00Z';

/** A planted campaign from the simulator: a copy-paste ring and a link pusher during the debate. */
export async function* plantedCampaign(seed = 7): AsyncGenerator<ParsedRecord[]> {
  const sim = simulate({
    seed,
    start: CAMPAIGN_START,
    days: 0.1,
    organicAccounts: 0,
    viralBursts: 0,
    campaigns: 2,
    campaignSize: 10,
    campaignTypes: ['copy_paste', 'link_pusher'],
    wavesPerDay: 60,
  });
  const batch: ParsedRecord[] = [];
  let line = 0;
  for (const post of sim.posts()) batch.push({ ok: true, post, pos: { file: 'planted-campaign', line: ++line } });
  yield batch;
}

export interface DemoLoad {
  batches: { source: string; records: number; batchId: number }[];
  scan: ScanResult;
}

/** Load the sample (debate posts if present, plus the planted campaign) and scan its whole span. */
export async function loadDemoData(config: Config, db: Db, log: Logger, files: string[]): Promise<DemoLoad> {
  // streaming detection is left out: one scan over the whole span finds the same networks, once
  const cfg: Config = { ...config, detect: { ...config.detect, streaming: false } };
  const handle = await openIngestQueue(cfg, db, log, 0);
  const batches: DemoLoad['batches'] = [];
  try {
    const sources: { source: string; records: AsyncIterable<ParsedRecord | ParsedRecord[]> }[] = [
      ...files.map((f) => ({ source: f, records: readRecordBatches(f, { maxTextBytes: cfg.ingest.maxTextBytes, maxLineBytes: cfg.ingest.maxLineBytes }) })),
      { source: 'planted-campaign (coordwatch simulate)', records: plantedCampaign() },
    ];
    for (const s of sources) {
      const r = await produceIngest({ db, queue: handle.queue, records: s.records, source: s.source, format: 'ndjson', fileName: s.source, chunkSize: cfg.ingest.chunkSize, maxQueued: cfg.ingest.maxQueuedChunks });
      await handle.queue.drain();
      batches.push({ source: s.source, records: r.records, batchId: r.batchId });
    }
  } finally {
    await handle.close();
  }
  const span = await db.kysely
    .selectFrom('posts')
    .select((eb) => [eb.fn.min('posted_at').as('lo'), eb.fn.max('posted_at').as('hi')])
    .executeTakeFirstOrThrow();
  const lo = new Date(span.lo as unknown as string).getTime();
  const hi = new Date(span.hi as unknown as string).getTime();
  const w = { start: new Date(Math.floor(lo / 60_000) * 60_000), end: new Date(Math.floor(hi / 60_000) * 60_000 + 60_000) };
  const scan = await runScanHere(cfg, db, log, 'manual', w);
  return { batches, scan };
}

interface DemoFlags {
  port?: string;
  host?: string;
  data?: string;
  keep?: boolean;
  exit?: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the whole monitor on this machine: embedded Postgres, in-process jobs, the debate sample plus a planted campaign, a scan, and the console')
    .option('-p, --port <port>', 'port (default API_PORT, 8080)')
    .option('--host <host>', 'address (default 127.0.0.1)')
    .option('--data <file>', 'posts to load besides the planted campaign', DEBATE_FILE)
    .option('--keep', 'keep the demo database from the last run instead of starting afresh')
    .option('--exit', 'load and scan, print the summary, and exit without serving')
    .action((flags: DemoFlags) => runCommand(() => demoCommand(flags)));
}

async function demoCommand(flags: DemoFlags): Promise<void> {
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) throw new UsageError(`--port: expected 0 to 65535, got "${flags.port}"`);
  const ctx = cliContext();
  // always embedded: the demo needs nothing but Node, and never touches a real deployment
  const demoDir = path.join(ctx.config.dataDir, 'demo');
  const config: Config = { ...ctx.config, databaseUrl: null, redisUrl: null, dataDir: demoDir };
  const log = ctx.log;
  const out = (s: string) => process.stderr.write(s + '\n');

  const fresh = !flags.keep || !fs.existsSync(path.join(demoDir, 'pglite'));
  if (fresh) fs.rmSync(demoDir, { recursive: true, force: true });
  const db = await openMigratedDb(config, log);
  try {
    if (fresh) {
      const files = flags.data && fs.existsSync(flags.data) ? [flags.data] : [];
      if (flags.data && files.length === 0) out(`demo: ${flags.data} not found; loading only the planted campaign`);
      out(`demo: loading ${files.length ? path.relative(process.cwd(), files[0]!) + ' and ' : ''}a planted campaign into ${demoDir} …`);
      const started = Date.now();
      const load = await loadDemoData(config, db, log, files);
      for (const b of load.batches) out(`  batch ${b.batchId}  ${n(b.records)} records  ${b.source}`);
      const a = load.scan.applied;
      out(`  scan ${load.scan.scanRunId}: ${n(load.scan.posts)} posts, ${n(load.scan.clusters)} clusters, ${a?.opened.length ?? 0} alerts opened (${secs(Date.now() - started)})`);
    }
    const keys = apiKeyRepository(db.kysely);
    await keys.revoke('demo-viewer');
    await keys.revoke('demo-analyst');
    const viewer = await keys.create({ name: 'demo-viewer', role: 'viewer', createdBy: 'demo' });
    const analyst = await keys.create({ name: 'demo-analyst', role: 'analyst', createdBy: 'demo' });
    if (flags.exit) {
      process.stdout.write(JSON.stringify({ viewerKey: viewer.key, analystKey: analyst.key }) + '\n');
      return;
    }
    const api = await startApi(config, log, { db, port, host: flags.host });
    process.stdout.write(
      [
        '',
        `coordwatch demo is running: ${api.url}/console/alerts`,
        '',
        `  viewer key   ${viewer.key}`,
        `  analyst key  ${analyst.key}   (can confirm, dismiss, escalate)`,
        '',
        `Open ${api.url}/login and paste a key. API docs: ${api.url}/docs`,
        `  curl -H 'Authorization: Bearer ${viewer.key}' '${api.url}/v1/alerts?limit=5'`,
        'Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
    await untilSignal(config, log, api.close);
  } finally {
    await db.close();
  }
}
