import pg from 'pg';

/** One query on a fresh client (tests read what workers in other processes wrote). */
export async function query<T = Record<string, unknown>>(url: string, q: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(q)).rows as T[];
  } finally {
    await c.end();
  }
}

/** The `n` of a `select count(*) n …`. */
export const count = async (url: string, q: string): Promise<number> => Number((await query<{ n: number | string }>(url, q))[0]!.n);

/** What an analyst sees, without ids and clocks: each alert's severity, score and members. */
export async function alertSnapshot(url: string): Promise<string[]> {
  const rows = await query<{ s: string }>(
    url,
    `select a.severity || ' ' || a.score || ' ' || a.member_count || ' ' || string_agg(m.account_key, ',' order by m.account_key) as s
     from alerts a join alert_members m on m.alert_id = a.id group by a.id order by 1`,
  );
  return rows.map((r) => r.s);
}
