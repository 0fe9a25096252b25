import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Generated, RawBuilder, Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CanonicalAccount, CanonicalPost } from '../core/types.ts';
import { applyStorageLimits, INT4_MAX, STORAGE_LIMITS } from './limits.ts';
import type { StorageLimits, Trim } from './limits.ts';
import { personaHashOf, personaInput } from './persona.ts';
import type { Database, IngestBatch, RejectedRecord } from './schema/index.ts';
import { copyText } from './copy-text.ts';

export interface RejectedInput {
  file: string;
  line: number;
  raw: string;
  reason: string;
}

/** Where a post came from, for the records the write itself rejects or trims. */
export interface PostPosition {
  file: string;
  line: number;
}

export interface ChunkInput {
  batchId: number;
  seq: number;
  posts: CanonicalPost[];
  rejected: RejectedInput[];
  /** parallel to `posts` where known */
  positions?: (PostPosition | null)[];
}

export interface ChunkResult {
  /** false when this chunk had already been written (a retry): nothing was written again */
  written: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** duplicates whose stored post has other content: the stored post is kept, the id listed */
  changed: number;
  /** posts stored with a field trimmed to a storage limit */
  trimmed: number;
  /** time range of the accepted posts, for the detection that follows (epoch ms) */
  minPostedAt: number | null;
  maxPostedAt: number | null;
}

/** running → completed | failed | abandoned (no heartbeat for the stale timeout) */
export type BatchStatus = 'running' | 'completed' | 'failed' | 'abandoned';

/** A batch row with the columns of the ingest-hardening migration. */
export type IngestBatchRow = IngestBatch & { changed: number; trimmed: number; heartbeat_at: Date };

export interface PostNote {
  id: number;
  batch_id: number;
  kind: 'changed' | 'trimmed';
  platform: string;
  post_id: string;
  file: string | null;
  line: number | null;
  detail: string;
  created_at: Date;
}

export interface ChunkFailure {
  seq: number;
  attempts: number;
  error: string;
  updated_at: Date;
}

// The tables and columns of migrations/2026-12-02T01-00-00_ingest-hardening, typed here.
type HardeningTables = {
  ingest_batches: {
    changed: Generated<number>;
    trimmed: Generated<number>;
    heartbeat_at: Generated<Date>;
  };
  ingest_post_notes: {
    id: Generated<number>;
    batch_id: number;
    kind: string;
    platform: string;
    post_id: string;
    file: string | null;
    line: number | null;
    detail: string;
    created_at: Generated<Date>;
  };
  ingest_chunk_failures: {
    batch_id: number;
    seq: number;
    attempts: number;
    error: string;
    updated_at: Generated<Date>;
  };
};
type DB = Database & HardeningTables;

/** A running batch with no sign of life (producer heartbeat, chunk write) for this long is reaped. */
export const STALE_AFTER_MS = 10 * 60_000;

// Array elements travel joined by the unit separator, which is stripped from values:
// urls, hashtags and mentions never legitimately contain control characters.
const SEP = '\u001f';
const joinList = (xs: string[]) => (xs.length === 0 ? '' : xs.join(SEP));
// Postgres text cannot hold NUL; adapters reject such records, this is the last guard.
const clean = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);
// optional fields of an untrusted payload: anything but a string is stored as null
const cleanN = (s: string | null | undefined) => (typeof s === 'string' ? clean(s) : null);
const cleanItem = (s: string) =>
  s.includes('\u0000') || s.includes(SEP) ? s.replaceAll('\u0000', '').replaceAll(SEP, '') : s;
const RAW_CAP = 65_536;
const clampLine = (n: number) =>
  Number.isFinite(n) ? Math.min(Math.max(0, Math.trunc(n)), INT4_MAX) : 0;

/**
 * How a chunk's posts reach `posts`: `copy` streams them with COPY into a per-connection
 * temporary staging table (Postgres only, needs the pg pool), `insert` sends them as arrays
 * through `unnest` (PGlite, which has no COPY FROM STDIN over pg-copy-streams). Both then
 * run the same INSERT … SELECT … ON CONFLICT DO NOTHING, so they store identical rows.
 */
export type WritePath = 'copy' | 'insert';

export interface IngestWriteOptions {
  /** the pg pool (Db.pool): with it the COPY path is used unless `path` says otherwise */
  pool?: pg.Pool | null;
  path?: WritePath;
}

/**
 * The ingest repository: `(db) => repository`, so the same code runs in a transaction.
 */
export function ingestRepository(
  db0: Kysely<Database>,
  limits: StorageLimits = STORAGE_LIMITS,
  write: IngestWriteOptions = {},
) {
  const db = db0.withTables<HardeningTables>();
  const pool = write.pool ?? null;
  const path: WritePath = pool && write.path !== 'insert' ? 'copy' : 'insert';
  return {
    /** the write path in use */
    writePath: path,

    async createBatch(input: {
      source: string;
      format: string | null;
      fileName: string | null;
    }): Promise<number> {
      const row = await db
        .insertInto('ingest_batches')
        .values({
          source: input.source,
          format: input.format,
          file_name: input.fileName,
          chunks_expected: null,
          error: null,
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The producer is alive (reading, or waiting for room in the queue). */
    async heartbeat(batchId: number): Promise<void> {
      await db
        .updateTable('ingest_batches')
        .set({ heartbeat_at: sql`now()` })
        .where('id', '=', batchId)
        .where('status', '=', 'running')
        .execute();
    },

    /** The producer is done: `chunks` chunks were queued. Completes the batch if they all landed. */
    async sealBatch(batchId: number, chunks: number, error: string | null = null): Promise<void> {
      await db
        .updateTable('ingest_batches')
        // a reason already there (a chunk failed first) is kept
        .set({
          chunks_expected: chunks,
          error: sql`coalesce(error, ${error}::text)`,
          heartbeat_at: sql`now()`,
        })
        .where('id', '=', batchId)
        .execute();
      await completeIfDone(db, batchId);
    },

    /** Fail a batch that has not ended yet (running, or reaped as abandoned). */
    async failBatch(batchId: number, error: string): Promise<void> {
      await db
        .updateTable('ingest_batches')
        .set({ status: 'failed', error: error.slice(0, 2000), finished_at: sql`now()` })
        .where('id', '=', batchId)
        .where('status', 'in', ['running', 'abandoned'])
        .execute();
    },

    async getBatch(batchId: number): Promise<IngestBatchRow | undefined> {
      return db
        .selectFrom('ingest_batches')
        .selectAll()
        .where('id', '=', batchId)
        .executeTakeFirst() as Promise<IngestBatchRow | undefined>;
    },

    async listBatches(limit = 20): Promise<IngestBatchRow[]> {
      return db
        .selectFrom('ingest_batches')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(limit)
        .execute() as Promise<IngestBatchRow[]>;
    },

    /**
     * Mark running batches with no heartbeat for `olderThanMs` as `abandoned` (their
     * producer died, or no worker wrote a chunk for that long). If their chunks land after
     * all, the batch still completes. Returns the ids reaped.
     */
    async reapStale(olderThanMs = STALE_AFTER_MS, batchId?: number): Promise<number[]> {
      const mins = Math.round(olderThanMs / 6000) / 10;
      let q = db
        .updateTable('ingest_batches')
        .set({
          status: 'abandoned',
          finished_at: sql`now()`,
          error: sql`coalesce(error || '; ', '') || ${`abandoned: no heartbeat from its producer and no chunk written for over ${mins} min (since `} || to_char(heartbeat_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ${'); its producer or the ingest workers stopped'}`,
        })
        .where('status', '=', 'running')
        .where(
          'heartbeat_at',
          '<',
          sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`,
        );
      if (batchId !== undefined) q = q.where('id', '=', batchId);
      const rows = await q.returning('id').execute();
      return rows.map((r) => r.id);
    },

    /** Batches that did not end by themselves: abandoned ones and running ones, oldest heartbeat first. */
    async listUnfinished(limit = 50): Promise<IngestBatchRow[]> {
      return db
        .selectFrom('ingest_batches')
        .selectAll()
        .where('status', 'in', ['running', 'abandoned'])
        .orderBy('heartbeat_at')
        .limit(limit)
        .execute() as Promise<IngestBatchRow[]>;
    },

    async rejectedOf(batchId: number, limit = 50, offset = 0): Promise<RejectedRecord[]> {
      return db
        .selectFrom('rejected_records')
        .selectAll()
        .where('batch_id', '=', batchId)
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
    },

    /** Notes on a batch's records: ids re-ingested with other content, fields trimmed to a limit. */
    async notesOf(
      batchId: number,
      kind: 'changed' | 'trimmed',
      limit = 50,
      offset = 0,
    ): Promise<PostNote[]> {
      return db
        .selectFrom('ingest_post_notes')
        .selectAll()
        .where('batch_id', '=', batchId)
        .where('kind', '=', kind)
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute() as Promise<PostNote[]>;
    },

    /** Count one failed attempt of a chunk; returns the attempts so far. */
    async recordChunkFailure(batchId: number, seq: number, error: string): Promise<number> {
      const row = await db
        .insertInto('ingest_chunk_failures')
        .values({ batch_id: batchId, seq, attempts: 1, error: error.slice(0, 2000) })
        .onConflict((oc) =>
          oc.columns(['batch_id', 'seq']).doUpdateSet({
            attempts: sql`ingest_chunk_failures.attempts + 1`,
            error: sql`excluded.error`,
            updated_at: sql`now()`,
          }),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      return row.attempts;
    },

    /** Failed attempts of the chunks of a batch that have not been written (yet). */
    async chunkFailures(batchId: number): Promise<ChunkFailure[]> {
      return db
        .selectFrom('ingest_chunk_failures as f')
        .select(['f.seq', 'f.attempts', 'f.error', 'f.updated_at'])
        .where('f.batch_id', '=', batchId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('ingest_chunks as c')
                .select('c.seq')
                .whereRef('c.batch_id', '=', 'f.batch_id')
                .whereRef('c.seq', '=', 'f.seq'),
            ),
          ),
        )
        .orderBy('f.seq')
        .execute();
    },

    /** Sequence numbers of a sealed batch's chunks not written yet (at most `limit`). */
    async missingChunks(batchId: number, limit = 50): Promise<number[]> {
      const r = await sql<{ seq: number }>`
        select s.seq from ingest_batches b, generate_series(0, coalesce(b.chunks_expected, 0) - 1) as s(seq)
        where b.id = ${batchId}
          and not exists (select 1 from ingest_chunks c where c.batch_id = b.id and c.seq = s.seq)
        order by s.seq limit ${limit}`.execute(db);
      return r.rows.map((x) => Number(x.seq));
    },

    /**
     * Every job of the batch has run (an in-process queue drained): chunks still missing
     * failed for good. Fail the batch with their reason. Returns the batch as it ends.
     */
    async settleDrained(batchId: number): Promise<IngestBatchRow | undefined> {
      const b = await this.getBatch(batchId);
      if (
        b &&
        b.status === 'running' &&
        b.chunks_expected !== null &&
        b.chunks_done < b.chunks_expected
      ) {
        const f = await this.chunkFailures(batchId);
        const missing = b.chunks_expected - b.chunks_done;
        const why =
          f.length > 0
            ? `chunk ${f[0]!.seq} failed after ${f[0]!.attempts} attempt(s): ${f[0]!.error}`
            : 'no reason recorded';
        await this.failBatch(
          batchId,
          `${missing} of ${b.chunks_expected} chunk(s) not written; ${why}`,
        );
        return this.getBatch(batchId);
      }
      return b;
    },

    /**
     * Write one chunk atomically: its posts, accounts, sightings, rejected records, notes
     * and the batch counters, or nothing. A chunk already written is recognised by its
     * (batch, seq) row and skipped, so a retried job writes nothing twice. Posts are first
     * held to the storage limits (rejected or trimmed with a reason); if the write still
     * fails on the data, the chunk is split in halves under savepoints until the record
     * the database refuses is alone, and that one is stored as rejected — all inside the
     * chunk's one transaction, so a retry after a crash starts over cleanly.
     */
    async writeChunk(chunk: ChunkInput): Promise<ChunkResult> {
      const months = monthsOf(chunk.posts);
      await ensurePostPartitions(db0, months);
      try {
        return await this.writeChunkOnce(chunk, false);
      } catch (err) {
        if (!(err instanceof NoPartitionError)) throw err;
        // a month this process thought made was dropped since (`coordwatch retention`):
        // make it again; a post that still finds no partition is then rejected with the reason
        forgetPartitions();
        await ensurePostPartitions(db0, months);
        return this.writeChunkOnce(chunk, true);
      }
    },

    async writeChunkOnce(chunk: ChunkInput, partitionsFresh: boolean): Promise<ChunkResult> {
      if (path === 'insert' || !pool)
        return db
          .transaction()
          .execute((trx) => writeChunkTx(trx, chunk, limits, insertSource, partitionsFresh));
      const client = await pool.connect();
      let broken = false;
      try {
        await ensureStage(client);
        const k = onClient(client).withTables<HardeningTables>();
        return await k
          .transaction()
          .execute((trx) => writeChunkTx(trx, chunk, limits, copySource(client), partitionsFresh));
      } catch (err) {
        broken = !isDataError(err) && !(err instanceof NoPartitionError);
        throw err;
      } finally {
        // a connection that failed mid-COPY is not given back to others
        client.release(broken ? true : undefined);
      }
    },
  };
}

export type IngestRepository = ReturnType<typeof ingestRepository>;

async function completeIfDone(db: Kysely<DB>, batchId: number): Promise<void> {
  // an abandoned (or failed) batch whose chunks all land after all is complete
  await db
    .updateTable('ingest_batches')
    .set({ status: 'completed', finished_at: sql`now()` })
    .where('id', '=', batchId)
    .where('status', 'in', ['running', 'abandoned', 'failed'])
    .where('chunks_expected', 'is not', null)
    .where((eb) => eb('chunks_done', '>=', eb.ref('chunks_expected')))
    .execute();
}

/** Postgres refused the data itself (SQLSTATE class 21, 22, 23, 54), not the connection. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(21|22|23|54)/.test(code);
}

/** No partition of posts for a row's month: the process's list of partitions is stale. */
class NoPartitionError extends Error {}
const isNoPartition = (err: unknown) =>
  (err as { code?: unknown } | null)?.code === '23514' &&
  /no partition of relation "posts"/.test(String((err as Error).message));

const hasNul = (s: string) => s.includes('\u0000');
/** an optional field that must be cleaned: not a string (nor null), or a string with NUL */
const dirtyOpt = (s: unknown) => s !== null && (typeof s !== 'string' || s.includes('\u0000'));
const NONE: readonly string[] = [];
function dirtyList(l: readonly string[]): boolean {
  for (let i = 0; i < l.length; i++) if (l[i]!.includes('\u0000') || l[i]!.includes(SEP)) return true;
  return false;
}

/** The stored form of a post: no NUL anywhere, no unit separator inside list elements. */
function cleanPost(p: CanonicalPost): CanonicalPost {
  const a = p.account;
  // the same checks in the same order as a list of fields would take them, without building one per post
  const dirty =
    hasNul(p.platform) ||
    hasNul(p.post_id) ||
    hasNul(p.text) ||
    hasNul(a.id) ||
    dirtyOpt(p.lang) ||
    dirtyOpt(p.repost_of) ||
    dirtyOpt(p.reply_to) ||
    dirtyOpt(a.handle) ||
    dirtyOpt(a.display_name) ||
    dirtyOpt(a.bio) ||
    dirtyOpt(a.location) ||
    dirtyOpt(a.avatar_hash) ||
    dirtyOpt(a.created_at) ||
    typeof a.followers === 'undefined' ||
    typeof a.following === 'undefined' ||
    dirtyList(p.urls) ||
    dirtyList(p.hashtags) ||
    dirtyList(p.mentions) ||
    dirtyList(p.media_hashes ?? NONE) ||
    dirtyList(p.objects ?? NONE);
  if (!dirty && p.media_hashes) return p;
  return {
    ...p,
    platform: clean(p.platform),
    post_id: clean(p.post_id),
    text: clean(p.text),
    lang: cleanN(p.lang),
    repost_of: cleanN(p.repost_of),
    reply_to: cleanN(p.reply_to),
    urls: p.urls.map(cleanItem),
    hashtags: p.hashtags.map(cleanItem),
    mentions: p.mentions.map(cleanItem),
    media_hashes: (p.media_hashes ?? []).map(cleanItem),
    ...(p.objects ? { objects: p.objects.map(cleanItem) } : {}),
    account: {
      ...a,
      id: clean(a.id),
      handle: cleanN(a.handle),
      display_name: cleanN(a.display_name),
      bio: cleanN(a.bio),
      location: cleanN(a.location),
      avatar_hash: cleanN(a.avatar_hash),
      created_at: cleanN(a.created_at),
      followers: a.followers ?? null,
      following: a.following ?? null,
    },
  };
}

interface Item {
  post: CanonicalPost;
  /** index in the chunk */
  i: number;
  trims: Trim[];
}

interface WriteState {
  batchId: number;
  savepoints: number;
  /** chunk indexes (Item.i) of the posts that landed */
  landed: Set<number>;
  minT: number | null;
  maxT: number | null;
  refused: { item: Item; reason: string }[];
  source: PostSource;
  /** the staging table may hold rows of an earlier half (COPY path) */
  staged: boolean;
  /** the partitions were just checked: a row without one is the record's own fault */
  partitionsFresh: boolean;
}

function rejectedOf(
  chunk: ChunkInput,
  i: number,
  post: CanonicalPost,
  reason: string,
): RejectedInput {
  const pos = chunk.positions?.[i] ?? null;
  let raw = JSON.stringify(post);
  if (raw.length > RAW_CAP) raw = raw.slice(0, RAW_CAP) + '…';
  return {
    file: pos?.file ?? `(batch ${chunk.batchId} chunk ${chunk.seq})`,
    line: pos?.line ?? i + 1,
    raw,
    reason,
  };
}

async function writeChunkTx(
  trx: Transaction<DB>,
  chunk: ChunkInput,
  limits: StorageLimits,
  source: PostSource,
  partitionsFresh: boolean,
): Promise<ChunkResult> {
  const claimed = await trx
    .insertInto('ingest_chunks')
    .values({
      batch_id: chunk.batchId,
      seq: chunk.seq,
      records: chunk.posts.length + chunk.rejected.length,
      accepted: 0,
      duplicates: 0,
      rejected: chunk.rejected.length,
    })
    .onConflict((oc) => oc.columns(['batch_id', 'seq']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  if (!claimed) {
    return {
      written: false,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      changed: 0,
      trimmed: 0,
      minPostedAt: null,
      maxPostedAt: null,
    };
  }

  const rejected: RejectedInput[] = chunk.rejected.map((r) => ({
    file: clean(r.file),
    line: clampLine(r.line),
    raw: clean(r.raw),
    reason: clean(r.reason),
  }));
  const items: Item[] = [];
  chunk.posts.forEach((original, i) => {
    const o = applyStorageLimits(cleanPost(original), limits);
    if (!o.ok) rejected.push(rejectedOf(chunk, i, original, o.reason));
    else items.push({ post: o.post, i, trims: o.trims });
  });
  // Sorted by key, so concurrent chunks take row locks in the same order (no deadlocks).
  items.sort((x, y) =>
    x.post.platform === y.post.platform
      ? cmp(x.post.post_id, y.post.post_id)
      : cmp(x.post.platform, y.post.platform),
  );

  const st: WriteState = {
    batchId: chunk.batchId,
    savepoints: 0,
    landed: new Set(),
    minT: null,
    maxT: null,
    refused: [],
    source,
    staged: false,
    partitionsFresh,
  };
  await writeItems(trx, items, st);
  for (const r of st.refused)
    rejected.push(rejectedOf(chunk, r.item.i, chunk.posts[r.item.i]!, r.reason));

  const minT = st.minT;
  const maxT = st.maxT;

  // Duplicates: was the stored post the same? A changed one is noted, never overwritten.
  const refusedIdx = new Set(st.refused.map((r) => r.item.i));
  const kept = items.filter((it) => !refusedIdx.has(it.i));
  const dups = kept.filter((it) => !st.landed.has(it.i));
  const notes: {
    kind: string;
    platform: string;
    post_id: string;
    file: string | null;
    line: number | null;
    detail: string;
  }[] = [];
  const noteOf = (it: Item, kind: string, detail: string) => {
    const pos = chunk.positions?.[it.i] ?? null;
    notes.push({
      kind,
      platform: it.post.platform,
      post_id: it.post.post_id,
      file: pos ? clean(pos.file) : null,
      line: pos ? clampLine(pos.line) : null,
      detail,
    });
  };
  if (dups.length > 0) {
    const D = <T>(f: (p: CanonicalPost) => T) => dups.map((d) => f(d.post));
    const diff = await sql<{
      i: string;
      batch_id: number | null;
      text: boolean;
      account: boolean;
      posted_at: boolean;
      repost_of: boolean;
      reply_to: boolean;
    }>`
      select u.i, p.batch_id,
             p.text is distinct from u.text as text, p.account_id is distinct from u.account_id as account,
             p.posted_at is distinct from u.posted_at as posted_at, p.repost_of is distinct from u.repost_of as repost_of,
             p.reply_to is distinct from u.reply_to as reply_to
      from unnest(${D((p) => p.platform)}::text[], ${D((p) => p.post_id)}::text[], ${D((p) => p.text)}::text[],
                  ${D((p) => p.account.id)}::text[], ${D((p) => p.posted_at)}::timestamptz[],
                  ${D((p) => p.repost_of)}::text[], ${D((p) => p.reply_to)}::text[])
        with ordinality as u(platform, post_id, text, account_id, posted_at, repost_of, reply_to, i)
      join posts p on p.platform = u.platform and p.post_id = u.post_id
      where p.text is distinct from u.text or p.account_id is distinct from u.account_id
         or p.posted_at is distinct from u.posted_at or p.repost_of is distinct from u.repost_of
         or p.reply_to is distinct from u.reply_to`.execute(trx);
    for (const r of diff.rows) {
      const it = dups[Number(r.i) - 1]!;
      const fields = (['text', 'account', 'posted_at', 'repost_of', 'reply_to'] as const)
        .filter((k) => r[k])
        .map((k) => (k === 'account' ? 'account.id' : k));
      noteOf(
        it,
        'changed',
        `post id already stored${r.batch_id !== null ? ` (batch ${r.batch_id})` : ''} with other ${fields.join(', ')}; the stored post is kept`,
      );
    }
  }
  const changed = notes.length;
  let trimmed = 0;
  for (const it of kept) {
    if (it.trims.length === 0) continue;
    trimmed++;
    for (const t of it.trims) noteOf(it, 'trimmed', t.detail);
  }

  if (notes.length > 0) {
    const N = <T>(f: (n: (typeof notes)[number]) => T) => notes.map(f);
    await sql`
      insert into ingest_post_notes (batch_id, kind, platform, post_id, file, line, detail)
      select ${chunk.batchId}::bigint, u.kind, u.platform, u.post_id, u.file, u.line, u.detail
      from unnest(${N((n) => n.kind)}::text[], ${N((n) => n.platform)}::text[], ${N((n) => n.post_id)}::text[],
                  ${N((n) => n.file)}::text[], ${N((n) => n.line)}::int[], ${N((n) => n.detail)}::text[])
        as u(kind, platform, post_id, file, line, detail)`.execute(trx);
  }
  if (rejected.length > 0) {
    await sql`
      insert into rejected_records (batch_id, file, line, raw, reason)
      select ${chunk.batchId}::bigint, u.file, u.line, u.raw, u.reason
      from unnest(${rejected.map((r) => r.file)}::text[],
                  ${rejected.map((r) => r.line)}::int[],
                  ${rejected.map((r) => clean(r.raw))}::text[],
                  ${rejected.map((r) => r.reason)}::text[]) as u(file, line, raw, reason)`.execute(
      trx,
    );
  }

  const accepted = st.landed.size;
  const duplicates = dups.length;
  await trx
    .updateTable('ingest_chunks')
    .set({ accepted, duplicates, rejected: rejected.length })
    .where('batch_id', '=', chunk.batchId)
    .where('seq', '=', chunk.seq)
    .execute();
  await trx
    .updateTable('ingest_batches')
    .set((eb) => ({
      total: eb('total', '+', chunk.posts.length + chunk.rejected.length),
      accepted: eb('accepted', '+', accepted),
      duplicates: eb('duplicates', '+', duplicates),
      rejected: eb('rejected', '+', rejected.length),
      changed: eb('changed', '+', changed),
      trimmed: eb('trimmed', '+', trimmed),
      chunks_done: eb('chunks_done', '+', 1),
      heartbeat_at: sql`now()`,
    }))
    .where('id', '=', chunk.batchId)
    .execute();
  await completeIfDone(trx, chunk.batchId);
  return {
    written: true,
    accepted,
    duplicates,
    rejected: rejected.length,
    changed,
    trimmed,
    minPostedAt: minT,
    maxPostedAt: maxT,
  };
}

/**
 * Insert posts and their accounts under a savepoint; if Postgres refuses the data, roll
 * back to it and write each half on its own, down to the single record it refuses.
 * Failures of the connection (not the data) are rethrown: the job retries.
 */
async function writeItems(trx: Transaction<DB>, items: Item[], st: WriteState): Promise<void> {
  if (items.length === 0) return;
  const sp = `cw_chunk_${st.savepoints++}`;
  await sql.raw(`savepoint ${sp}`).execute(trx);
  try {
    const ins = await insertPosts(trx, st, items);
    let landed: Item[] = [];
    if (ins.n === items.length) landed = items;
    else if (ins.n > 0) {
      const fresh = new Set(ins.platforms!.map((p, k) => p + SEP + ins.postIds![k]));
      // delete as we go: a post repeated inside the chunk counts once (its first copy, as DISTINCT ON keeps)
      landed = items.filter((it) => fresh.delete(it.post.platform + SEP + it.post.post_id));
    }
    if (landed.length > 0)
      await upsertAccounts(
        trx,
        landed.map((it) => it.post),
      );
    await sql.raw(`release savepoint ${sp}`).execute(trx);
    for (const it of landed) st.landed.add(it.i);
    if (ins.minT !== null && (st.minT === null || ins.minT < st.minT)) st.minT = ins.minT;
    if (ins.maxT !== null && (st.maxT === null || ins.maxT > st.maxT)) st.maxT = ins.maxT;
  } catch (err) {
    if (!st.partitionsFresh && isNoPartition(err))
      throw new NoPartitionError((err as Error).message);
    if (!isDataError(err)) throw err;
    await sql.raw(`rollback to savepoint ${sp}`).execute(trx);
    await sql.raw(`release savepoint ${sp}`).execute(trx);
    if (items.length === 1) {
      st.refused.push({
        item: items[0]!,
        reason: `the database refused the record: ${((err as Error).message ?? String(err)).slice(0, 500)}`,
      });
      return;
    }
    const mid = items.length >> 1;
    await writeItems(trx, items.slice(0, mid), st);
    await writeItems(trx, items.slice(mid), st);
  }
}

/** The columns a chunk's posts are staged with: lists joined by SEP, `i` the order in the chunk. */
interface Staged {
  i: number[];
  platform: string[];
  post_id: string[];
  account_id: string[];
  posted_at: string[];
  text: string[];
  lang: (string | null)[];
  urls: string[];
  hashtags: string[];
  mentions: string[];
  media: string[];
  objects: string[];
  repost_of: (string | null)[];
  reply_to: (string | null)[];
}

/**
 * Where INSERT … SELECT reads a chunk's posts from: a relation with the columns of Staged,
 * `i` each post's index in `posts`.
 */
type PostSource = (
  trx: Transaction<DB>,
  st: WriteState,
  posts: readonly CanonicalPost[],
) => Promise<RawBuilder<unknown>>;

const STAGE_COLUMNS =
  'i, platform, post_id, account_id, posted_at, text, lang, urls, hashtags, mentions, media, objects, repost_of, reply_to';

/** The posts as the columns of Staged. */
function stagedColumns(posts: readonly CanonicalPost[]): Staged {
  const n = posts.length;
  const cols: Staged = {
    i: new Array(n),
    platform: new Array(n),
    post_id: new Array(n),
    account_id: new Array(n),
    posted_at: new Array(n),
    text: new Array(n),
    lang: new Array(n),
    urls: new Array(n),
    hashtags: new Array(n),
    mentions: new Array(n),
    media: new Array(n),
    objects: new Array(n),
    repost_of: new Array(n),
    reply_to: new Array(n),
  };
  for (let k = 0; k < n; k++) {
    const p = posts[k]!;
    cols.i[k] = k;
    cols.platform[k] = p.platform;
    cols.post_id[k] = p.post_id;
    cols.account_id[k] = p.account.id;
    cols.posted_at[k] = p.posted_at;
    cols.text[k] = p.text;
    cols.lang[k] = p.lang;
    cols.urls[k] = joinList(p.urls);
    cols.hashtags[k] = joinList(p.hashtags);
    cols.mentions[k] = joinList(p.mentions);
    cols.media[k] = joinList(p.media_hashes ?? []);
    cols.objects[k] = joinList(p.objects ?? []);
    cols.repost_of[k] = p.repost_of;
    cols.reply_to[k] = p.reply_to;
  }
  return cols;
}

/** PGlite (and INGEST_WRITE=insert): the posts travel as 14 arrays, unnested. */
const insertSource: PostSource = async (_trx, _st, posts) => {
  const c = stagedColumns(posts);
  return sql`(select * from unnest(${c.i}::int[], ${c.platform}::text[], ${c.post_id}::text[], ${c.account_id}::text[],
                ${c.posted_at}::timestamptz[], ${c.text}::text[], ${c.lang}::text[],
                ${c.urls}::text[], ${c.hashtags}::text[], ${c.mentions}::text[],
                ${c.media}::text[], ${c.objects}::text[], ${c.repost_of}::text[], ${c.reply_to}::text[])
      as u(${sql.raw(STAGE_COLUMNS)}))`;
};

/** Postgres: the posts are COPYed (text format) into the connection's staging table. */
function copySource(client: pg.PoolClient): PostSource {
  return async (trx, st, posts) => {
    if (st.staged) await sql`truncate cw_posts_stage`.execute(trx);
    st.staged = true;
    // one row per post, the columns of stagedColumns in STAGE_COLUMNS order, built in one pass
    const parts: string[] = new Array(posts.length);
    for (let k = 0; k < posts.length; k++) {
      const p = posts[k]!;
      parts[k] =
        `${k}\t${copyText(p.platform)}\t${copyText(p.post_id)}\t${copyText(p.account.id)}\t${copyText(p.posted_at)}\t${copyText(p.text)}\t${copyText(p.lang)}\t${copyText(joinList(p.urls))}\t${copyText(joinList(p.hashtags))}\t${copyText(joinList(p.mentions))}\t${copyText(joinList(p.media_hashes ?? []))}\t${copyText(joinList(p.objects ?? []))}\t${copyText(p.repost_of)}\t${copyText(p.reply_to)}\n`;
    }
    const stream = client.query(copyFrom(`copy cw_posts_stage (${STAGE_COLUMNS}) from stdin`));
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      stream.end(parts.join(''));
    });
    return sql`cw_posts_stage`;
  };
}

/** Clients that have their staging table already (temporary: per connection). */
const staged = new WeakSet<pg.PoolClient>();

async function ensureStage(client: pg.PoolClient): Promise<void> {
  if (staged.has(client)) return;
  // outside the chunk's transaction, so a rolled-back chunk does not take it along
  await client.query(`create temp table if not exists cw_posts_stage (
      i int, platform text, post_id text, account_id text, posted_at timestamptz, text text, lang text,
      urls text, hashtags text, mentions text, media text, objects text, repost_of text, reply_to text
    ) on commit delete rows`);
  staged.add(client);
}

/** A Kysely on one checked-out client, so the chunk's transaction and its COPY share it. */
function onClient(client: pg.PoolClient): Kysely<Database> {
  const one = { query: client.query.bind(client), release: () => {} };
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: { connect: async () => one, end: async () => {} } as never,
    }),
  });
}

/**
 * Insert a chunk's posts; says which landed. A post lands once per (platform,
 * post_id): the primary key (platform, post_id, posted_at) makes ON CONFLICT skip the same
 * post again, the NOT EXISTS probe on its (platform, post_id) prefix skips a stored id whose
 * posted_at differs, and DISTINCT ON keeps a chunk's first copy of an id.
 *
 * The probe's `offset 0` keeps it a per-row subplan (an index probe into each partition's
 * primary key). Without it the planner turns NOT EXISTS into an anti join and, for a chunk of
 * thousands of rows, picks a merge or hash join over a sequential scan and sort of all of
 * posts: every chunk then reads the whole table (0.53 s of a 0.85 s chunk at 242k stored
 * posts, growing with the table; 0.06 s as probes; bench/ingest.ts).
 */
async function insertPosts(trx: Transaction<DB>, st: WriteState, items: Item[]): Promise<Inserted> {
  const posts: CanonicalPost[] = new Array(items.length);
  for (let k = 0; k < items.length; k++) posts[k] = items[k]!.post;
  const src = await st.source(trx, st, posts);
  const inserted = await sql<{
    n: number;
    min_t: Date | null;
    max_t: Date | null;
    platforms: string[] | null;
    post_ids: string[] | null;
  }>`
    with ins as (
    insert into posts (platform, post_id, account_id, posted_at, text, lang, urls, hashtags,
                       mentions, media_hashes, objects, repost_of, reply_to, batch_id)
    select * from (
      select distinct on (u.platform, u.post_id)
             u.platform, u.post_id, u.account_id, u.posted_at, u.text, u.lang,
             string_to_array(u.urls, ${SEP}), string_to_array(u.hashtags, ${SEP}),
             string_to_array(u.mentions, ${SEP}), string_to_array(u.media, ${SEP}),
             string_to_array(u.objects, ${SEP}), u.repost_of, u.reply_to, ${st.batchId}::bigint
      from ${src} u
      where not exists (select 1 from posts p where p.platform = u.platform and p.post_id = u.post_id offset 0)
      order by u.platform, u.post_id, u.i) d
    on conflict (platform, post_id, posted_at) do nothing
    returning posted_at, platform, post_id)
    select count(*)::int as n, min(posted_at) as min_t, max(posted_at) as max_t,
           case when count(*) < ${items.length} then array_agg(platform) end as platforms,
           case when count(*) < ${items.length} then array_agg(post_id) end as post_ids
    from ins`.execute(trx);
  const r = inserted.rows[0]!;
  const t = (d: Date | null) => (d === null ? null : new Date(d).getTime());
  return {
    n: Number(r.n),
    minT: t(r.min_t),
    maxT: t(r.max_t),
    platforms: r.platforms,
    postIds: r.post_ids,
  };
}

/**
 * What one INSERT of posts did: how many landed and their time range; the keys of those that
 * landed only when some did not (a chunk of new posts sends back one row, not thousands).
 */
interface Inserted {
  n: number;
  minT: number | null;
  maxT: number | null;
  platforms: string[] | null;
  postIds: string[] | null;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

const PLAIN_UTC = /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,3})?Z$/;

/** The UTC months (`YYYY-MM`) of posts' posted_at, for the partitions a chunk needs. */
export function monthsOf(posts: readonly CanonicalPost[]): string[] {
  const out = new Set<string>();
  let last = '';
  for (const p of posts) {
    if (typeof p.posted_at !== 'string') continue;
    // canonical UTC with a day that exists in every month: the month is the string's own
    if (PLAIN_UTC.test(p.posted_at)) {
      const m = p.posted_at.slice(0, 7);
      if (m !== last) out.add((last = m));
      continue;
    }
    const d = new Date(p.posted_at);
    const y = d.getUTCFullYear();
    if (!Number.isFinite(y) || y < 1 || y > 9999) continue;
    const m = `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}`;
    if (m !== last) out.add((last = m));
  }
  return [...out];
}

/** posts_yYYYYmMM: the partition of posts holding the UTC month `YYYY-MM`. */
export const partitionName = (month: string) => `posts_y${month.slice(0, 4)}m${month.slice(5, 7)}`;

const isDefaultViolation = (err: unknown) =>
  (err as { code?: unknown } | null)?.code === '23514' &&
  /default partition/.test(String((err as Error).message));

/**
 * Months whose partition was seen, per database handle, with when: re-checked after
 * PARTITION_RECHECK_MS, so a month `coordwatch retention` dropped in another process is made
 * again soon (until then its rows would wait in posts_default).
 */
const PARTITION_RECHECK_MS = 30_000;
let known = new WeakMap<object, Map<string, number>>();
export const forgetPartitions = () => {
  known = new WeakMap();
};

/**
 * Create the month partitions of `posts` the months need (idempotent; in their own short
 * transactions, before the chunk's, so the chunk never holds the parent's lock). Two writers
 * racing to create the same month: the loser finds it made.
 */
export async function ensurePostPartitions<T>(
  db: Kysely<T>,
  months: readonly string[],
): Promise<void> {
  let seen = known.get(db);
  if (!seen) known.set(db, (seen = new Map()));
  const now = Date.now();
  const todo = months.filter((m) => !(now - (seen.get(m) ?? -Infinity) < PARTITION_RECHECK_MS));
  if (todo.length === 0) return;
  const names = todo.map(partitionName);
  const have = await sql<{
    relname: string;
  }>`select relname from pg_class where relname = any(${names}::text[]) and relkind = 'r'`.execute(
    db,
  );
  const exists = new Set(have.rows.map((r) => r.relname));
  for (const m of todo) {
    const name = partitionName(m);
    if (!exists.has(name)) {
      const y = Number(m.slice(0, 4));
      const mo = Number(m.slice(5, 7));
      const from = `${m.slice(0, 4)}-${pad2(mo)}-01 00:00:00+00`;
      const to =
        mo === 12
          ? `${String(y + 1).padStart(4, '0')}-01-01 00:00:00+00`
          : `${m.slice(0, 4)}-${pad2(mo + 1)}-01 00:00:00+00`;
      try {
        try {
          await sql
            .raw(
              `create table if not exists ${name} partition of posts for values from ('${from}') to ('${to}')`,
            )
            .execute(db);
        } catch (err) {
          // the default partition holds rows of this month (written around the ingest writer):
          // move them into the month's own partition, in one transaction
          if (!isDefaultViolation(err)) throw err;
          await db.transaction().execute(async (trx) => {
            await sql.raw(`create table ${name} (like posts including defaults)`).execute(trx);
            await sql
              .raw(
                `with moved as (delete from posts_default where posted_at >= '${from}' and posted_at < '${to}' returning *) insert into ${name} select * from moved`,
              )
              .execute(trx);
            await sql
              .raw(
                `alter table posts attach partition ${name} for values from ('${from}') to ('${to}')`,
              )
              .execute(trx);
          });
        }
      } catch (err) {
        // 42P07 duplicate table, 23505 on pg_type: another writer created it just now;
        // 42P17: posts is not partitioned (the benchmark's unpartitioned variant)
        const code = (err as { code?: string }).code;
        if (
          code !== '42P07' &&
          code !== '23505' &&
          !(code === '42P17' && /is not partitioned/.test(String((err as Error).message)))
        )
          throw err;
      }
    }
    seen.set(m, now);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface AccountAgg {
  platform: string;
  account: CanonicalAccount;
  first: string;
  last: string;
}

interface SightingAgg {
  platform: string;
  id: string;
  hash: string;
  account: CanonicalAccount;
  lang: string | null;
  first: string;
  last: string;
  posts: number;
}

/**
 * Accounts carry the profile of their latest post; sightings keep each distinct persona
 * with its first/last time and post count. Both merge with what is stored already.
 */
async function upsertAccounts(trx: Transaction<DB>, posts: CanonicalPost[]): Promise<void> {
  if (posts.length === 0) return;
  const accounts = new Map<string, AccountAgg>();
  const sightings = new Map<string, SightingAgg>();
  // one hash per profile object and language: a chunk's payload shares an account's profile
  // among its posts (queue/payloads.ts), so most posts reuse one
  const hashes = new Map<CanonicalAccount, Map<string | null, string>>();
  const byInput = new Map<string, string>();
  for (const p of posts) {
    const key = p.platform + '\u001f' + p.account.id;
    const a = accounts.get(key);
    if (!a)
      accounts.set(key, {
        platform: p.platform,
        account: p.account,
        first: p.posted_at,
        last: p.posted_at,
      });
    else {
      if (p.posted_at < a.first) a.first = p.posted_at;
      if (p.posted_at >= a.last) {
        a.last = p.posted_at;
        a.account = p.account;
      }
    }
    let byLang = hashes.get(p.account);
    if (!byLang) hashes.set(p.account, (byLang = new Map()));
    let hash = byLang.get(p.lang);
    if (hash === undefined) {
      // profiles of one account differ in their counts, not their persona: hashed once per persona
      const input = personaInput(p.account, p.lang);
      hash = byInput.get(input);
      if (hash === undefined) byInput.set(input, (hash = personaHashOf(input)));
      byLang.set(p.lang, hash);
    }
    const skey = key + '\u001f' + hash;
    const s = sightings.get(skey);
    if (!s)
      sightings.set(skey, {
        platform: p.platform,
        id: p.account.id,
        hash,
        account: p.account,
        lang: p.lang,
        first: p.posted_at,
        last: p.posted_at,
        posts: 1,
      });
    else {
      s.posts++;
      if (p.posted_at < s.first) s.first = p.posted_at;
      if (p.posted_at >= s.last) {
        s.last = p.posted_at;
        s.account = p.account;
      }
    }
  }
  const accs = [...accounts.entries()].sort((x, y) => cmp(x[0], y[0])).map((e) => e[1]);
  const A = (f: (a: AccountAgg) => unknown) => accs.map(f);
  await sql`
    insert into accounts (platform, account_id, handle, display_name, bio, created_at, followers,
                          following, location, avatar_hash, first_post_at, last_post_at)
    select * from unnest(${A((a) => a.platform)}::text[], ${A((a) => clean(a.account.id))}::text[],
      ${A((a) => cleanN(a.account.handle))}::text[], ${A((a) => cleanN(a.account.display_name))}::text[],
      ${A((a) => cleanN(a.account.bio))}::text[], ${A((a) => a.account.created_at)}::timestamptz[],
      ${A((a) => a.account.followers)}::int[], ${A((a) => a.account.following)}::int[],
      ${A((a) => cleanN(a.account.location))}::text[], ${A((a) => cleanN(a.account.avatar_hash))}::text[],
      ${A((a) => a.first)}::timestamptz[], ${A((a) => a.last)}::timestamptz[])
    on conflict (platform, account_id) do update set
      handle = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.handle, accounts.handle) else accounts.handle end,
      display_name = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.display_name, accounts.display_name) else accounts.display_name end,
      bio = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.bio, accounts.bio) else accounts.bio end,
      location = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.location, accounts.location) else accounts.location end,
      avatar_hash = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.avatar_hash, accounts.avatar_hash) else accounts.avatar_hash end,
      followers = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.followers, accounts.followers) else accounts.followers end,
      following = case when excluded.last_post_at >= accounts.last_post_at then coalesce(excluded.following, accounts.following) else accounts.following end,
      created_at = coalesce(accounts.created_at, excluded.created_at),
      first_post_at = least(accounts.first_post_at, excluded.first_post_at),
      last_post_at = greatest(accounts.last_post_at, excluded.last_post_at),
      updated_at = now()`.execute(trx);

  const sts = [...sightings.entries()].sort((x, y) => cmp(x[0], y[0])).map((e) => e[1]);
  const S = (f: (s: SightingAgg) => unknown) => sts.map(f);
  await sql`
    insert into account_sightings (platform, account_id, persona_hash, handle, display_name, bio,
                                   location, avatar_hash, lang, followers, following,
                                   first_seen_at, last_seen_at, posts)
    select * from unnest(${S((s) => s.platform)}::text[], ${S((s) => clean(s.id))}::text[],
      ${S((s) => s.hash)}::text[], ${S((s) => cleanN(s.account.handle))}::text[],
      ${S((s) => cleanN(s.account.display_name))}::text[], ${S((s) => cleanN(s.account.bio))}::text[],
      ${S((s) => cleanN(s.account.location))}::text[], ${S((s) => cleanN(s.account.avatar_hash))}::text[],
      ${S((s) => cleanN(s.lang))}::text[], ${S((s) => s.account.followers)}::int[],
      ${S((s) => s.account.following)}::int[], ${S((s) => s.first)}::timestamptz[],
      ${S((s) => s.last)}::timestamptz[], ${S((s) => s.posts)}::int[])
    on conflict (platform, account_id, persona_hash) do update set
      first_seen_at = least(account_sightings.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(account_sightings.last_seen_at, excluded.last_seen_at),
      followers = case when excluded.last_seen_at >= account_sightings.last_seen_at then excluded.followers else account_sightings.followers end,
      following = case when excluded.last_seen_at >= account_sightings.last_seen_at then excluded.following else account_sightings.following end,
      posts = account_sightings.posts + excluded.posts`.execute(trx);
}

/** A month partition of posts: [from, to) in UTC. */
export interface PostPartition {
  name: string;
  month: string;
  from: Date;
  to: Date;
  rows: number;
}

const PART_RE = /^posts_y(\d{4})m(\d{2})$/;

/**
 * The month partitions of posts, oldest first, with their row counts (exact: a count per
 * partition). Partitions not named posts_yYYYYmMM (none are made so) are not listed.
 */
export async function listPostPartitions<T>(
  db: Kysely<T>,
  opts: { counts?: boolean } = {},
): Promise<PostPartition[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'posts'::regclass order by c.relname`.execute(db);
  const out: PostPartition[] = [];
  for (const { name } of r.rows) {
    const m = PART_RE.exec(name);
    if (!m) continue;
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const from = new Date(Date.UTC(y, mo - 1, 1));
    from.setUTCFullYear(y); // years below 100
    const to = new Date(Date.UTC(y, mo, 1));
    to.setUTCFullYear(mo === 12 ? y + 1 : y);
    let rows = -1;
    if (opts.counts !== false) {
      const c = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(
        db,
      );
      rows = Number(c.rows[0]!.n);
    }
    out.push({ name, month: `${m[1]}-${m[2]}`, from, to, rows });
  }
  return out;
}

export interface RetentionResult {
  horizon: Date;
  /** posts in the default partition (written around the ingest writer): never dropped */
  defaultRows: number;
  /** the partitions entirely older than the horizon: dropped (or, on a dry run, to drop) */
  dropped: PostPartition[];
  kept: PostPartition[];
  /** alerts whose activity began before the horizon: their evidence posts may be gone */
  alertsCitingDropped: number;
}

/**
 * Retention: drop the month partitions of posts that end at or before `horizon` (whole
 * months only; the month holding the horizon is kept). Alerts, their members, evidence
 * (post ids, descriptions, data) and edges are their own tables and are kept; the console
 * shows their evidence without the dropped posts' text. Each drop is its own short
 * transaction (a drop takes an exclusive lock on posts for a moment).
 */
export async function applyRetention<T>(
  db: Kysely<T>,
  horizon: Date,
  dryRun: boolean,
): Promise<RetentionResult> {
  const parts = await listPostPartitions(db);
  const dropped = parts.filter((p) => p.to.getTime() <= horizon.getTime());
  const kept = parts.filter((p) => p.to.getTime() > horizon.getTime());
  let alertsCitingDropped = 0;
  if (dropped.length > 0) {
    const last = dropped[dropped.length - 1]!.to;
    const a = await sql<{
      n: number;
    }>`select count(*)::int as n from alerts where first_seen_at < ${last}`.execute(db);
    alertsCitingDropped = Number(a.rows[0]!.n);
  }
  if (!dryRun) {
    for (const p of dropped) await sql`drop table if exists ${sql.table(p.name)}`.execute(db);
    forgetPartitions();
  }
  const d = await sql<{ n: number }>`select count(*)::int as n from posts_default`
    .execute(db)
    .catch(() => ({ rows: [{ n: 0 }] }));
  return { horizon, defaultRows: Number(d.rows[0]!.n), dropped, kept, alertsCitingDropped };
}
