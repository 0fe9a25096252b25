import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { CanonicalAccount, CanonicalPost } from '../core/types.ts';
import { personaHash } from './persona.ts';
import type { Database, IngestBatch, RejectedRecord } from './schema/index.ts';

export interface RejectedInput {
  file: string;
  line: number;
  raw: string;
  reason: string;
}

export interface ChunkInput {
  batchId: number;
  seq: number;
  posts: CanonicalPost[];
  rejected: RejectedInput[];
}

export interface ChunkResult {
  /** false when this chunk had already been written (a retry): nothing was written again */
  written: boolean;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** time range of the accepted posts, for the detection that follows (epoch ms) */
  minPostedAt: number | null;
  maxPostedAt: number | null;
}

// Array elements travel joined by the unit separator, which is stripped from values:
// urls, hashtags and mentions never legitimately contain control characters.
const SEP = '\u001f';
const joinList = (xs: string[]) => (xs.length === 0 ? '' : xs.map((x) => x.replaceAll(SEP, '')).join(SEP));
// Postgres text cannot hold NUL; adapters reject such records, this is the last guard.
const clean = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);
const cleanN = (s: string | null) => (s === null ? null : clean(s));

/**
 * The ingest repository: `(db) => repository`, so the same code runs in a transaction.
 */
export function ingestRepository(db: Kysely<Database>) {
  return {
    async createBatch(input: { source: string; format: string | null; fileName: string | null }): Promise<number> {
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

    /** The producer is done: `chunks` chunks were queued. Completes the batch if they all landed. */
    async sealBatch(batchId: number, chunks: number, error: string | null = null): Promise<void> {
      await db
        .updateTable('ingest_batches')
        .set({ chunks_expected: chunks, error })
        .where('id', '=', batchId)
        .execute();
      await completeIfDone(db, batchId);
    },

    async failBatch(batchId: number, error: string): Promise<void> {
      await db
        .updateTable('ingest_batches')
        .set({ status: 'failed', error, finished_at: sql`now()` })
        .where('id', '=', batchId)
        .where('status', '=', 'running')
        .execute();
    },

    async getBatch(batchId: number): Promise<IngestBatch | undefined> {
      return db.selectFrom('ingest_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    },

    async listBatches(limit = 20): Promise<IngestBatch[]> {
      return db.selectFrom('ingest_batches').selectAll().orderBy('id', 'desc').limit(limit).execute();
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

    /**
     * Write one chunk atomically: its posts, accounts, sightings, rejected records and
     * the batch counters, or nothing. A chunk already written is recognised by its
     * (batch, seq) row and skipped, so a retried job writes nothing twice.
     */
    async writeChunk(chunk: ChunkInput): Promise<ChunkResult> {
      return db.transaction().execute((trx) => writeChunkTx(trx, chunk));
    },
  };
}

export type IngestRepository = ReturnType<typeof ingestRepository>;

async function completeIfDone(db: Kysely<Database>, batchId: number): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({ status: 'completed', finished_at: sql`now()` })
    .where('id', '=', batchId)
    .where('status', '=', 'running')
    .where('chunks_expected', 'is not', null)
    .where((eb) => eb('chunks_done', '>=', eb.ref('chunks_expected')))
    .execute();
}

async function writeChunkTx(trx: Transaction<Database>, chunk: ChunkInput): Promise<ChunkResult> {
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
    return { written: false, accepted: 0, duplicates: 0, rejected: 0, minPostedAt: null, maxPostedAt: null };
  }

  const posts = chunk.posts;
  let accepted = 0;
  let minT: number | null = null;
  let maxT: number | null = null;
  if (posts.length > 0) {
    // Sorted by key, so concurrent chunks take row locks in the same order (no deadlocks).
    const sorted = [...posts].sort((a, b) =>
      a.platform === b.platform ? cmp(a.post_id, b.post_id) : cmp(a.platform, b.platform),
    );
    const cols = {
      platform: [] as string[],
      post_id: [] as string[],
      account_id: [] as string[],
      posted_at: [] as string[],
      text: [] as string[],
      lang: [] as (string | null)[],
      urls: [] as string[],
      hashtags: [] as string[],
      mentions: [] as string[],
      media: [] as string[],
      repost_of: [] as (string | null)[],
      reply_to: [] as (string | null)[],
    };
    for (const p of sorted) {
      cols.platform.push(p.platform);
      cols.post_id.push(clean(p.post_id));
      cols.account_id.push(clean(p.account.id));
      cols.posted_at.push(p.posted_at);
      cols.text.push(clean(p.text));
      cols.lang.push(cleanN(p.lang));
      cols.urls.push(clean(joinList(p.urls)));
      cols.hashtags.push(clean(joinList(p.hashtags)));
      cols.mentions.push(clean(joinList(p.mentions)));
      cols.media.push(clean(joinList(p.media_hashes ?? [])));
      cols.repost_of.push(cleanN(p.repost_of));
      cols.reply_to.push(cleanN(p.reply_to));
    }
    const inserted = await sql<{ t: Date; platform: string; post_id: string }>`
      insert into posts (platform, post_id, account_id, posted_at, text, lang, urls, hashtags,
                         mentions, media_hashes, repost_of, reply_to, batch_id)
      select u.platform, u.post_id, u.account_id, u.posted_at, u.text, u.lang,
             string_to_array(u.urls, ${SEP}), string_to_array(u.hashtags, ${SEP}),
             string_to_array(u.mentions, ${SEP}), string_to_array(u.media, ${SEP}),
             u.repost_of, u.reply_to, ${chunk.batchId}::bigint
      from unnest(${cols.platform}::text[], ${cols.post_id}::text[], ${cols.account_id}::text[],
                  ${cols.posted_at}::timestamptz[], ${cols.text}::text[], ${cols.lang}::text[],
                  ${cols.urls}::text[], ${cols.hashtags}::text[], ${cols.mentions}::text[],
                  ${cols.media}::text[], ${cols.repost_of}::text[], ${cols.reply_to}::text[])
        as u(platform, post_id, account_id, posted_at, text, lang, urls, hashtags, mentions,
             media, repost_of, reply_to)
      on conflict (platform, post_id) do nothing
      returning posted_at as t, platform, post_id`.execute(trx);
    accepted = inserted.rows.length;
    for (const r of inserted.rows) {
      const t = new Date(r.t).getTime();
      if (minT === null || t < minT) minT = t;
      if (maxT === null || t > maxT) maxT = t;
    }
    // Only newly landed posts touch accounts and sightings: a re-ingest changes nothing.
    if (accepted === sorted.length) await upsertAccounts(trx, sorted);
    else if (accepted > 0) {
      const fresh = new Set(inserted.rows.map((r) => r.platform + SEP + r.post_id));
      await upsertAccounts(
        trx,
        // delete as we go: a post repeated inside the chunk counts once
        sorted.filter((p) => fresh.delete(p.platform + SEP + clean(p.post_id))),
      );
    }
  }

  if (chunk.rejected.length > 0) {
    await sql`
      insert into rejected_records (batch_id, file, line, raw, reason)
      select ${chunk.batchId}::bigint, u.file, u.line, u.raw, u.reason
      from unnest(${chunk.rejected.map((r) => clean(r.file))}::text[],
                  ${chunk.rejected.map((r) => r.line)}::int[],
                  ${chunk.rejected.map((r) => clean(r.raw))}::text[],
                  ${chunk.rejected.map((r) => clean(r.reason))}::text[]) as u(file, line, raw, reason)`.execute(trx);
  }

  const duplicates = posts.length - accepted;
  await trx
    .updateTable('ingest_chunks')
    .set({ accepted, duplicates })
    .where('batch_id', '=', chunk.batchId)
    .where('seq', '=', chunk.seq)
    .execute();
  await trx
    .updateTable('ingest_batches')
    .set((eb) => ({
      total: eb('total', '+', posts.length + chunk.rejected.length),
      accepted: eb('accepted', '+', accepted),
      duplicates: eb('duplicates', '+', duplicates),
      rejected: eb('rejected', '+', chunk.rejected.length),
      chunks_done: eb('chunks_done', '+', 1),
    }))
    .where('id', '=', chunk.batchId)
    .execute();
  await completeIfDone(trx, chunk.batchId);
  return { written: true, accepted, duplicates, rejected: chunk.rejected.length, minPostedAt: minT, maxPostedAt: maxT };
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
async function upsertAccounts(trx: Transaction<Database>, posts: CanonicalPost[]): Promise<void> {
  if (posts.length === 0) return;
  const accounts = new Map<string, AccountAgg>();
  const sightings = new Map<string, SightingAgg>();
  for (const p of posts) {
    const key = p.platform + '\u001f' + p.account.id;
    const a = accounts.get(key);
    if (!a) accounts.set(key, { platform: p.platform, account: p.account, first: p.posted_at, last: p.posted_at });
    else {
      if (p.posted_at < a.first) a.first = p.posted_at;
      if (p.posted_at >= a.last) {
        a.last = p.posted_at;
        a.account = p.account;
      }
    }
    const hash = personaHash(p.account, p.lang);
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
