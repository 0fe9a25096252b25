import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { MemoryRow } from '../core/memory/index.ts';
import type { EdgeKind } from '../core/types.ts';
import type { Database } from './schema/index.ts';

const DAY = 86_400;
const isoDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const epochDay = (d: string | Date) => Date.parse(typeof d === 'string' ? `${d.slice(0, 10)}T00:00:00Z` : d.toISOString().slice(0, 10) + 'T00:00:00Z') / 1000;

/** Long-horizon pair memory (table pair_memory): stored by deep scans, read by the next ones. */
export function pairMemoryRepository(db: Kysely<Database>) {
  return {
    /** Remember rows; a day already held keeps its larger weight and strength (idempotent for re-scans). */
    async remember(rows: readonly MemoryRow[]): Promise<number> {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000).map((r) => ({ account_a: r.a, account_b: r.b, kind: r.kind, day: isoDay(r.day), weight: r.weight, strength: r.strength }));
        await db
          .insertInto('pair_memory')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['account_a', 'account_b', 'kind', 'day']).doUpdateSet({
              weight: sql`greatest(pair_memory.weight, excluded.weight)`,
              strength: sql`greatest(pair_memory.strength, excluded.strength)`,
            }),
          )
          .execute();
      }
      return rows.length;
    },

    /** The remembered rows of these pairs on days in [fromDay, beforeDay) (epoch seconds of UTC midnights). */
    async recall(pairs: readonly { a: string; b: string }[], fromDay: number, beforeDay: number): Promise<MemoryRow[]> {
      const out: MemoryRow[] = [];
      for (let i = 0; i < pairs.length; i += 20_000) {
        const part = pairs.slice(i, i + 20_000);
        const r = await sql<{ account_a: string; account_b: string; kind: string; day: string | Date; weight: number; strength: number }>`
          select m.account_a, m.account_b, m.kind, m.day, m.weight, m.strength
          from pair_memory m
          join unnest(${part.map((p) => p.a)}::text[], ${part.map((p) => p.b)}::text[]) as q(a, b) on q.a = m.account_a and q.b = m.account_b
          where m.day >= ${isoDay(fromDay)}::date and m.day < ${isoDay(beforeDay)}::date`.execute(db);
        for (const x of r.rows) out.push({ a: x.account_a, b: x.account_b, kind: x.kind as EdgeKind, day: epochDay(x.day), weight: Number(x.weight), strength: Number(x.strength) });
      }
      return out;
    },

    /** Forget days before this one (epoch seconds); returns the rows dropped. */
    async forgetBefore(day: number): Promise<number> {
      const r = await db.deleteFrom('pair_memory').where('day', '<', isoDay(Math.floor(day / DAY) * DAY)).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
