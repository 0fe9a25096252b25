import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Db } from '../../src/db/connection.ts';
import { DATA, killAll, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

const CORPUS = path.join(DATA, 'formats/bluesky/jetstream_corpus.jsonl');

interface Ev {
  raw: string;
  time_us: number;
  kind: string;
  collection: string | null;
}

function loadCorpus(): Ev[] {
  return fs
    .readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((raw) => {
      const v = JSON.parse(raw) as { time_us: number; kind: string; commit?: { collection?: string } };
      return { raw, time_us: v.time_us, kind: v.kind, collection: v.commit?.collection ?? null };
    })
    .sort((a, b) => a.time_us - b.time_us);
}

/**
 * A local Jetstream: serves the events in time_us order from `?cursor=` on (all of them without
 * one), only `wantedCollections` commits (identity and account events always, as Jetstream does),
 * one every `paceMs`, and drops the connections listed in `dropAfter` after that many messages.
 */
function replayServer(events: Ev[], o: { paceMs: number; dropAfter: Map<number, number> }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const connections: { cursor: number | null; collections: string[]; sent: number }[] = [];
  let sent = 0;
  wss.on('connection', (ws: WebSocket, req) => {
    const u = new URL(req.url ?? '/', 'ws://x');
    const cursorParam = u.searchParams.get('cursor');
    const conn = { cursor: cursorParam === null ? null : Number(cursorParam), collections: u.searchParams.getAll('wantedCollections'), sent: 0 };
    const n = connections.push(conn);
    const list = events.filter(
      (e) => (conn.cursor === null || e.time_us >= conn.cursor) && (e.kind !== 'commit' || conn.collections.length === 0 || conn.collections.includes(e.collection ?? '')),
    );
    let i = 0;
    const drop = o.dropAfter.get(n);
    const tick = (): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (drop !== undefined && conn.sent >= drop) {
        ws.terminate(); // mid-stream, no close frame
        return;
      }
      if (i >= list.length) return; // caught up: stay open, as a live stream would
      ws.send(list[i++].raw);
      conn.sent++;
      sent++;
      setTimeout(tick, o.paceMs);
    };
    tick();
  });
  const ready = new Promise<number>((r) => wss.on('listening', () => r((wss.address() as { port: number }).port)));
  return {
    ready,
    connections,
    get sent() {
      return sent;
    },
    close: () => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }),
  };
}

/** `n` distinct events made from the corpus posts and likes (fresh rkeys and times), for the rate. */
function synthetic(base: Ev[], n: number): Ev[] {
  const src = base.filter((e) => (e.collection === 'app.bsky.feed.like' || e.collection === 'app.bsky.feed.post') && !e.raw.includes('"operation":"delete"'));
  const t0 = 1_790_000_000_000_000;
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const e = src[i % src.length];
    const v = JSON.parse(e.raw) as { time_us: number; commit: { rkey: string } };
    v.time_us = t0 + i * 50;
    v.commit.rkey = `${v.commit.rkey}x${i}`;
    out.push({ raw: JSON.stringify(v), time_us: v.time_us, kind: 'commit', collection: e.collection });
  }
  return out;
}

describe('coordwatch stream bluesky against a local Jetstream replay', () => {
  let tdb: TestDatabase;
  let db: Db;
  let q: { prefix: string; cleanup(): Promise<void> };
  const children: ReturnType<typeof startProcess>[] = [];
  let server: ReturnType<typeof replayServer> | null = null;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
  });
  afterEach(async () => {
    await killAll(children);
    await server?.close();
    server = null;
    await q?.cleanup();
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const one = async (sql: string) => (await db.pool!.query(sql)).rows[0] as Record<string, unknown>;
  const num = async (sql: string) => Number(Object.values(await one(sql))[0]);

  it('dropped mid-stream, then stopped and restarted: every event lands once, none missing', async () => {
    q = testQueuePrefix();
    const events = loadCorpus();
    // connection 1 is cut after 40 events; connection 2 (the reconnect) runs until the process is stopped
    server = replayServer(events, { paceMs: 15, dropAfter: new Map([[1, 40]]) });
    const port = await server.ready;
    const env = {
      DATABASE_URL: tdb.url,
      REDIS_URL,
      QUEUE_PREFIX: q.prefix,
      STREAM_URL: `ws://127.0.0.1:${port}/subscribe`,
      STREAM_CURSOR: '0',
      STREAM_CHUNK_SIZE: '10',
      STREAM_FLUSH_MS: '100',
      STREAM_OVERLAP_MS: '2000',
      STREAM_NAME: 'replay',
    };
    children.push(startProcess('workers/ingest.ts', [], env));
    const s1 = startProcess('workers/stream/bluesky.ts', [], env);
    children.push(s1);
    await waitFor('the drop and a reconnect', async () => (server!.connections.length >= 2 && server!.connections[1].sent >= 40 ? true : null), 60_000, 20);
    s1.kill('SIGTERM');
    expect(await s1.exited).toBe(0);
    const mid = await one(`select cursor_us::text as c, cardinality(seen) as seen, events from stream_cursors`);
    expect(Number(mid.c)).toBeGreaterThan(events[0].time_us);

    // the reconnect asked for newest − overlap; so does the restart
    expect(server.connections[1].cursor).not.toBeNull();
    const s2 = startProcess('workers/stream/bluesky.ts', [], env);
    children.push(s2);
    const wanted = events.filter((e) => e.kind !== 'commit' || ['app.bsky.feed.post', 'app.bsky.feed.repost', 'app.bsky.feed.like', 'app.bsky.graph.follow'].includes(e.collection ?? ''));
    expect(wanted.length).toBe(149);
    await waitFor(
      'every event written',
      async () => ((await num(`select coalesce(sum(accepted + rejected + duplicates), 0) from ingest_batches where status = 'completed'`)) >= 147 &&
        (await num(`select count(*) from ingest_batches where status = 'running'`)) === 0
        ? true
        : null),
      60_000,
      100,
    );
    s2.kill('SIGTERM');
    expect(await s2.exited).toBe(0);
    expect(server.connections.length).toBe(3);
    expect(server.connections[2].cursor).toBe(Number(mid.c) - 2_000_000);

    // 143 records (17 posts, 15 reposts, 105 likes, 6 follows), each once; 4 deletes recorded once
    expect(await num(`select count(*) from posts where platform = 'bluesky'`)).toBe(143);
    expect(await num(`select count(*) from posts where post_id like '%/app.bsky.feed.like/%'`)).toBe(105);
    expect(await num(`select count(*) from rejected_records`)).toBe(4);
    expect(await num(`select count(distinct reason) from rejected_records where reason like 'delete of at://%'`)).toBe(4);
    // nothing was queued twice: the replayed overlap was recognised before the queue
    expect(await num(`select coalesce(sum(duplicates), 0) from ingest_batches`)).toBe(0);
    expect(await num(`select coalesce(sum(accepted), 0) from ingest_batches`)).toBe(143);
    const cur = await one(`select cursor_us::text as c from stream_cursors where name = 'replay'`);
    expect(Number(cur.c)).toBe(events[events.length - 1].time_us);
  }, 180_000);

  it('sustained rate: 6,000 events through the queue into Postgres', async () => {
    q = testQueuePrefix();
    await db.pool!.query('truncate posts, rejected_records, ingest_chunks, ingest_batches, stream_cursors cascade');
    const N = 6000;
    server = replayServer(synthetic(loadCorpus(), N), { paceMs: 0, dropAfter: new Map() });
    const port = await server.ready;
    const env = {
      DATABASE_URL: tdb.url,
      REDIS_URL,
      QUEUE_PREFIX: q.prefix,
      STREAM_URL: `ws://127.0.0.1:${port}/subscribe`,
      STREAM_CURSOR: '0',
      STREAM_CHUNK_SIZE: '2000',
      STREAM_FLUSH_MS: '500',
      STREAM_NAME: 'rate',
    };
    children.push(startProcess('workers/ingest.ts', [], env));
    const t0 = Date.now();
    const s = startProcess('workers/stream/bluesky.ts', [], env);
    children.push(s);
    const queued = await waitFor('all events queued', async () => ((await num(`select coalesce(max(events), 0) from stream_cursors`)) >= N ? Date.now() : null), 120_000, 50);
    await waitFor('all posts written', async () => ((await num(`select count(*) from posts`)) >= N ? true : null), 120_000, 100).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await num('select count(*) from posts')} posts, batches ${JSON.stringify((await db.pool!.query('select status, count(*) from ingest_batches group by 1')).rows)}`);
    });
    const written = Date.now();
    s.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    const qRate = Math.round((N * 1000) / (queued - t0));
    const wRate = Math.round((N * 1000) / (written - t0));
    fs.mkdirSync(path.join(import.meta.dirname, '../../test-logs'), { recursive: true });
    fs.appendFileSync(path.join(import.meta.dirname, '../../test-logs/stream-rate.log'), `${new Date().toISOString()} ${N} events: queued ${qRate}/s, written ${wRate}/s (process start included)\n`);
    console.log(`stream rate: ${N} events queued at ${qRate} events/s, written at ${wRate} events/s (incl. process start)`);
    expect(await num(`select count(*) from posts`)).toBe(N);
  }, 240_000);
});
