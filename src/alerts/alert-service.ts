import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { ApplyInput, ApplyResult } from '../core/alerts/apply.ts';
import type { ClusterEdge } from '../core/alerts/edges.ts';
import { planAlerts, SEVERITY_RANK } from '../core/alerts/identity.ts';
import type { AlertState, Decision, IdentityPolicy, SuppressionState } from '../core/alerts/identity.ts';
import { compactSignals, evidenceRows, roleOf, round, spanOf } from '../core/alerts/rows.ts';
import { splitKey } from '../core/keys.ts';
import type { AccountSignals } from '../core/signals/index.ts';
import type { ScoredCluster, Severity } from '../core/score/types.ts';
import type { Alert, AlertStatus, ClusterOutcome, Database } from '../db/schema/index.ts';
import { AlertTransitionError, transitionRefusal } from './review-rules.ts';

/**
 * The alert service: the one write path of alerts. Detection's clusters become alert changes
 * (open, update, stay suppressed, reopen), and analysts' review decisions move an alert through
 * its states (with the suppressions and watchlist they imply), each in one transaction with
 * its audit events. The rules themselves are pure: identity in core/alerts/identity.ts, review
 * moves in ./review-rules.ts. Reads are the repositories' (db/alert-repository.ts).
 */

/** Every write to alerts takes this transaction lock: two scans never open the same alert twice. */
const ALERTS_LOCK = 0x636f_0001;
/** Evidence rows kept per alert and kind; the first found stay. */
const EVIDENCE_CAP = 50;

export function alertService(db: Kysely<Database>) {
  return {
    /**
     * Turn one scan's clusters into alert changes, in one transaction: open, update (new
     * members, evidence, a higher score, a later last-seen), stay suppressed, or reopen a
     * dismissed alert that grew. A cluster that brings nothing new changes nothing, so a
     * re-run of the same window writes no alert row and no event.
     */
    applyClusters(input: ApplyInput, policy: IdentityPolicy): Promise<ApplyResult> {
      return serial(db, () => db.transaction().execute((trx) => applyClustersTx(trx, input, policy)));
    },

    /**
     * A review decision. Dismissing records the members as a suppression; confirming puts
     * them on the watchlist; reopening lifts the suppression.
     */
    setStatus(id: number, to: AlertStatus, actor: string, note: string | null = null): Promise<Alert> {
      return serial(db, () => db.transaction().execute(async (trx) => {
        await lockAlerts(trx);
        const alert = await trx.selectFrom('alerts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!alert) throw new AlertTransitionError(`no alert ${id}`);
        const refused = transitionRefusal(id, alert.status, to);
        if (refused) throw new AlertTransitionError(refused);
        const members = (await trx.selectFrom('alert_members').select(['account_key', 'platform', 'account_id']).where('alert_id', '=', id).execute());
        if (to === 'dismissed') {
          await trx
            .insertInto('suppressions')
            .values({
              alert_id: id,
              members: members.map((m) => m.account_key).sort(),
              member_count: members.length,
              reason: note,
              created_by: actor,
              last_hit_at: null,
              lifted_at: null,
            })
            .execute();
        }
        if (alert.status === 'dismissed') {
          await trx.updateTable('suppressions').set({ lifted_at: sql`now()` }).where('alert_id', '=', id).where('lifted_at', 'is', null).execute();
        }
        if (to === 'confirmed' && members.length) {
          await trx
            .insertInto('watchlist')
            .values(members.map((m) => ({ account_key: m.account_key, platform: m.platform, account_id: m.account_id, alert_id: id, reason: note, added_by: actor })))
            .onConflict((oc) => oc.column('account_key').doNothing())
            .execute();
        }
        const updated = await trx
          .updateTable('alerts')
          .set({ status: to, updated_at: sql`now()` })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto('alert_events').values({ alert_id: id, actor, action: 'status', from_value: alert.status, to_value: to, note, data: null }).execute();
        return updated;
      }));
    },


    async assign(id: number, assignee: string | null, actor: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const a = await trx.selectFrom('alerts').select('assignee').where('id', '=', id).forUpdate().executeTakeFirst();
        if (!a) throw new AlertTransitionError(`no alert ${id}`);
        if (a.assignee === assignee) return;
        await trx.updateTable('alerts').set({ assignee, updated_at: sql`now()` }).where('id', '=', id).execute();
        await trx.insertInto('alert_events').values({ alert_id: id, actor, action: 'assigned', from_value: a.assignee, to_value: assignee, note: null, data: null }).execute();
      });
    },

    async addNote(id: number, actor: string, note: string): Promise<void> {
      await db.insertInto('alert_events').values({ alert_id: id, actor, action: 'note', from_value: null, to_value: null, note, data: null }).execute();
    },
  };
}

export type AlertService = ReturnType<typeof alertService>;

// The embedded database has one session: its transactions would interleave and share the
// advisory lock, so alert writes of one process also queue up here.
const tails = new WeakMap<object, Promise<unknown>>();
function serial<T>(db: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  const prev = tails.get(db) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  tails.set(db, next.catch(() => {}));
  return next;
}

async function lockAlerts(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ALERTS_LOCK})`.execute(trx);
}

interface LoadedAlert {
  id: number;
  status: AlertStatus;
  score: number;
  severity: string;
  kinds: string[];
  first: Date;
  last: Date;
  members: Set<string>;
}

async function applyClustersTx(trx: Transaction<Database>, input: ApplyInput, policy: IdentityPolicy): Promise<ApplyResult> {
  await lockAlerts(trx);
  const result: ApplyResult = { opened: [], updated: [], reopened: [], unchanged: 0, suppressed: 0, belowThreshold: 0, notices: [] };
  const keys = [...new Set(input.clusters.filter((c) => c.score.total >= policy.minScore).flatMap((c) => c.members))];

  // the alerts and suppressions any of these accounts belong to
  const alerts = new Map<number, LoadedAlert>();
  const suppressions: SuppressionState[] = [];
  if (keys.length) {
    const rows = await sql<{ alert_id: number; account_key: string; status: AlertStatus; score: number; severity: string; kinds: string[]; first_seen_at: Date; last_seen_at: Date }>`
      select m.alert_id, m.account_key, a.status, a.score, a.severity, a.kinds, a.first_seen_at, a.last_seen_at
      from alert_members m join alerts a on a.id = m.alert_id
      where m.alert_id in (select distinct alert_id from alert_members where account_key = any(${keys}::text[]))`.execute(trx);
    for (const r of rows.rows) {
      let a = alerts.get(r.alert_id);
      if (!a) {
        a = { id: r.alert_id, status: r.status, score: r.score, severity: r.severity, kinds: r.kinds, first: new Date(r.first_seen_at), last: new Date(r.last_seen_at), members: new Set() };
        alerts.set(r.alert_id, a);
      }
      a.members.add(r.account_key);
    }
    const srows = await sql<{ id: number; alert_id: number; members: string[] }>`
      select id, alert_id, members from suppressions
      where lifted_at is null and members && ${keys}::text[]`.execute(trx);
    for (const s of srows.rows) suppressions.push({ id: s.id, alertId: s.alert_id, members: new Set(s.members) });
  }

  const states: AlertState[] = [...alerts.values()].map((a) => ({ id: a.id, dismissed: a.status === 'dismissed', members: a.members }));
  const byFp = new Map(input.clusters.map((c) => [c.id, c]));
  const plan = planAlerts(
    input.clusters.map((c) => ({ fingerprint: c.id, members: c.members, score: c.score.total })),
    states,
    suppressions,
    policy,
  );

  const realId = new Map<number, number>();
  const outcomes = new Map<string, { outcome: ClusterOutcome; alertId: number | null }>();
  // highest score first, as planned: an alert opened by one cluster may be updated by the next
  const order = [...plan.entries()].sort((x, y) => byFp.get(y[0])!.score.total - byFp.get(x[0])!.score.total || (x[0] < y[0] ? -1 : 1));
  for (const [fp, d] of order) {
    const c = byFp.get(fp)!;
    const id = d.kind === 'below_threshold' ? null : d.alertId < 0 ? realId.get(d.alertId) ?? null : d.alertId;
    switch (d.kind) {
      case 'below_threshold':
        result.belowThreshold++;
        outcomes.set(fp, { outcome: 'below_threshold', alertId: null });
        break;
      case 'open': {
        const opened = await openAlert(trx, c, input);
        realId.set(d.alertId, opened.id);
        alerts.set(opened.id, opened);
        result.opened.push(opened.id);
        result.notices.push({ alertId: opened.id, event: 'opened', severity: c.score.severity, score: c.score.total });
        outcomes.set(fp, { outcome: 'opened', alertId: opened.id });
        break;
      }
      case 'update':
      case 'reopen': {
        const a = alerts.get(id!)!;
        const changed = await updateAlert(trx, a, c, d, input);
        if (d.kind === 'reopen') {
          result.reopened.push(a.id);
          result.notices.push({ alertId: a.id, event: 'reopened', severity: a.severity as Severity, score: a.score });
          outcomes.set(fp, { outcome: 'reopened', alertId: a.id });
        } else if (changed.any) {
          if (!result.updated.includes(a.id)) result.updated.push(a.id);
          if (changed.escalated) result.notices.push({ alertId: a.id, event: 'escalated', severity: a.severity as Severity, score: a.score });
          outcomes.set(fp, { outcome: 'updated', alertId: a.id });
        } else {
          result.unchanged++;
          outcomes.set(fp, { outcome: 'unchanged', alertId: a.id });
        }
        break;
      }
      case 'suppressed':
        result.suppressed++;
        await trx
          .updateTable('suppressions')
          .set((eb) => ({ hits: eb('hits', '+', 1), last_hit_at: sql`now()` }))
          .where('id', '=', d.suppressionId)
          .execute();
        outcomes.set(fp, { outcome: 'suppressed', alertId: d.alertId });
        break;
    }
  }

  if (input.clusters.length) {
    await trx
      .insertInto('clusters')
      .values(
        input.clusters.map((c) => ({
          fingerprint: c.id,
          window_start: input.window.start,
          window_end: input.window.end,
          scan_run_id: input.scanRunId,
          members: c.members as string[],
          size: c.size,
          score: round(c.score.total),
          severity: c.score.severity,
          score_parts: JSON.stringify(c.score.parts),
          verdict: c.score.verdict,
          kinds: c.kinds as string[],
          stats: JSON.stringify(c.stats),
          null_model: JSON.stringify(c.nullModel),
          narratives: JSON.stringify(c.narratives),
          alert_id: outcomes.get(c.id)?.alertId ?? null,
          outcome: outcomes.get(c.id)?.outcome ?? 'below_threshold',
          detector_version: input.detectorVersion,
        })),
      )
      .onConflict((oc) => oc.constraint('clusters_window_fp_uq').doNothing())
      .execute();
  }
  return result;
}

async function openAlert(trx: Transaction<Database>, c: ScoredCluster, input: ApplyInput): Promise<LoadedAlert> {
  const span = spanOf(c, input.window);
  const row = await trx
    .insertInto('alerts')
    .values({
      fingerprint: c.id,
      score: round(c.score.total),
      severity: c.score.severity,
      score_parts: JSON.stringify(c.score.parts),
      verdict: c.score.verdict,
      narratives: JSON.stringify(c.narratives),
      kinds: c.kinds as string[],
      member_count: c.members.length,
      first_seen_at: span.first,
      last_seen_at: span.last,
      detector_version: input.detectorVersion,
      assignee: null,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  await upsertMembers(trx, row.id, c, input.accountSignals, c.members, false);
  const evidence = await insertEvidence(trx, row.id, c);
  await upsertEdges(trx, row.id, input.clusterEdges?.[c.id]);
  await trx
    .insertInto('alert_events')
    .values({
      alert_id: row.id,
      actor: 'system',
      action: 'opened',
      from_value: null,
      to_value: 'open',
      note: c.score.verdict,
      data: JSON.stringify({ cluster: c.id, scanRunId: input.scanRunId, window: windowJson(input.window), members: c.members.length, score: round(c.score.total, 2), severity: c.score.severity, evidence }),
    })
    .execute();
  return {
    id: row.id,
    status: 'open',
    score: round(c.score.total),
    severity: c.score.severity,
    kinds: [...c.kinds],
    first: span.first,
    last: span.last,
    members: new Set(c.members),
  };
}

async function updateAlert(
  trx: Transaction<Database>,
  a: LoadedAlert,
  c: ScoredCluster,
  d: Extract<Decision, { kind: 'update' | 'reopen' }>,
  input: ApplyInput,
): Promise<{ any: boolean; escalated: boolean }> {
  const span = spanOf(c, input.window);
  const score = round(c.score.total);
  const scoreUp = score > a.score;
  const newKinds = c.kinds.filter((k) => !a.kinds.includes(k));
  const first = span.first < a.first ? span.first : a.first;
  const last = span.last > a.last ? span.last : a.last;
  const spanMoved = first.getTime() !== a.first.getTime() || last.getTime() !== a.last.getTime();

  // a higher score brings its member details; otherwise only new members are written
  await upsertMembers(trx, a.id, c, input.accountSignals, scoreUp ? c.members : d.newMembers, scoreUp);
  const evidence = await insertEvidence(trx, a.id, c);
  // the picture's edges follow the detector's; a stronger sighting of a pair raises it, and is no event of its own
  await upsertEdges(trx, a.id, input.clusterEdges?.[c.id]);
  // what an analyst would want to hear about; later activity of the same members only moves the span
  const material = d.kind === 'reopen' || d.newMembers.length > 0 || scoreUp || newKinds.length > 0 || evidence > 0;
  if (!material) {
    if (spanMoved) {
      a.first = first;
      a.last = last;
      await trx.updateTable('alerts').set({ first_seen_at: first, last_seen_at: last }).where('id', '=', a.id).execute();
    }
    return { any: false, escalated: false };
  }

  const before = { score: a.score, severity: a.severity, members: a.members.size, first: a.first, last: a.last };
  for (const m of d.newMembers) a.members.add(m);
  if (scoreUp) {
    a.score = score;
    a.severity = c.score.severity;
  }
  a.kinds = [...a.kinds, ...newKinds].sort();
  a.first = first;
  a.last = last;
  const escalated = SEVERITY_RANK[a.severity]! > SEVERITY_RANK[before.severity]!;
  await trx
    .updateTable('alerts')
    .set({
      ...(scoreUp
        ? { score, severity: c.score.severity, score_parts: JSON.stringify(c.score.parts), verdict: c.score.verdict, narratives: JSON.stringify(c.narratives) }
        : {}),
      ...(d.kind === 'reopen' ? { status: 'open' as const } : {}),
      kinds: a.kinds,
      member_count: a.members.size,
      first_seen_at: first,
      last_seen_at: last,
      updated_at: sql`now()`,
    })
    .where('id', '=', a.id)
    .execute();
  const data = {
    cluster: c.id,
    scanRunId: input.scanRunId,
    window: windowJson(input.window),
    addedMembers: d.newMembers.slice(0, 50),
    added: d.newMembers.length,
    members: { from: before.members, to: a.members.size },
    ...(scoreUp ? { score: { from: before.score, to: a.score }, severity: { from: before.severity, to: a.severity } } : {}),
    ...(newKinds.length ? { newKinds } : {}),
    ...(spanMoved ? { seen: { from: [before.first, before.last], to: [first, last] } } : {}),
    evidence,
  };
  if (d.kind === 'reopen') {
    a.status = 'open';
    await trx.updateTable('suppressions').set({ lifted_at: sql`now()` }).where('id', '=', d.suppressionId).execute();
    await trx
      .insertInto('alert_events')
      .values({
        alert_id: a.id,
        actor: 'system',
        action: 'reopened',
        from_value: 'dismissed',
        to_value: 'open',
        note: `dismissed with ${d.dismissedSize} members; grew by ${d.newMembers.length} new members`,
        data: JSON.stringify(data),
      })
      .execute();
  } else {
    const parts = [d.newMembers.length ? `${d.newMembers.length} new members` : null, scoreUp ? `score ${before.score.toFixed(1)} → ${score.toFixed(1)}` : null, evidence ? `${evidence} new evidence` : null, spanMoved ? 'new activity' : null].filter(Boolean);
    await trx
      .insertInto('alert_events')
      // from → to only where the severity moved: an event never claims a change that did not happen
      .values({ alert_id: a.id, actor: 'system', action: 'updated', from_value: a.severity !== before.severity ? before.severity : null, to_value: a.severity !== before.severity ? a.severity : null, note: parts.join(', '), data: JSON.stringify(data) })
      .execute();
  }
  return { any: true, escalated };
}

async function upsertMembers(
  trx: Transaction<Database>,
  alertId: number,
  c: ScoredCluster,
  signals: ReadonlyMap<string, AccountSignals>,
  which: readonly string[],
  replace: boolean,
): Promise<void> {
  if (which.length === 0) return;
  const details = new Map(c.memberDetails.map((d) => [d.account, d]));
  const maxDegree = Math.max(0, ...c.memberDetails.map((d) => d.degree));
  const rows = [...which].sort().map((key) => {
    const d = details.get(key);
    const { platform, id } = splitKey(key);
    return {
      alert_id: alertId,
      account_key: key,
      platform,
      account_id: id,
      role: d ? roleOf(d, maxDegree) : ('peripheral' as const),
      cohesion: round(d?.cohesion ?? 0),
      shared: d?.shared ?? 0,
      degree: d?.degree ?? 0,
      suspicion: d?.suspicion === null || d?.suspicion === undefined ? null : round(d.suspicion),
      watchlisted: d?.watchlisted ?? false,
      signals: JSON.stringify(compactSignals(signals.get(key))),
    };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('alert_members')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        replace
          ? oc.columns(['alert_id', 'account_key']).doUpdateSet((eb) => ({
              role: eb.ref('excluded.role'),
              cohesion: eb.ref('excluded.cohesion'),
              shared: eb.ref('excluded.shared'),
              degree: eb.ref('excluded.degree'),
              suspicion: eb.ref('excluded.suspicion'),
              watchlisted: eb.ref('excluded.watchlisted'),
              signals: eb.ref('excluded.signals'),
            }))
          : oc.columns(['alert_id', 'account_key']).doNothing(),
      )
      .execute();
  }
}

/** Keep a cluster's edges with its alert: new pairs are added, known ones keep their highest weight and strength. */
async function upsertEdges(trx: Transaction<Database>, alertId: number, edges: readonly ClusterEdge[] | undefined): Promise<void> {
  if (!edges?.length) return;
  const rows = edges.map((e) => ({ alert_id: alertId, account_a: e.a, account_b: e.b, kind: e.kind, weight: e.weight, strength: e.strength, evidence_posts: JSON.stringify(e.posts) }));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('alert_edges')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['alert_id', 'account_a', 'account_b', 'kind']).doUpdateSet({
          weight: sql`greatest(alert_edges.weight, excluded.weight)`,
          strength: sql`greatest(alert_edges.strength, excluded.strength)`,
        }).where((eb) => eb.or([eb('alert_edges.weight', '<', eb.ref('excluded.weight')), eb('alert_edges.strength', '<', eb.ref('excluded.strength'))])),
      )
      .execute();
  }
}

/** Insert the cluster's evidence the alert does not hold yet (up to the cap); returns how many. */
async function insertEvidence(trx: Transaction<Database>, alertId: number, c: ScoredCluster): Promise<number> {
  const rows = evidenceRows(c);
  if (rows.length === 0) return 0;
  const counts = await trx
    .selectFrom('alert_evidence')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('alert_id', '=', alertId)
    .groupBy('kind')
    .execute();
  const held = new Map(counts.map((r) => [r.kind as string, Number(r.n)]));
  const existing = new Set(
    (
      await trx
        .selectFrom('alert_evidence')
        .select(['kind', 'key'])
        .where('alert_id', '=', alertId)
        .where('key', 'in', rows.map((r) => r.key))
        .execute()
    ).map((r) => `${r.kind}\u0000${r.key}`),
  );
  const fresh = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const k = `${r.kind}\u0000${r.key}`;
    if (existing.has(k) || seen.has(k)) continue;
    if ((held.get(r.kind) ?? 0) >= EVIDENCE_CAP) continue;
    held.set(r.kind, (held.get(r.kind) ?? 0) + 1);
    seen.add(k);
    fresh.push({ alert_id: alertId, kind: r.kind, key: r.key, post_ids: r.post_ids, description: r.description, data: JSON.stringify(r.data) });
  }
  if (fresh.length === 0) return 0;
  await trx.insertInto('alert_evidence').values(fresh).onConflict((oc) => oc.constraint('alert_evidence_key_uq').doNothing()).execute();
  return fresh.length;
}

const windowJson = (w: { start: Date; end: Date }) => ({ start: w.start.toISOString(), end: w.end.toISOString() });
