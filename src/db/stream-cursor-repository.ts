import type { Generated, Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Where each live stream has got to (migration 2026-12-02T00-20-00). One row per stream name
 * (`bluesky:<jetstream url>`): `cursor_us` the Jetstream `time_us` of the newest event whose chunk
 * is on the ingest queue; `seen` the ids of events within the resume overlap before it.
 */
export interface StreamCursorsTable {
  name: string;
  cursor_us: string | number;
  seen: Generated<string[]>;
  events: Generated<string | number>;
  updated_at: Generated<Date>;
}

type StreamDb = { stream_cursors: StreamCursorsTable };

export interface StreamCursor {
  name: string;
  cursorUs: number;
  seen: string[];
  events: number;
  updatedAt: Date;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function streamCursorRepository(db: Kysely<any>) {
  const k = db as unknown as Kysely<StreamDb>;
  return {
    async get(name: string): Promise<StreamCursor | null> {
      const r = await k.selectFrom('stream_cursors').selectAll().where('name', '=', name).executeTakeFirst();
      if (!r) return null;
      return { name: r.name, cursorUs: Number(r.cursor_us), seen: r.seen, events: Number(r.events), updatedAt: r.updated_at };
    },

    /**
     * Move the cursor forward (never back: a late save of an older chunk cannot rewind it) and
     * count `events` more. time_us values are < 2^53, exact as JS numbers.
     */
    async save(name: string, cursorUs: number, seen: readonly string[], events: number): Promise<void> {
      await k
        .insertInto('stream_cursors')
        .values({ name, cursor_us: cursorUs, seen: [...seen], events })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            cursor_us: sql`greatest(stream_cursors.cursor_us, excluded.cursor_us)`,
            seen: sql`case when excluded.cursor_us >= stream_cursors.cursor_us then excluded.seen else stream_cursors.seen end`,
            events: sql`stream_cursors.events + excluded.events`,
            updated_at: sql`now()`,
          }),
        )
        .execute();
    },

    async list(): Promise<StreamCursor[]> {
      const rows = await k.selectFrom('stream_cursors').selectAll().orderBy('name').execute();
      return rows.map((r) => ({ name: r.name, cursorUs: Number(r.cursor_us), seen: r.seen, events: Number(r.events), updatedAt: r.updated_at }));
    },
  };
}

export type StreamCursorRepository = ReturnType<typeof streamCursorRepository>;
