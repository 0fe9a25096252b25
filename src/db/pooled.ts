import type pg from 'pg';

/**
 * Work on one pooled Postgres connection of its own, for what the query builder does not
 * do: cursors, snapshots, COPY streams.
 */

/**
 * `fn` inside one transaction (`begin` is its opening statement: isolation, read only) on a
 * connection taken from the pool: committed when fn returns, rolled back when it throws, and
 * a connection that failed (mid-cursor, mid-COPY) is dropped, not given back for reuse.
 */
export async function inPooledTransaction<T>(
  pool: pg.Pool,
  begin: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // a connection the server drops while it is checked out (a backend terminated mid-cursor)
  // also emits 'error' on the client, after the query in flight has rejected with the reason:
  // with no listener that would be an uncaught exception (a thread's death), not a failed call
  const ignore = () => {};
  client.on('error', ignore);
  let failed: Error | undefined;
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('commit');
    return out;
  } catch (err) {
    failed = err as Error;
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    // a failed connection is dropped (and may still emit): it keeps the listener
    if (!failed) client.off('error', ignore);
    client.release(failed);
  }
}

/**
 * Every row of a query as an array, through a cursor `fetch` rows at a time (inside a
 * transaction): the driver never buffers more than one batch of a large range.
 */
export async function eachCursorRow(
  client: pg.PoolClient,
  text: string,
  params: unknown[],
  visit: (row: unknown[]) => void,
  fetch = 20_000,
): Promise<void> {
  await client.query(`declare rows_cursor no scroll cursor for ${text}`, params);
  for (;;) {
    const r = await client.query<unknown[]>({
      text: `fetch ${fetch} from rows_cursor`,
      rowMode: 'array',
    });
    for (const row of r.rows) visit(row);
    if (r.rows.length < fetch) break;
  }
  await client.query('close rows_cursor');
}
