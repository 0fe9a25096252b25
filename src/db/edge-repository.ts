import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { CoEvidence, Edge, EdgeKind } from '../core/types.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { TEXT_EDGE_KINDS } from '../core/edges/kinds/index.ts';
import type { Database } from './schema/index.ts';

/**
 * Evidence pairs kept per stored edge. The cluster step reads the evidence of the text kinds
 * (near-same posts side by side, and the cohesion of text rings); for the other kinds the
 * shared object is the evidence and a few pairs show it, so they keep fewer: the rows of a
 * busy window stay small to write and to read back.
 */
const EVIDENCE_CAP = 10;
const OTHER_EVIDENCE_CAP = 3;
// the kinds whose edge evidence the core reads (score/features.ts, score/evidence.ts): the registry's textual kinds

const isText = (kind: EdgeKind) => TEXT_EDGE_KINDS.includes(kind);
export const evidenceCap = (kind: EdgeKind) => (isText(kind) ? EVIDENCE_CAP : OTHER_EVIDENCE_CAP);

/** One stored edge as the JSON the repository writes. */
interface EdgeRow {
  k: EdgeKind;
  a: string;
  b: string;
  w: number;
  s: number;
  p: string[];
  e: CoEvidence[];
}

export function edgeRow(e: Edge): EdgeRow {
  const evidence = e.evidence.slice(0, evidenceCap(e.kind));
  return { k: e.kind, a: e.a, b: e.b, w: e.weight, s: e.strength, p: [...new Set(evidence.flatMap((x) => [x.a_post, x.b_post]))], e: evidence };
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const byPair = (x: Edge, y: Edge) => cmp(x.a, y.a) || cmp(x.b, y.b) || cmp(x.kind, y.kind);

export function edgeRepository(db: Kysely<Database>) {
  return {
    /**
     * The edges of one detection window, replaced as a whole: a re-run writes the same rows.
     * The rows go as one JSON document: one statement however many edges, parsed by the server.
     */
    async replaceWindow(w: TimeWindow, edges: readonly Edge[], detectorVersion: string): Promise<number> {
      const rows = JSON.stringify(edges.map(edgeRow));
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('coordination_edges').where('window_start', '=', w.start).execute();
        if (edges.length) {
          await sql`
            insert into coordination_edges (window_start, window_end, kind, account_a, account_b, weight, strength, evidence_posts, evidence, detector_version)
            select ${w.start}, ${w.end}, r.k, r.a, r.b, r.w, r.s, array(select jsonb_array_elements_text(r.p)), r.e, ${detectorVersion}
            from jsonb_to_recordset(${rows}::jsonb) as r(k text, a text, b text, w integer, s double precision, p jsonb, e jsonb)`.execute(trx);
        }
        return edges.length;
      });
    },

    /**
     * The stored edges of the windows starting in [from, to), one per pair and kind: weights
     * and strengths add up, evidence is pooled in window order (capped); only the text kinds
     * bring their evidence (nothing downstream reads the others'). With `fresh`, that
     * window's edges are taken from it instead of the table (a window just analysed, whose
     * rows are written after its alerts): the result is what reading them back would give.
     */
    async rolling(from: Date, to: Date, fresh?: { windowStart: Date; edges: readonly Edge[] }): Promise<Edge[]> {
      const at = fresh?.windowStart ?? new Date(0);
      const r = await sql<{ kind: string; a: string; b: string; weight: number; strength: number; before: CoEvidence[][] | null; after: CoEvidence[][] | null }>`
        select kind, account_a as a, account_b as b, sum(weight)::int as weight, sum(strength) as strength,
               array_agg(evidence order by window_start) filter (where kind = any(${TEXT_EDGE_KINDS as EdgeKind[]}::text[]) and window_start < ${at}) as before,
               array_agg(evidence order by window_start) filter (where kind = any(${TEXT_EDGE_KINDS as EdgeKind[]}::text[]) and window_start > ${at}) as after
        from coordination_edges
        where window_start >= ${from} and window_start < ${to} ${fresh ? sql`and window_start <> ${at}` : sql``}
        group by kind, account_a, account_b`.execute(db);
      const out = new Map<string, Edge & { after: CoEvidence[] }>();
      for (const x of r.rows) {
        const kind = x.kind as EdgeKind;
        out.set(`${kind}\u0000${x.a}\u0000${x.b}`, {
          a: x.a,
          b: x.b,
          kind,
          weight: Number(x.weight),
          strength: Number(x.strength),
          evidence: x.before?.flat() ?? [],
          after: x.after?.flat() ?? [],
        });
      }
      for (const e of fresh?.edges ?? []) {
        const k = `${e.kind}\u0000${e.a}\u0000${e.b}`;
        const mine = isText(e.kind) ? edgeRow(e).e : [];
        const have = out.get(k);
        if (!have) out.set(k, { a: e.a, b: e.b, kind: e.kind, weight: e.weight, strength: e.strength, evidence: mine, after: [] });
        else {
          have.weight += e.weight;
          have.strength += e.strength;
          have.evidence = [...have.evidence, ...mine];
        }
      }
      return [...out.values()]
        .map(({ after, ...e }) => ({ ...e, evidence: [...e.evidence, ...after].slice(0, EVIDENCE_CAP) }))
        .sort(byPair);
    },
  };
}

export type EdgeRepository = ReturnType<typeof edgeRepository>;
