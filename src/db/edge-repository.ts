import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { CoEvidence, Edge, EdgeKind } from '../core/types.ts';
import type { TimeWindow } from '../detect/windows.ts';
import type { Database } from './schema/index.ts';

/** Evidence pairs kept per stored edge. */
const EVIDENCE_CAP = 10;

export function edgeRepository(db: Kysely<Database>) {
  return {
    /** The edges of one detection window, replaced as a whole: a re-run writes the same rows. */
    async replaceWindow(w: TimeWindow, edges: readonly Edge[], detectorVersion: string): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('coordination_edges').where('window_start', '=', w.start).execute();
        const rows = edges.map((e) => {
          const evidence = e.evidence.slice(0, EVIDENCE_CAP);
          return {
            window_start: w.start,
            window_end: w.end,
            kind: e.kind,
            account_a: e.a,
            account_b: e.b,
            weight: e.weight,
            strength: e.strength,
            evidence_posts: [...new Set(evidence.flatMap((x) => [x.a_post, x.b_post]))],
            evidence: JSON.stringify(evidence),
            detector_version: detectorVersion,
          };
        });
        for (let i = 0; i < rows.length; i += 2000) {
          await trx.insertInto('coordination_edges').values(rows.slice(i, i + 2000)).execute();
        }
        return rows.length;
      });
    },

    /**
     * The stored edges of the windows starting in [from, to), one per pair and kind: weights
     * and strengths add up, evidence is pooled (capped).
     */
    async rolling(from: Date, to: Date): Promise<Edge[]> {
      const r = await sql<{ kind: string; a: string; b: string; weight: number; strength: number; evidence: CoEvidence[][] }>`
        select kind, account_a as a, account_b as b, sum(weight)::int as weight, sum(strength) as strength,
               array_agg(evidence order by window_start) as evidence
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
        evidence: x.evidence.flat().slice(0, EVIDENCE_CAP),
      }));
    },
  };
}

export type EdgeRepository = ReturnType<typeof edgeRepository>;
