import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Transferable } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { analysisEdges } from '../../src/core/analyze.ts';
import { compileNarratives } from '../../src/core/narratives/index.ts';
import type { CompiledNarratives } from '../../src/core/narratives/index.ts';
import type { CanonicalPost } from '../../src/core/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { ingestRepository } from '../../src/db/ingest-repository.ts';
import { threadEngine } from '../../src/detect/engine-client.ts';
import { loadPosts, loadTextPosts } from '../../src/detect/load.ts';
import { scanKindSplit, scanOps } from '../../src/detect/scan-engine.ts';
import type { ScanTask } from '../../src/detect/scan-engine.ts';
import { receiveTextPosts } from '../../src/detect/scan-stream.ts';
import type { StreamMessage } from '../../src/detect/scan-stream.ts';
import { nullLogger } from '../../src/logger.ts';
import { writeSimulatedWindow } from '../helpers/scan-window.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * A scan reads its window once (one cursor, one transaction) on the thread that prepares it,
 * and streams what the text kinds read to the thread that builds their edges
 * (scan-stream.ts). Both threads see the same rows: the streamed posts are exactly the
 * posts loadTextPosts builds, the helper's edges those of one full load, a post landing
 * while the window is read is in neither; and when either side fails or goes away mid-stream
 * the other stops with the reason, the preparation is dropped and nothing waits. Real
 * Postgres; more posts than one cursor fetch (20,000), so the stream has several batches.
 */

let tdb: TestDatabase;
let db: Db;
let narratives: CompiledNarratives;
let total = 0;
let template: CanonicalPost;
const window = { start: new Date(0), end: new Date(0) };

const plain = (x: unknown) =>
  JSON.parse(
    JSON.stringify(x, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)),
  );

const rolling = (): ScanTask => ({
  window,
  params: DEFAULT_DETECTION,
  sightings: false,
  watchlist: [],
  longHorizon: null,
});

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  narratives = compileNarratives(loadNarrativeLexicons());
  const w = await writeSimulatedWindow(db, {
    seed: 11,
    days: 1,
    organicAccounts: 600,
    posts: 45_000,
    campaigns: 4,
    campaignSize: 8,
    wavesPerDay: 48,
  });
  const posts = w.posts;
  Object.assign(window, w.window);
  template = posts[posts.length >> 1]!;
  total = (await loadPosts(db, window)).length;
}, 180_000);

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

/**
 * A port standing between the sender and the receiver: forwards every message in order,
 * after `before(message, n)` (awaited) for the n-th one; `before` returning false closes the
 * receiver's side instead (the sender's thread gone, as far as the receiver knows).
 */
function relay(before: (m: StreamMessage, n: number) => Promise<boolean>): {
  toSender: MessagePort;
  toReceiver: MessagePort;
} {
  const a = new MessageChannel();
  const b = new MessageChannel();
  let n = 0;
  let chain = Promise.resolve(true);
  a.port2.on('message', (m: StreamMessage) => {
    const k = n++;
    chain = chain.then(async (open) => {
      if (!open) return false;
      if (!(await before(m, k))) {
        b.port1.close();
        a.port2.close();
        return false;
      }
      const transfer: Transferable[] = 'batch' in m ? [m.batch.t.buffer as ArrayBuffer] : [];
      b.port1.postMessage(m, transfer);
      return true;
    });
  });
  a.port2.on('close', () => void chain.then(() => b.port1.close()));
  return { toSender: a.port1, toReceiver: b.port2 };
}

async function insertPost(id: string): Promise<void> {
  const repo = ingestRepository(db.kysely);
  const batchId = await repo.createBatch({ source: 'test', format: 'sim', fileName: null });
  const at = new Date((window.start.getTime() + window.end.getTime()) / 2).toISOString();
  await repo.writeChunk({
    batchId,
    seq: 0,
    posts: [
      {
        ...template,
        post_id: id,
        posted_at: at,
        account: { ...template.account, id: `late-${id}` },
      },
    ],
    rejected: [],
  });
}

describe('a scan read once and streamed to its edges thread', () => {
  it('streams exactly the posts loadTextPosts builds, in its order, in several batches', async () => {
    const ops = scanOps(db, narratives);
    const { port1, port2 } = new MessageChannel();
    let batches = 0;
    port2.on('message', (m: StreamMessage) => {
      if ('batch' in m) batches++;
    });
    const [streamed] = await Promise.all([
      receiveTextPosts(port2),
      ops.scanPrepare({ ...rolling(), id: 1, stream: port1 }),
    ]);
    await ops.scanDrop({ id: 1 });
    expect(total).toBeGreaterThan(40_000);
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(streamed.length).toBe(total);
    // field for field and in order (stricter than toEqual, which ignores key order)
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(await loadTextPosts(db, window)));
  }, 120_000);

  it("gives the helper the edges of one full load, and the split scan one thread's result", async () => {
    const ops = scanOps(db, narratives);
    const split = scanKindSplit(DEFAULT_DETECTION);
    const { port1, port2 } = new MessageChannel();
    const [built] = await Promise.all([
      ops.scanEdges({ window, params: DEFAULT_DETECTION, kinds: split.edges, stream: port2 }),
      ops.scanPrepare({ ...rolling(), id: 2, kinds: split.prepare, stream: port1 }),
    ]);
    const res = await ops.scanFinish({ id: 2, edges: built.edges });
    expect(built.posts).toBe(total);
    expect(res.posts).toBe(total);
    const full = analysisEdges(await loadPosts(db, window), {
      ...DEFAULT_DETECTION,
      edges: { ...DEFAULT_DETECTION.edges, kinds: split.edges },
    });
    expect(built.edges.length).toBeGreaterThan(0);
    expect(plain(built.edges)).toEqual(plain(full));
    expect(plain(res.result)).toEqual(
      plain((await scanOps(db, narratives).scan(rolling())).result),
    );
  }, 180_000);

  it('a post landing while the window is read is in neither thread’s posts', async () => {
    const ops = scanOps(db, narratives);
    const split = scanKindSplit(DEFAULT_DETECTION);
    let inserted = false;
    // after the first batch has been read and sent, before the rest: a post lands in the window
    const r = relay(async (_m, n) => {
      if (n === 0) {
        await insertPost('landed-during-read');
        inserted = true;
      }
      return true;
    });
    const [built] = await Promise.all([
      ops.scanEdges({
        window,
        params: DEFAULT_DETECTION,
        kinds: split.edges,
        stream: r.toReceiver,
      }),
      ops.scanPrepare({ ...rolling(), id: 3, kinds: split.prepare, stream: r.toSender }),
    ]);
    const res = await ops.scanFinish({ id: 3, edges: built.edges });
    expect(inserted).toBe(true);
    expect(built.posts).toBe(total);
    expect(res.posts).toBe(total);
    // it did land in the window: the next read has it
    const after = await loadPosts(db, window);
    expect(after.length).toBe(total + 1);
    await sql`delete from posts where post_id = 'landed-during-read'`.execute(db.kysely);
    expect((await loadPosts(db, window)).length).toBe(total);
  }, 180_000);

  it('the helper gone mid-stream: the read stops, the preparation fails with the reason and is dropped', async () => {
    const ops = scanOps(db, narratives);
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    // a helper that takes one batch and is gone (its thread died)
    port2.on('message', (m: StreamMessage) => {
      seen.push(Object.keys(m)[0]!);
      port2.close();
    });
    await expect(ops.scanPrepare({ ...rolling(), id: 4, stream: port1 })).rejects.toThrow(
      /edges thread stopped before the window was read/,
    );
    // mid-stream: one batch of several went, never the end
    expect(seen).toEqual(['batch']);
    await expect(ops.scanFinish({ id: 4, edges: [] })).rejects.toThrow(/was not prepared/);
    // and the connection it read on went back (or was dropped), not left mid-cursor
    const busy = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state = 'idle in transaction'`.execute(db.kysely);
    expect(busy.rows[0]!.n).toBe(0);
  }, 120_000);

  it('the read failing mid-stream: the helper rejects with the reason, the preparation fails', async () => {
    const ops = scanOps(db, narratives);
    const split = scanKindSplit(DEFAULT_DETECTION);
    // after the first batch, the reading backend is killed (Postgres restarted under it)
    const r = relay(async (_m, n) => {
      if (n === 0)
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like 'fetch %'`.execute(
          db.kysely,
        );
      return true;
    });
    const [edges, prep] = await Promise.allSettled([
      ops.scanEdges({
        window,
        params: DEFAULT_DETECTION,
        kinds: split.edges,
        stream: r.toReceiver,
      }),
      ops.scanPrepare({ ...rolling(), id: 5, kinds: split.prepare, stream: r.toSender }),
    ]);
    expect(prep.status).toBe('rejected');
    expect(edges.status).toBe('rejected');
    const reason = (prep as PromiseRejectedResult).reason as Error;
    expect((edges as PromiseRejectedResult).reason.message).toContain(
      `loading thread failed: ${reason.message}`,
    );
    await expect(ops.scanFinish({ id: 5, edges: [] })).rejects.toThrow(/was not prepared/);
  }, 120_000);

  it('the sender gone mid-stream without a word: the helper rejects, no wait', async () => {
    const ops = scanOps(db, narratives);
    const r = relay(async (_m, n) => n === 0);
    const [edges] = await Promise.allSettled([
      ops.scanEdges({
        window,
        params: DEFAULT_DETECTION,
        kinds: scanKindSplit(DEFAULT_DETECTION).edges,
        stream: r.toReceiver,
      }),
      ops.scanPrepare({ ...rolling(), id: 6, stream: r.toSender }),
    ]);
    expect(edges.status).toBe('rejected');
    expect((edges as PromiseRejectedResult).reason.message).toMatch(
      /loading thread stopped before the window was read/,
    );
    await ops.scanDrop({ id: 6 });
  }, 120_000);

  it('on threads: the helper killed, the scan fails with the reason, drops its preparation, and the next scan is whole', async () => {
    let kill = true;
    const engine = threadEngine(
      { databaseUrl: tdb.url, poolSize: 2, narratives: true },
      nullLogger,
      {
        onHelper: (w) => {
          if (kill) void w.terminate();
        },
      },
    );
    try {
      await expect(engine.scan(rolling())).rejects.toThrow(/detection engine thread exited/);
      // the scan's preparation (id 1 on this engine) is gone
      await expect(engine.scanFinish({ id: 1, edges: [] })).rejects.toThrow(/was not prepared/);
      kill = false;
      const res = await engine.scan(rolling());
      expect(res.posts).toBe(total);
      expect(res.ms['edges.receivePosts']).toBeGreaterThanOrEqual(0);
      expect(res.ms['edges.loadPosts']).toBeUndefined();
      expect(plain(res.result)).toEqual(
        plain((await scanOps(db, narratives).scan(rolling())).result),
      );
    } finally {
      await engine.close();
    }
  }, 240_000);
});
