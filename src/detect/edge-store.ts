import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Edge } from '../core/types.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { edgeRow } from '../db/edge-repository.ts';
import { copyText } from '../db/copy-text.ts';
import { inPooledTransaction } from '../db/pooled.ts';

/**
 * A window's edges written with COPY (Postgres): the same rows as
 * edgeRepository.replaceWindow (its edgeRow: capped evidence, evidence posts), deleted and
 * written again in one transaction, without the one JSON document the server parses row by
 * row. The live path's store was 3–6 s for 50–110k edges (a third of a window run under
 * load); this write is what a retry or a later run replaces in full, as before.
 */

/** A text[] literal: every element double-quoted, `"` and `\` backslashed inside. */
const arrayLiteral = (xs: readonly string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, (m) => `\\${m}`)}"`).join(',')}}`;
/** A double as JSON carried it to the JSON path (null for what JSON cannot hold). */
const float = (x: number) => (Number.isFinite(x) ? String(x) : '\\N');

const COLUMNS = 'window_start, window_end, kind, account_a, account_b, weight, strength, evidence_posts, evidence, detector_version';
const PART = 5_000;

export async function copyWindowEdges(pool: pg.Pool, w: TimeWindow, edges: readonly Edge[], detectorVersion: string): Promise<number> {
  return inPooledTransaction(pool, 'begin', async (client) => {
    await client.query('delete from coordination_edges where window_start = $1', [w.start]);
    if (edges.length) {
      const head = `${w.start.toISOString()}\t${w.end.toISOString()}\t`;
      const tail = `\t${copyText(detectorVersion)}\n`;
      const stream = client.query(copyFrom(`copy coordination_edges (${COLUMNS}) from stdin`));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
      });
      for (let i = 0; i < edges.length; i += PART) {
        let chunk = '';
        for (const e of edges.slice(i, i + PART)) {
          const r = edgeRow(e);
          chunk += `${head}${copyText(r.k)}\t${copyText(r.a)}\t${copyText(r.b)}\t${r.w}\t${float(r.s)}\t${copyText(arrayLiteral(r.p))}\t${copyText(JSON.stringify(r.e))}${tail}`;
        }
        if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
      }
      stream.end();
      await done;
    }
    return edges.length;
  });
}
