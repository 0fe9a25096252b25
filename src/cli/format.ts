import type { Kysely } from 'kysely';
import type { Database } from '../db/schema/index.ts';

/** Small helpers for terminal output. */
export const n = (x: number) => x.toLocaleString('en-US');
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const rate = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0);

/** Control characters in hostile text would drive the terminal: show them escaped. */
export function safe(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return t.length > max ? t.slice(0, max) + '…' : t;
}

export function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  return rows
    .map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/**
 * What detection did while a command ran, read back from the database so it is the same
 * whether windows ran in-process (embedded) or in detect workers: the detection windows
 * (`scan_runs` of kind window) and the alerts the system opened, updated or reopened.
 * Marks are row ids taken before the command starts, so no clock is compared.
 */
export interface DetectionMark {
  scanRunId: number;
  eventId: number;
}

export interface DetectionOutcome {
  windows: number;
  windowsPending: number;
  opened: number;
  updated: number;
  reopened: number;
}

export async function detectionMark(db: Kysely<Database>): Promise<DetectionMark> {
  const [s, e] = await Promise.all([
    db.selectFrom('scan_runs').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst(),
    db.selectFrom('alert_events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst(),
  ]);
  return { scanRunId: Number(s?.m ?? 0), eventId: Number(e?.m ?? 0) };
}

export async function detectionSince(db: Kysely<Database>, mark: DetectionMark): Promise<DetectionOutcome> {
  const [runs, events] = await Promise.all([
    db
      .selectFrom('scan_runs')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('id', '>', mark.scanRunId)
      .where('kind', '=', 'window')
      .groupBy('status')
      .execute(),
    db
      .selectFrom('alert_events')
      .select(['action', (eb) => eb.fn.count<string>('alert_id').distinct().as('n')])
      .where('id', '>', mark.eventId)
      .where('actor', '=', 'system')
      .where('action', 'in', ['opened', 'updated', 'reopened'])
      .groupBy('action')
      .execute(),
  ]);
  const run = (st: string) => Number(runs.find((r) => r.status === st)?.n ?? 0);
  const ev = (a: string) => Number(events.find((r) => r.action === a)?.n ?? 0);
  return { windows: run('completed') + run('skipped'), windowsPending: run('running'), opened: ev('opened'), updated: ev('updated'), reopened: ev('reopened') };
}

/** The summary lines of a detection outcome, aligned with the ingest summary's. */
export function detectionLines(o: DetectionOutcome, opts: { queued?: boolean } = {}): string[] {
  const windows = `${n(o.windows)}${o.windowsPending ? ` (${n(o.windowsPending)} still running)` : ''}`;
  const lines = [`  windows     ${windows}${opts.queued && o.windows === 0 ? ' (detection runs in the detect workers)' : ''}`];
  lines.push(`  alerts      ${n(o.opened)} opened, ${n(o.updated)} updated${o.reopened ? `, ${n(o.reopened)} reopened` : ''}${o.opened + o.updated + o.reopened ? '  (coordwatch alerts)' : ''}`);
  return lines;
}
