import type { Command } from 'commander';
import { sql } from 'kysely';
import { alertRepository } from '../../db/alert-repository.ts';
import { alertService } from '../../alerts/alert-service.ts';
import { AlertTransitionError } from '../../alerts/review-rules.ts';
import type { AlertDetail } from '../../db/alert-repository.ts';
import { ALERT_STATUSES } from '../../db/schema/index.ts';
import type { AlertStatus } from '../../db/schema/index.ts';
import type { Db } from '../../db/connection.ts';
import { splitKey } from '../../core/keys.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';
import { safe, table } from '../format.ts';

function parseStatuses(v: string | undefined): AlertStatus[] | undefined {
  if (!v) return undefined;
  const xs = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of xs) if (!ALERT_STATUSES.includes(s as AlertStatus)) throw new UsageError(`--status: "${s}" is not one of ${ALERT_STATUSES.join(', ')}`);
  return xs as AlertStatus[];
}

const iso = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

export function registerAlertsCommands(program: Command): void {
  program
    .command('alerts')
    .description('list alerts, highest score first')
    .option('--status <list>', `only these statuses, comma-separated (${ALERT_STATUSES.join(', ')})`)
    .option('--min-score <n>', 'only alerts scoring at least this (0-100)')
    .option('-n, --limit <n>', 'how many', '50')
    .option('--json', 'JSON output')
    .action((flags: { status?: string; minScore?: string; limit: string; json?: boolean }) =>
      runCommand(async () => {
        const status = parseStatuses(flags.status);
        const minScore = flags.minScore === undefined ? undefined : Number(flags.minScore);
        if (minScore !== undefined && !(Number.isFinite(minScore) && minScore >= 0 && minScore <= 100)) throw new UsageError(`--min-score: expected 0 to 100, got "${flags.minScore}"`);
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${flags.limit}"`);
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const rows = await alertRepository(db.kysely).list({ status, minScore, limit });
          if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          if (rows.length === 0) return void process.stdout.write('no alerts\n');
          process.stdout.write(
            table([
              ['id', 'status', 'severity', 'score', 'members', 'first seen', 'last seen', 'assignee', 'why'],
              ...rows.map((a) => [a.id, a.status, a.severity, a.score.toFixed(1), a.member_count, iso(a.first_seen_at), iso(a.last_seen_at), a.assignee ?? '', safe(a.verdict, 90)]),
            ]) + '\n',
          );
        } finally {
          await db.close();
        }
      }),
    );

  program
    .command('alert')
    .description('show one alert: score and why, members, evidence, timeline, history; or review it')
    .argument('<id>', 'alert id')
    .option('--status <status>', `move it (${ALERT_STATUSES.join(', ')}); needs --by`)
    .option('--assign <name>', 'assign it; needs --by')
    .option('--note <text>', 'a note for the audit log (with --status, the reason)')
    .option('--by <name>', 'who does it (recorded in the audit log)')
    .option('--json', 'JSON output')
    .action((id: string, flags: { status?: string; assign?: string; note?: string; by?: string; json?: boolean }) =>
      runCommand(async () => {
        const aid = Number(id);
        if (!Number.isInteger(aid) || aid < 1) throw new UsageError(`alert id: expected a positive integer, got "${id}"`);
        if (flags.status && !ALERT_STATUSES.includes(flags.status as AlertStatus)) throw new UsageError(`--status: expected one of ${ALERT_STATUSES.join(', ')}, got "${flags.status}"`);
        const acting = flags.status !== undefined || flags.assign !== undefined || flags.note !== undefined;
        if (acting && !flags.by) throw new UsageError('--by <name> is needed to change an alert (it goes in the audit log)');
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const repo = alertRepository(db.kysely);
          const service = alertService(db.kysely);
          if (!(await repo.get(aid))) {
            process.stderr.write(`coordwatch: no alert ${aid}\n`);
            return EXIT.input;
          }
          try {
            if (flags.status) await service.setStatus(aid, flags.status as AlertStatus, flags.by!, flags.note ?? null);
            else if (flags.note !== undefined) await service.addNote(aid, flags.by!, flags.note);
            if (flags.assign !== undefined) await service.assign(aid, flags.assign === '' ? null : flags.assign, flags.by!);
          } catch (err) {
            if (err instanceof AlertTransitionError) throw new UsageError(err.message);
            throw err;
          }
          const d = (await repo.get(aid))!;
          if (flags.json) return void process.stdout.write(JSON.stringify(d, null, 2) + '\n');
          process.stdout.write(await render(db, d));
        } finally {
          await db.close();
        }
      }),
    );
}

interface Part {
  name: string;
  value: number;
  weight: number;
  contribution: number;
  reason: string;
}

async function render(db: Db, d: AlertDetail): Promise<string> {
  const a = d.alert;
  const out: string[] = [];
  out.push(`alert ${a.id}  ${a.status}  ${a.severity}  score ${a.score.toFixed(1)}  ${a.member_count} members${a.assignee ? `  assigned to ${safe(a.assignee)}` : ''}`);
  out.push(`  ${safe(a.verdict, 400)}`);
  out.push(`  seen        ${a.first_seen_at.toISOString()} → ${a.last_seen_at.toISOString()}`);
  out.push(`  kinds       ${a.kinds.join(', ')}`);
  const narr = (a.narratives as { id?: string; title?: string; posts?: number }[]) ?? [];
  if (narr.length) out.push(`  narratives  ${narr.map((x) => `${x.title ?? x.id}${x.posts ? ` (${x.posts} posts)` : ''}`).join('; ')}`);
  out.push(`  detector    ${a.detector_version}   opened ${a.created_at.toISOString()}`);

  out.push('', 'why (score parts, points of 100):');
  const parts = ((a.score_parts as Part[]) ?? []).filter((p) => p.weight > 0).sort((x, y) => y.contribution - x.contribution);
  out.push(table(parts.map((p) => ['  ' + p.name, p.contribution.toFixed(1), `of ${p.weight}`, safe(p.reason, 110)])));

  // handles, for the reader; ids stay the key
  const handles = new Map<string, string>();
  if (d.members.length) {
    const r = await sql<{ k: string; handle: string | null }>`
      select platform || ':' || account_id as k, handle from accounts
      join unnest(${d.members.map((m) => m.platform)}::text[], ${d.members.map((m) => m.account_id)}::text[]) as u(platform, account_id) using (platform, account_id)`.execute(db.kysely);
    for (const x of r.rows) if (x.handle) handles.set(x.k, x.handle);
  }
  out.push('', `members (${d.members.length}):`);
  const shown = d.members.slice(0, 40);
  out.push(
    table([
      ['  account', 'handle', 'role', 'cohesion', 'suspicion', 'top signals'],
      ...shown.map((m) => {
        const sig = m.signals as { top?: string[]; [k: string]: unknown } | null;
        const top = (sig?.top ?? []).slice(0, 2).map((id) => `${id}: ${safe(String((sig?.[id] as { reason?: string })?.reason ?? ''), 60)}`).join('; ');
        return ['  ' + safe(m.account_key, 40), safe(handles.get(m.account_key) ?? '', 24), m.role + (m.watchlisted ? '*' : ''), m.cohesion.toFixed(2), m.suspicion === null ? '' : m.suspicion.toFixed(2), top];
      }),
    ]),
  );
  if (d.members.length > shown.length) out.push(`  … and ${d.members.length - shown.length} more (--json for all)`);

  const texts = d.evidence.filter((e) => e.kind === 'text').slice(0, 5);
  if (texts.length) {
    out.push('', 'same or near-same posts, side by side:');
    for (const e of texts) {
      const t = e.data as { a: { account: string; t: number; text: string }; b: { account: string; t: number; text: string }; dt: number };
      out.push(`  ${safe(e.description, 160)}`);
      for (const p of [t.a, t.b]) out.push(`    ${new Date(p.t * 1000).toISOString().slice(11, 19)}  ${safe(splitKey(p.account).id, 20).padEnd(20)}  ${safe(p.text, 110)}`);
    }
  }
  for (const [kind, title] of [
    ['link', 'shared links'],
    ['repost', 'shared reposts'],
    ['hashtag', 'shared hashtags'],
  ] as const) {
    const rows = d.evidence.filter((e) => e.kind === kind).slice(0, 8);
    if (rows.length) {
      out.push('', `${title}:`);
      for (const e of rows) out.push(`  ${safe(e.description, 160)}`);
    }
  }

  // timeline: the members' posts per 10 minutes over the activity span
  const tl = await sql<{ bucket: Date; n: number }>`
    select to_timestamp(floor(extract(epoch from posted_at) / 600) * 600) as bucket, count(*)::int as n
    from posts join unnest(${d.members.map((m) => m.platform)}::text[], ${d.members.map((m) => m.account_id)}::text[]) as u(platform, account_id) using (platform, account_id)
    where posted_at >= ${a.first_seen_at} and posted_at <= ${a.last_seen_at}
    group by 1 order by 1 limit 48`.execute(db.kysely);
  if (tl.rows.length) {
    const max = Math.max(...tl.rows.map((r) => r.n));
    out.push('', "timeline (members' posts per 10 minutes):");
    for (const r of tl.rows) out.push(`  ${new Date(r.bucket).toISOString().slice(0, 16).replace('T', ' ')}  ${'#'.repeat(Math.max(1, Math.round((r.n / max) * 40)))} ${r.n}`);
  }

  out.push('', 'history:');
  for (const e of d.events) {
    const move = e.from_value || e.to_value ? `  ${e.from_value ?? ''} → ${e.to_value ?? ''}` : '';
    out.push(`  ${e.at.toISOString().slice(0, 19).replace('T', ' ')}  ${safe(e.actor, 24)}  ${e.action}${move}${e.note ? `  "${safe(e.note, 140)}"` : ''}`);
  }
  out.push('', `clusters behind it: ${d.clusters.length} (windows ${d.clusters.slice(-3).map((c) => `${iso(c.window_start)}–${iso(c.window_end).slice(11)}`).join(', ')})`);
  return out.join('\n') + '\n';
}
