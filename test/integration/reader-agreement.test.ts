import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalOrder, toCorePost } from '../../src/core/posts.ts';
import type { CanonicalAccount, CorePost } from '../../src/core/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { loadAccounts, loadPosts } from '../../src/detect/load.ts';
import { loadCorePosts } from '../../src/ingest/core-posts.ts';
import { detectFormat, InputError, parseColumnMapping, readRecordBatches } from '../../src/ingest/index.ts';
import type { InputFormat, ReadOptions } from '../../src/ingest/index.ts';
import { produceIngest, waitForBatch } from '../../src/queue/ingest-producer.ts';
import { InlineQueue } from '../../src/queue/job-queue.ts';
import { createIngestProcessor } from '../../src/queue/processors/ingest.ts';
import { DATA } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * Issue 8, "two readers that disagree": a file read for `networks` / `eval` (loadCorePosts)
 * gives exactly the posts the monitor works on after ingesting it (adapters → ingest queue →
 * Postgres → detect/load.ts loadPosts): same keys, times, texts and lists, same counts of
 * rejected and repeated records, same account profiles. The core is pure, so equal posts make
 * equal edges, clusters and fingerprints.
 */

const FORMATS = path.join(DATA, 'formats');
const ALL_TIME = { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2100-01-01T00:00:00Z') };
const log = pino({ level: 'silent' });

interface Case {
  name: string;
  input: string;
  read: ReadOptions;
}

/** every sample file the adapters read today (found by sniffing, so new adapters join in) */
async function sampleCases(): Promise<{ cases: Case[]; skipped: string[] }> {
  const cases: Case[] = [];
  const skipped: string[] = [];
  for (const dir of fs.readdirSync(FORMATS).sort()) {
    const full = path.join(FORMATS, dir);
    if (dir === 'ira-by-author') {
      cases.push({ name: 'formats/ira-by-author (folder)', input: full, read: {} });
      continue;
    }
    for (const f of fs.readdirSync(full).sort()) {
      const file = path.join(full, f);
      if (dir === 'pitt-debates' && f === 'tweets_debate1.csv') {
        const mapping = parseColumnMapping(path.resolve(__dirname, '../fixtures/ingest/pitt-debate1.mapping.json'));
        cases.push({ name: `formats/${dir}/${f} (mapping)`, input: file, read: { format: 'csv', mapping } });
        continue;
      }
      let format: InputFormat;
      try {
        format = await detectFormat(file);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        skipped.push(`${dir}/${f}`);
        continue;
      }
      // a CSV of no known layout needs a mapping: not a sample of a format
      if (format === 'csv') skipped.push(`${dir}/${f}`);
      else cases.push({ name: `formats/${dir}/${f}`, input: file, read: { format } });
    }
  }
  return { cases, skipped };
}

const SETS: Case[] = ['debate-d1/posts.ndjson.gz', 'debate-d1/posts.cnt.csv.gz', 'debate-d2/posts.ndjson.gz', 'ira-2016q4/posts.ndjson.gz'].map((f) => ({
  name: f,
  input: path.join(DATA, f),
  read: {},
}));

/** What the workers do with a file: the ingest queue (in-process, as without Redis) writes it to Postgres. */
async function ingest(db: Db, c: Case): Promise<{ accepted: number; rejected: number; duplicates: number }> {
  const processor = createIngestProcessor({ db, log });
  const queue = new InlineQueue(processor, { attempts: 2, backoffMs: 50 }, 2, log);
  try {
    const produced = await produceIngest({
      db,
      queue,
      records: readRecordBatches(c.input, c.read),
      source: 'test',
      format: c.read.format ?? null,
      fileName: c.input,
      chunkSize: 5000,
      maxQueued: 8,
    });
    expect(produced.readError).toBeNull();
    await queue.drain();
    const b = await waitForBatch(db, produced.batchId, { checkMs: 50, timeoutMs: 120_000 });
    expect(b.status, b.error ?? '').toBe('completed');
    return { accepted: b.accepted, rejected: b.rejected, duplicates: b.duplicates };
  } finally {
    await queue.close();
  }
}

const sorted = (ps: CorePost[]) => [...ps].sort(canonicalOrder);

/** created_at as an instant: ingest writes `…:28Z`, the table gives back `…:28.000Z` */
const sameInstant = (a: CanonicalAccount): CanonicalAccount => ({
  ...a,
  created_at: a.created_at === null ? null : new Date(a.created_at).toISOString(),
});

/** Per account key, the profiles of its posts at its latest time (first record of a post id only). */
async function latestProfiles(c: Case): Promise<Map<string, CanonicalAccount[]>> {
  const best = new Map<string, { t: number; profiles: CanonicalAccount[] }>();
  const seen = new Set<string>();
  for await (const batch of readRecordBatches(c.input, c.read)) {
    for (const r of batch) {
      if (!r.ok) continue;
      const p = toCorePost(r.post);
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const b = best.get(p.account);
      if (b === undefined || p.t > b.t) best.set(p.account, { t: p.t, profiles: [r.post.account] });
      else if (p.t === b.t) b.profiles.push(r.post.account);
    }
  }
  return new Map([...best].map(([k, v]) => [k, v.profiles]));
}

describe('reader agreement: loadCorePosts(file) = ingest → Postgres → loadPosts', () => {
  let tdb: TestDatabase;
  let db: Db;
  let found: { cases: Case[]; skipped: string[] };

  beforeAll(async () => {
    found = await sampleCases();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  /** one database per input: posts of two inputs may share ids */
  async function fresh(): Promise<Db> {
    await db?.close();
    await tdb?.drop();
    tdb = await createTestDatabase();
    db = await tdb.open();
    return db;
  }

  async function agree(c: Case): Promise<{ posts: number; accountsCompared: number }> {
    const d = await fresh();
    const counts = await ingest(d, c);
    const fromDb = await loadPosts(d, ALL_TIME);
    const fromFile = await loadCorePosts(c.input, { read: c.read });
    expect(fromFile.posts.length, `${c.name}: posts`).toBe(counts.accepted);
    expect(fromFile.rejected, `${c.name}: rejected`).toBe(counts.rejected);
    expect(fromFile.duplicates, `${c.name}: repeated ids`).toBe(counts.duplicates);
    expect(sorted(fromFile.posts), c.name).toEqual(fromDb);
    // accounts: the profile of the latest post. Where an account has posts with different
    // profiles at its latest time (the Pitt panel captured most tweets twice, follower counts
    // apart) the table keeps whichever chunk landed last, and fills its empty fields from
    // earlier chunks: either is right, so those are only checked to be there.
    const stored = new Map([...(await loadAccounts(d.kysely, fromDb.map((p) => p.account)))].map(([k, v]) => [k, sameInstant(v)]));
    const latest = await latestProfiles(c);
    expect([...fromFile.accounts.keys()].sort(), `${c.name}: accounts`).toEqual([...stored.keys()].sort());
    let checked = 0;
    for (const [k, a] of fromFile.accounts) {
      const candidates = latest.get(k) as CanonicalAccount[];
      if (candidates.some((x) => !isDeepStrictEqual(x, candidates[0]))) continue;
      checked++;
      expect(stored.get(k), `${c.name}: ${k}`).toEqual(sameInstant(a));
    }
    return { posts: fromDb.length, accountsCompared: checked };
  }

  it('every sample of ../shared/data/formats that an adapter reads', async () => {
    // the samples this test covers, so a sample silently dropping out shows
    expect(found.cases.length).toBeGreaterThanOrEqual(12);
    let posts = 0;
    let compared = 0;
    for (const c of found.cases) {
      const r = await agree(c);
      posts += r.posts;
      compared += r.accountsCompared;
    }
    expect(posts).toBeGreaterThan(25_000);
    expect(compared).toBeGreaterThan(1000);
  }, 600_000);

  for (const c of SETS) {
    it(c.name, async () => {
      const r = await agree(c);
      expect(r.posts).toBeGreaterThan(20_000);
      expect(r.accountsCompared).toBeGreaterThan(100);
    }, 300_000);
  }
});
