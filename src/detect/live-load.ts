import type pg from 'pg';
import { sql } from 'kysely';
import type { CorePost } from '../core/types.ts';
import { canonicalOrder } from '../core/posts.ts';
import { postKey } from '../core/keys.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { POST_COLUMNS, rowPost } from './load.ts';
import { eachCursorRow, inPooledTransaction } from '../db/pooled.ts';
import type { LoadDb, PostRow } from './load.ts';

/**
 * A live window is loaded again and again while its posts land: its run keeps the posts it
 * read and the xmin of the snapshot it read them in, and the next run reads only the rows
 * inserted by a transaction at or past that xmin (every earlier one had ended: its rows were
 * seen), the ones it already holds dropped by key, in one repeatable-read snapshot that also
 * counts the range. A chunk still open at the last read is picked up however long it stayed
 * open, savepoints included (its rows' xmin is a subtransaction's, which a snapshot's
 * in-progress list does not name, but which is past the snapshot's xmin). Posts are never updated in place
 * (ingest inserts, ON CONFLICT DO NOTHING), so the kept posts plus the new ones ARE the
 * range's posts when their number is the range's count; otherwise (transaction ids wrapped,
 * a retention drop, a repeated key) the range is read whole in the same snapshot. Either way
 * the result is what loadPosts gives: the same rows, as the same CorePosts, in canonical order.
 */

const FETCH = 20_000;

export interface LivePosts {
  range: TimeWindow;
  /** canonical order (loadPosts's) */
  posts: CorePost[];
  keys: Set<string>;
  /** the xmin of the snapshot they were read in (a 32-bit transaction id, as a row's xmin) */
  xmin: number;
}

export interface LiveLoad {
  state: LivePosts;
  /** rows read this time (all of them on a full read) */
  read: number;
  /** the kept posts were reused */
  incremental: boolean;
}

type Row = PostRow;
const XID = 2 ** 32;

async function fetchAll(client: pg.PoolClient, text: string, params: unknown[]): Promise<Row[]> {
  const out: Row[] = [];
  await eachCursorRow(client, text, params, (row) => out.push(row as Row), FETCH);
  return out;
}

/** Two canonically ordered lists into one (canonicalOrder is total on distinct keys). */
function merge(a: readonly CorePost[], b: readonly CorePost[]): CorePost[] {
  const out: CorePost[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = canonicalOrder(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function fromRows(range: TimeWindow, rows: Row[], snap: Pick<LivePosts, 'xmin'>): LivePosts | null {
  const posts: CorePost[] = [];
  const keys = new Set<string>();
  for (const r of rows) {
    const p = rowPost(r);
    // a repeated key: not a state to build on (loadPosts keeps both; so does the full read)
    if (keys.has(p.key)) return null;
    keys.add(p.key);
    posts.push(p);
  }
  return { range, posts: posts.sort(canonicalOrder), keys, ...snap };
}

const sameRange = (a: TimeWindow, b: TimeWindow) =>
  a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();

/**
 * The posts of `range` (Postgres), reusing `prev` (the same range's last load) when it is
 * still a prefix of them. The result's state is the one to pass next time; a state of a
 * range with repeated keys is not kept (null: read whole each time).
 */
export async function loadLivePosts(
  db: LoadDb,
  pool: pg.Pool,
  range: TimeWindow,
  prev: LivePosts | null,
): Promise<{ posts: CorePost[]; state: LivePosts | null; read: number; incremental: boolean }> {
  const inRange = sql`posted_at >= ${range.start} and posted_at < ${range.end}`;
  return inPooledTransaction(
    pool,
    'begin isolation level repeatable read read only',
    async (client) => {
      // the transaction's snapshot (its first statement takes it), as 32-bit ids
      const s = await client.query<{ xmin: string }>(
        'select pg_snapshot_xmin(pg_current_snapshot())::text as xmin',
      );
      const snap = { xmin: Number(BigInt(s.rows[0]!.xmin) % BigInt(XID)) };
      if (prev && sameRange(prev.range, range)) {
        const unseen = sql`xmin::text::bigint >= ${prev.xmin}`;
        const q = sql`select ${POST_COLUMNS} from posts where ${inRange} and ${unseen}`.compile(
          db.kysely,
        );
        const rows = await fetchAll(client, q.sql, q.parameters as unknown[]);
        const c = sql<{ n: number }>`select count(*)::int as n from posts where ${inRange}`.compile(
          db.kysely,
        );
        const total = Number(
          (await client.query<{ n: number }>(c.sql, c.parameters as unknown[])).rows[0]!.n,
        );
        const fresh = fromRows(
          range,
          rows.filter((r) => !prev.keys.has(postKey(r[0], r[1]))),
          snap,
        );
        // the rows already held were dropped by key above: kept + fresh is the range when the counts agree
        if (fresh && prev.posts.length + fresh.posts.length === total) {
          const posts = fresh.posts.length ? merge(prev.posts, fresh.posts) : prev.posts;
          for (const k of fresh.keys) prev.keys.add(k);
          return {
            posts,
            state: { range, posts, keys: prev.keys, ...snap },
            read: rows.length,
            incremental: true,
          };
        }
      }
      const q = sql`select ${POST_COLUMNS} from posts where ${inRange}`.compile(db.kysely);
      const rows = await fetchAll(client, q.sql, q.parameters as unknown[]);
      const state = fromRows(range, rows, snap);
      return {
        posts: state ? state.posts : rows.map(rowPost).sort(canonicalOrder),
        state,
        read: rows.length,
        incremental: false,
      };
    },
  );
}
