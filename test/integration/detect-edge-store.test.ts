import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { edgeRepository } from '../../src/db/edge-repository.ts';
import type { Edge } from '../../src/core/types.ts';
import { copyWindowEdges } from '../../src/detect/edge-store.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

// The live path writes a window's edges with COPY (src/detect/edge-store.ts); edgeRepository's
// replaceWindow (JSON) is the reference: the same edges give the same rows, whatever the text.
const hostile = 'tab\there, newline\nthere, cr\r, back\\slash \\N \\. , "quotes" {braces} \'single\' \u200b مرحبا 🇺🇸';
const edges = (tag: string): Edge[] => [
  {
    kind: 'co_text',
    a: 'tw:a\t1',
    b: 'tw:b"2',
    weight: 3,
    strength: 0.1 + 0.2,
    evidence: Array.from({ length: 12 }, (_, i) => ({ a_post: `tw:p{${i}}\\`, b_post: `tw:q,${i}"`, object: `t:${hostile} ${tag}`, dt: i * 1.5 })),
  },
  { kind: 'co_repost', a: 'tw:a\t1', b: 'tw:c\n3', weight: 2, strength: 1 / 3, evidence: [{ a_post: 'tw:x', b_post: 'tw:y', object: `r:tw:1 ${tag}`, dt: 0 }] },
  { kind: 'co_link', a: 'bsky:did:plc:z', b: 'tw:c\n3', weight: 7, strength: 1e-12, evidence: [] },
];

type Row = Record<string, unknown>;
async function rows(db: Db, start: Date): Promise<Row[]> {
  const r = await sql<Row>`select window_start, window_end, kind, account_a, account_b, weight, strength, evidence_posts, evidence, detector_version
    from coordination_edges where window_start = ${start} order by kind, account_a, account_b`.execute(db.kysely);
  return r.rows;
}

describe('a window edges written with COPY', () => {
  let tdb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('are the rows replaceWindow writes (capped evidence, evidence posts, escapes), and replace the window whole', async () => {
    const w1 = { start: new Date('2026-11-01T12:00:00Z'), end: new Date('2026-11-01T12:01:00Z') };
    const w2 = { start: new Date('2026-11-01T12:01:00Z'), end: new Date('2026-11-01T12:02:00Z') };
    await edgeRepository(db.kysely).replaceWindow(w1, edges('one'), 'v1');
    const reference = await rows(db, w1.start);
    expect(reference).toHaveLength(3);
    expect((reference[0]!.evidence as unknown[]).length).toBeLessThan(12);

    await copyWindowEdges(db.pool!, w2, edges('one'), 'v1');
    const copied = await rows(db, w2.start);
    expect(copied.map(({ window_start: _s, window_end: _e, ...r }) => r)).toEqual(reference.map(({ window_start: _s, window_end: _e, ...r }) => r));
    expect(copied.map((r) => [r.window_start, r.window_end])).toEqual(copied.map(() => [w2.start, w2.end]));

    // a second write replaces the window's rows; the other window is left alone
    await copyWindowEdges(db.pool!, w2, edges('two').slice(1), 'v2');
    const again = await rows(db, w2.start);
    expect(again.map((r) => [r.kind, r.detector_version])).toEqual([
      ['co_link', 'v2'],
      ['co_repost', 'v2'],
    ]);
    expect(await rows(db, w1.start)).toEqual(reference);

    // no edges: the window is emptied
    await copyWindowEdges(db.pool!, w2, [], 'v2');
    expect(await rows(db, w2.start)).toEqual([]);
  });

  it('rolls back whole when a row is refused (the rows before stay as they were)', async () => {
    const w = { start: new Date('2026-11-01T13:00:00Z'), end: new Date('2026-11-01T13:01:00Z') };
    await copyWindowEdges(db.pool!, w, edges('keep'), 'v1');
    const before = await rows(db, w.start);
    const dup = [...edges('x'), edges('x')[0]!];
    await expect(copyWindowEdges(db.pool!, w, dup, 'v1')).rejects.toThrow();
    expect(await rows(db, w.start)).toEqual(before);
  });
});
