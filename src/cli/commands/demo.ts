import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { Command } from 'commander';
import type { Config } from '../../../config/config.ts';
import { startApi, untilSignal } from '../../api/server.ts';
import { simulate } from '../../core/simulate/index.ts';
import type { CanonicalPost, ParsedRecord } from '../../core/types.ts';
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
/** The second debate's panel: real organic posts of another night, the planted accounts' cover. */
export const COVER_DIR = path.join(sharedDataDir(ROOT), 'debate-d2');
/** The first 2016 debate started at 01:00 UTC on 27 September; the campaign runs alongside it. */
const CAMPAIGN_START = '2016-09-27T01:00:00Z';

/**
 * Cover posts for the planted accounts: real posts of organic accounts (labels.csv) from
 * another night, as they were written — originals only, no links, mentions or hashtags (so
 * they add no shared object), 40–240 characters, each used once. Empty when the set is absent.
 */
export async function organicCover(dir = COVER_DIR, max = 4000): Promise<string[]> {
  const posts = path.join(dir, 'posts.ndjson.gz');
  const labels = path.join(dir, 'labels.csv');
  if (!fs.existsSync(posts) || !fs.existsSync(labels)) return [];
  const organic = new Set(
    fs
      .readFileSync(labels, 'utf8')
      .split('\n')
      .map((l) => l.split(','))
      .filter((c) => c[1]?.trim() === 'organic')
      .map((c) => c[0]!.trim()),
  );
  const out: string[] = [];
  const seen = new Set<string>();
  const lines = readline.createInterface({ input: fs.createReadStream(posts).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const p = JSON.parse(line) as { text?: string; repost_of?: string | null; account?: { id?: string } };
    const t = (p.text ?? '').replace(/\s+/g, ' ').trim();
    if (p.repost_of || !organic.has(p.account?.id ?? '') || t.length < 40 || t.length > 240 || /https?:|[@#]|^RT\b/i.test(t) || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
    if (out.length >= max) break;
  }
  lines.close();
  return out;
}

/**
 * The simulator's cover posts, told from the campaign's own: a post that is no repost, has
 * no link and shares no three-word run with any other planted post (copies and paraphrases
 * of the ring share most of theirs) is cover, and gets the next real organic post's text.
 */
export function withRealCover(posts: CanonicalPost[], cover: readonly string[]): CanonicalPost[] {
  if (cover.length === 0) return posts;
  const shingles = (t: string) => {
    const w = t.toLowerCase().split(/\s+/).filter(Boolean);
    const out = new Set<string>();
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3).join(' '));
    return out;
  };
  const count = new Map<string, number>();
  const sh = posts.map((p) => shingles(p.text));
  for (const set of sh) for (const x of set) count.set(x, (count.get(x) ?? 0) + 1);
  let next = 0;
  return posts.map((p, i) => {
    const isCover = !p.repost_of && p.urls.length === 0 && [...sh[i]!].every((x) => count.get(x) === 1);
    if (!isCover || next >= cover.length) return p;
    return { ...p, text: cover[next++]!, hashtags: [], mentions: [], urls: [] };
  });
}

/** A planted campaign from the simulator: a copy-paste ring and a link pusher during the debate. */
export async function* plantedCampaign(seed = 7, cover: readonly string[] = []): AsyncGenerator<ParsedRecord[]> {
  const sim = simulate({
    seed,
    start: CAMPAIGN_START,
    days: 0.1,
    organicAccounts: 0,
    viralBursts: 0,
    campaigns: 2,
    // smaller and slower than the IRA's debate-night networks, with half its posts ordinary
    // cover: a simulated ring looks like the real thing instead of outscoring it
    campaignSize: 6,
    campaignTypes: ['copy_paste', 'link_pusher'],
    wavesPerDay: 30,
    coverShare: 0.5,
  });
  const batch: ParsedRecord[] = [];
  let line = 0;
  for (const post of withRealCover([...sim.posts()], cover)) batch.push({ ok: true, post, pos: { file: 'planted-campaign', line: ++line } });
  yield batch;
}

export interface DemoLoad {
  batches: { source: string; records: number; batchId: number }[];
  scan: ScanResult;
}

/** Load the sample (debate posts if present, plus the planted campaign) and scan its whole span. */
export async function loadDemoData(config: Config, db: Db, log: Logger, files: string[], cover: readonly string[] = []): Promise<DemoLoad> {
  // streaming detection is left out: one scan over the whole span finds the same networks, once
  const cfg: Config = { ...config, detect: { ...config.detect, streaming: false } };
  const handle = await openIngestQueue(cfg, db, log, 0);
  const batches: DemoLoad['batches'] = [];
  try {
    const sources: { source: string; records: AsyncIterable<ParsedRecord | ParsedRecord[]> }[] = [
      ...files.map((f) => ({ source: f, records: readRecordBatches(f, { maxTextBytes: cfg.ingest.maxTextBytes, maxLineBytes: cfg.ingest.maxLineBytes }) })),
      { source: 'planted-campaign (coordwatch simulate)', records: plantedCampaign(7, cover) },
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
      const cover = await organicCover();
      const load = await loadDemoData(config, db, log, files, cover);
      for (const b of load.batches) out(`  batch ${b.batchId}  ${n(b.records)} records  ${b.source}`);
      const a = load.scan.applied;
      out(`  scan ${load.scan.scanRunId}: ${n(load.scan.posts)} posts, ${n(load.scan.clusters)} clusters, ${a?.opened.length ?? 0} alerts opened (${secs(Date.now() - started)})`);
    }
    const keys = await demoKeys(db, path.join(demoDir, 'demo-keys.json'), !fresh);
    const kinds = await alertOrigins(db, path.join(path.dirname(DEBATE_FILE), 'labels.csv'));
    if (kinds.length) {
      out('  alerts by score (members labelled in debate-d1/labels.csv):');
      for (const k of kinds.slice(0, 8)) out(`    #${k.id}  ${k.score.toFixed(1)}  ${k.members} accounts: ${k.ira ? `${k.ira} real IRA` : ''}${k.ira && k.planted ? ', ' : ''}${k.planted ? `${k.planted} planted` : ''}${k.organic ? `, ${k.organic} organic` : ''}`);
    }
    const firstReal = kinds.find((k) => k.ira > k.planted);
    if (flags.exit) {
      process.stdout.write(JSON.stringify({ viewerKey: keys.viewer, analystKey: keys.analyst, adminKey: keys.admin }) + '\n');
      return;
    }
    const api = await startApi(config, log, { db, port, host: flags.host });
    process.stdout.write(
      [
        '',
        `coordwatch demo is running: ${api.url}/console/alerts`,
        ...(firstReal ? [`  start with alert #${firstReal.id}, ${firstReal.ira} real IRA accounts: ${api.url}/console/alerts/${firstReal.id}`] : []),
        '',
        `  viewer key   ${keys.viewer}`,
        `  analyst key  ${keys.analyst}   (can confirm, dismiss, escalate)`,
        `  admin key    ${keys.admin}   (everything, incl. keys and /admin/queues)`,
        fresh ? '' : '  (the keys of the last run: --keep keeps them)',
        '',
        `Open ${api.url}/login and paste a key. API docs: ${api.url}/docs`,
        `  curl -H 'Authorization: Bearer ${keys.viewer}' '${api.url}/v1/alerts?limit=5'`,
        'Ctrl-C stops it.',
        '',
      ].join('\n'),
    );
    await untilSignal(config, log, api.close);
  } finally {
    await db.close();
  }
}

const DEMO_KEYS = [
  ['viewer', 'demo-viewer'],
  ['analyst', 'demo-analyst'],
  ['admin', 'demo-admin'],
] as const;
type DemoKeys = Record<(typeof DEMO_KEYS)[number][0], string>;

/**
 * The demo's keys. A fresh demo makes new ones; `--keep` reuses the last run's, kept in the
 * throwaway demo folder (`demo-keys.json`, mode 600) so the keys printed then still open the
 * console — as long as each still verifies with its role; otherwise all are made anew.
 */
async function demoKeys(db: Db, file: string, keep: boolean): Promise<DemoKeys> {
  const repo = apiKeyRepository(db.kysely);
  if (keep && fs.existsSync(file)) {
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DemoKeys>;
      const ok = await Promise.all(DEMO_KEYS.map(async ([role]) => typeof saved[role] === 'string' && (await repo.verify(saved[role]))?.role === role));
      if (ok.every(Boolean)) return saved as DemoKeys;
    } catch {
      // unreadable: make new ones
    }
  }
  const out = {} as DemoKeys;
  for (const [role, name] of DEMO_KEYS) {
    await repo.revoke(name);
    out[role] = (await repo.create({ name, role, createdBy: 'demo' })).key;
  }
  fs.writeFileSync(file, JSON.stringify(out) + '\n', { mode: 0o600 });
  return out;
}

interface AlertOrigin {
  id: number;
  score: number;
  members: number;
  ira: number;
  organic: number;
  planted: number;
}

/** Which alerts are the debate night's real IRA networks and which the planted campaign, by the set's labels. */
async function alertOrigins(db: Db, labelsFile: string): Promise<AlertOrigin[]> {
  const labels = new Map<string, string>();
  if (fs.existsSync(labelsFile)) {
    for (const line of fs.readFileSync(labelsFile, 'utf8').split('\n').slice(1)) {
      const [id, label] = line.split(',');
      if (id && label) labels.set(id.trim(), label.trim());
    }
  }
  const rows = await db.kysely
    .selectFrom('alerts as a')
    .innerJoin('alert_members as m', 'm.alert_id', 'a.id')
    .select(['a.id', 'a.score', 'm.account_id'])
    .orderBy('a.score', 'desc')
    .orderBy('a.id')
    .execute();
  const by = new Map<number, AlertOrigin>();
  for (const r of rows) {
    const o = by.get(r.id) ?? { id: r.id, score: r.score, members: 0, ira: 0, organic: 0, planted: 0 };
    o.members++;
    const l = labels.get(r.account_id);
    if (l === 'ira') o.ira++;
    else if (l === 'organic') o.organic++;
    else o.planted++;
    by.set(r.id, o);
  }
  return [...by.values()];
}
