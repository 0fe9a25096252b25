import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { CoEvidence, Edge, EdgeKind } from '../core/types.ts';
import type { TimeWindow } from '../detect/windows.ts';
import type { Database } from './schema/index.ts';

/**
 * Evidence pairs kept per stored edge. The cluster step reads the evidence of the text kinds
 * (near-same posts side by side, and the cohesion of text rings); for the other kinds the
 * shared object is the evidence and a few pairs show it, so they keep fewer: the rows of a
 * busy window stay small to write and to read back.
 */
const EVIDENCE_CAP = 10;
const OTHER_EVIDENCE_CAP = 3;
/** the kinds whose edge evidence the core reads (see score/features.ts, score/evidence.ts) */
export const TEXT_EDGE_KINDS: readonly EdgeKind[] = ['co_text', 'co_similar', 'co_reply'];

export const evidenceCap = (kind: EdgeKind) => (TEXT_EDGE_KINDS.includes(kind) ? EVIDENCE_CAP : OTHER_EVIDENCE_CAP);

export function edgeRepository(db: Kysely<Database>) {
  return {
    /**
     * The edges of one detection window, replaced as a whole: a re-run writes the same rows.
     * All rows go as one JSON document (one statement, however many edges).
     */
    async replaceWindow(w: TimeWindow, edges: readonly Edge[], detectorVersion: string): Promise<number> {
      const rows = edges.map((e) => {
        const evidence = e.evidence.slice(0, evidenceCap(e.kind));
        return { k: e.kind, a: e.a, b: e.b, w: e.weight, s: e.strength, p: [...new Set(evidence.flatMap((x) => [x.a_post, x.b_post]))], e: evidence };
      });
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('coordination_edges').where('window_start', '=', w.start).execute();
        if (rows.length) {
          await sql`
            insert into coordination_edges (window_start, window_end, kind, account_a, account_b, weight, strength, evidence_posts, evidence, detector_version)
            select ${w.start}, ${w.end}, r.k, r.a, r.b, r.w, r.s, array(select jsonb_array_elements_text(r.p)), r.e, ${detectorVersion}
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(k text, a text, b text, w integer, s double precision, p jsonb, e jsonb)`.execute(trx);
        }
        return rows.length;
      });
    },

    /**
     * The stored edges of the windows starting in [from, to), one per pair and kind: weights
     * and strengths add up, evidence is pooled (capped); only the text kinds bring their
     * evidence (nothing downstream reads the others').
     */
    async rolling(from: Date, to: Date): Promise<Edge[]> {
      const r = await sql<{ kind: string; a: string; b: string; weight: number; strength: number; evidence: CoEvidence[][] | null }>`
        select kind, account_a as a, account_b as b, sum(weight)::int as weight, sum(strength) as strength,
               array_agg(evidence order by window_start) filter (where kind = any(${TEXT_EDGE_KINDS as EdgeKind[]}::text[])) as evidence
        from coordination_edges
        where window_start >= ${from} and window_start < ${to}
        group by kind, account_a, account_b
        order by account_a, account_b, kind`.execute(db);
      return r.rows.map((x) => ({
        a: x.a,
        b: x.b,
        kind: x.kind as EdgeKind,
        weight: Number(x.weight),
        strength: Number(x.strength),
        evidence: x.evidence ? x.evidence.flat().slice(0, EVIDENCE_CAP) : [],
      }));
    },
  };
}

export type EdgeRepository = ReturnType<typeof edgeRepository>;
