import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { splitKey } from '../core/keys.ts';
import type {
  Account,
  AccountSighting,
  Alert,
  AlertMemberDecision,
  AlertStatus,
  Database,
  MemberDecisionValue,
  Post,
} from './schema/index.ts';
import { ALERT_STATUSES } from './schema/index.ts';

/**
 * Reads and review writes the console and API need beyond the alert repository: filtered,
 * cursor-paged queues, members with their profiles, evidence posts, timelines, the
 * cluster's network, accounts, posts search, and per-member decisions.
 */

export const ALERT_SORTS = ['-score', 'score', '-last_seen', 'last_seen', '-created', 'created', 'id'] as const;
export type AlertSort = (typeof ALERT_SORTS)[number];

export interface AlertFilters {
  status?: AlertStatus[];
  severity?: string[];
  minScore?: number;
  maxScore?: number;
  narrative?: string;
  platform?: string;
  /** activity overlapping [from, to) */
  from?: Date;
  to?: Date;
  /** a name, or null for unassigned */
  assignee?: string | null;
  /** substring of a member's handle or account id */
  q?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export class CursorError extends Error {
  constructor() {
    super('cursor is not one this API gave out');
    this.name = 'CursorError';
  }
}

const SORT_COLUMN = { score: 'score', last_seen: 'last_seen_at', created: 'created_at', id: 'id' } as const;

function encodeCursor(v: unknown[]): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function decodeCursor(c: string): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2) return v;
  } catch {
    /* fall through */
  }
  throw new CursorError();
}

/** `%`, `_` and `\` are literal in a search term. */
const likeTerm = (s: string) => `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export interface MemberView {
  account_key: string;
  platform: string;
  account_id: string;
  handle: string | null;
  display_name: string | null;
  location: string | null;
  bio: string | null;
  created_at: Date | null;
  followers: number | null;
  following: number | null;
  role: string;
  cohesion: number;
  shared: number;
  degree: number;
  suspicion: number | null;
  watchlisted: boolean;
  signals: unknown;
  decision: MemberDecisionValue | null;
  decision_note: string | null;
  decided_by: string | null;
}

export interface TimelinePoint {
  account: string;
  post: string;
  t: number;
  repost: boolean;
}

export interface GraphData {
  nodes: { id: string; label: string; role: string }[];
  edges: { a: string; b: string; weight: number; kinds: string[] }[];
  /** always the detector's stored edges (kept for API compatibility) */
  source: 'stored';
}

export function reviewRepository(db: Kysely<Database>) {
  function filtered(f: AlertFilters) {
    let q = db.selectFrom('alerts');
    if (f.status?.length) q = q.where('status', 'in', f.status);
    if (f.severity?.length) q = q.where('severity', 'in', f.severity);
    if (f.minScore !== undefined) q = q.where('score', '>=', f.minScore);
    if (f.maxScore !== undefined) q = q.where('score', '<=', f.maxScore);
    if (f.from) q = q.where('last_seen_at', '>=', f.from);
    if (f.to) q = q.where('first_seen_at', '<', f.to);
    if (f.assignee === null) q = q.where('assignee', 'is', null);
    else if (f.assignee !== undefined) q = q.where('assignee', '=', f.assignee);
    if (f.narrative) {
      const n = f.narrative;
      q = q.where(sql<boolean>`exists (select 1 from jsonb_array_elements(alerts.narratives) e where e->>'id' = ${n} or e->>'title' ilike ${likeTerm(n)})`);
    }
    if (f.platform) {
      const p = f.platform;
      q = q.where(({ exists, selectFrom }) =>
        exists(selectFrom('alert_members as m').select(sql`1`.as('one')).whereRef('m.alert_id', '=', 'alerts.id').where('m.platform', '=', p)),
      );
    }
    if (f.q) {
      const term = likeTerm(f.q);
      // the matching accounts first (one pass over accounts), then their alerts: a per-alert
      // EXISTS re-ran the LIKE for every alert
      q = q.where(sql<boolean>`alerts.id in (
        select m.alert_id from alert_members m
        where (m.platform, m.account_id) in (
          select ac.platform, ac.account_id from accounts ac where ac.handle ilike ${term} or ac.display_name ilike ${term} or ac.account_id ilike ${term}))`);
    }
    return q;
  }

  return {
    async listAlerts(f: AlertFilters, sort: AlertSort, limit: number, cursor: string | null): Promise<Page<Alert>> {
      const desc = sort.startsWith('-');
      const col = SORT_COLUMN[sort.replace(/^-/, '') as keyof typeof SORT_COLUMN];
      const isTime = col === 'last_seen_at' || col === 'created_at';
      // timestamps hold microseconds, JS dates milliseconds: sort and compare on the millisecond
      // so a cursor's value is exactly a sort key
      const key = isTime ? sql<Date>`date_trunc('milliseconds', ${sql.ref(col)})` : sql.ref(col);
      let q = filtered(f).selectAll();
      if (cursor) {
        const [v, id] = decodeCursor(cursor);
        if (typeof id !== 'number' || (col !== 'id' && v === null)) throw new CursorError();
        const value = isTime ? new Date(String(v)) : Number(v);
        if (value instanceof Date ? Number.isNaN(value.getTime()) : !Number.isFinite(value)) throw new CursorError();
        if (col === 'id') q = q.where('id', desc ? '<' : '>', id);
        // keyset: past the last row in (sort key, id) order; ties broken by id ascending
        else q = q.where(sql<boolean>`(${key} ${sql.raw(desc ? '<' : '>')} ${value} or (${key} = ${value} and id > ${id}))`);
      }
      q = col === 'id' ? q.orderBy('id', desc ? 'desc' : 'asc') : q.orderBy(key, desc ? 'desc' : 'asc').orderBy('id', 'asc');
      const rows = await q.limit(limit + 1).execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const next =
        rows.length > limit && last
          ? encodeCursor([col === 'id' ? null : col === 'score' ? last.score : (last[col] as Date).toISOString(), last.id])
          : null;
      return { items, next_cursor: next };
    },

    /** Alerts per status under the same filters (the status filter itself left out). */
    async countByStatus(f: AlertFilters): Promise<Record<AlertStatus, number>> {
      const rows = await filtered({ ...f, status: undefined })
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const out = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },

    async members(alertId: number): Promise<MemberView[]> {
      const r = await sql<MemberView>`
        select m.account_key, m.platform, m.account_id, a.handle, a.display_name, a.location, a.bio, a.created_at,
               a.followers, a.following, m.role, m.cohesion, m.shared, m.degree, m.suspicion, m.watchlisted, m.signals,
               d.decision, d.note as decision_note, d.actor as decided_by
        from alert_members m
        left join accounts a on a.platform = m.platform and a.account_id = m.account_id
        left join alert_member_decisions d on d.alert_id = m.alert_id and d.account_key = m.account_key
        where m.alert_id = ${alertId}
        order by case m.role when 'hub' then 0 when 'core' then 1 else 2 end, m.cohesion desc, m.account_key`.execute(db);
      return r.rows;
    },

    /** Posts by key (`platform:post_id`), for evidence shown side by side. */
    async postsByKey(keys: readonly string[]): Promise<Map<string, Post & { handle: string | null }>> {
      if (keys.length === 0) return new Map();
      const pairs = keys.map(splitKey);
      const r = await sql<Post & { handle: string | null }>`
        select p.*, a.handle from posts p
        left join accounts a on a.platform = p.platform and a.account_id = p.account_id
        where (p.platform, p.post_id) in (select * from unnest(${pairs.map((p) => p.platform)}::text[], ${pairs.map((p) => p.id)}::text[]))`.execute(db);
      return new Map(r.rows.map((p) => [`${p.platform}:${p.post_id}`, p]));
    },

    /** The members' posts over the alert's activity span (and a margin), oldest first. */
    async timeline(alertId: number, from: Date, to: Date, cap = 3000): Promise<TimelinePoint[]> {
      const margin = Math.max(600_000, (to.getTime() - from.getTime()) * 0.05);
      const r = await sql<{ account: string; post: string; t: Date; repost: boolean }>`
        select p.platform || ':' || p.account_id as account, p.platform || ':' || p.post_id as post, p.posted_at as t,
               p.repost_of is not null as repost
        from alert_members m
        join posts p on p.platform = m.platform and p.account_id = m.account_id
        where m.alert_id = ${alertId} and p.posted_at >= ${new Date(from.getTime() - margin)} and p.posted_at <= ${new Date(to.getTime() + margin)}
        order by p.posted_at limit ${cap}`.execute(db);
      return r.rows.map((x) => ({ account: x.account, post: x.post, t: new Date(x.t).getTime() / 1000, repost: x.repost }));
    },

    /**
     * The cluster as a network: its members and the coordination edges the detector built
     * for its clusters (kinds, weights, strength), as the alert keeps them. Nothing is
     * re-derived here: a pair the detector never linked is never drawn.
     */
    async graph(alertId: number): Promise<GraphData> {
      const members = await db
        .selectFrom('alert_members as m')
        .leftJoin('accounts as a', (j) => j.onRef('a.platform', '=', 'm.platform').onRef('a.account_id', '=', 'm.account_id'))
        .select(['m.account_key', 'm.role', 'a.handle'])
        .where('m.alert_id', '=', alertId)
        .execute();
      const nodes = members.map((m) => ({ id: m.account_key, label: m.handle ?? splitKey(m.account_key).id, role: m.role }));
      if (nodes.length === 0) return { nodes, edges: [], source: 'stored' };
      const rows = await db
        .selectFrom('alert_edges')
        .select(['account_a', 'account_b', 'kind', 'weight', 'strength'])
        .where('alert_id', '=', alertId)
        .execute();
      // one drawn edge per pair: its kinds, and the sum of the kinds' weights
      const pairs = new Map<string, { a: string; b: string; weight: number; strength: number; kinds: string[] }>();
      for (const r of rows) {
        const k = `${r.account_a}\u0000${r.account_b}`;
        let p = pairs.get(k);
        if (!p) pairs.set(k, (p = { a: r.account_a, b: r.account_b, weight: 0, strength: 0, kinds: [] }));
        p.weight += r.weight;
        p.strength += r.strength;
        p.kinds.push(r.kind);
      }
      const edges = [...pairs.values()]
        .map((p) => ({ a: p.a, b: p.b, weight: p.weight, kinds: p.kinds.sort() }))
        .sort((x, y) => y.weight - x.weight || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
      return { nodes, edges, source: 'stored' };
    },

    async decisions(alertId: number): Promise<AlertMemberDecision[]> {
      return db.selectFrom('alert_member_decisions').selectAll().where('alert_id', '=', alertId).orderBy('account_key').execute();
    },

    /** An analyst's call on one member; the call is also an event in the audit log. */
    async decideMember(alertId: number, accountKey: string, decision: MemberDecisionValue, note: string | null, actor: string): Promise<'done' | 'no_alert' | 'no_member'> {
      return db.transaction().execute(async (trx) => {
        const a = await trx.selectFrom('alerts').select('id').where('id', '=', alertId).forUpdate().executeTakeFirst();
        if (!a) return 'no_alert';
        const m = await trx.selectFrom('alert_members').select('account_key').where('alert_id', '=', alertId).where('account_key', '=', accountKey).executeTakeFirst();
        if (!m) return 'no_member';
        const prev = await trx
          .selectFrom('alert_member_decisions')
          .select(['decision', 'note'])
          .where('alert_id', '=', alertId)
          .where('account_key', '=', accountKey)
          .executeTakeFirst();
        // the same call again changes nothing, and the audit log says nothing
        if (prev && prev.decision === decision && (prev.note ?? null) === (note ?? null)) return 'done';
        await trx
          .insertInto('alert_member_decisions')
          .values({ alert_id: alertId, account_key: accountKey, decision, note, actor })
          .onConflict((oc) => oc.columns(['alert_id', 'account_key']).doUpdateSet({ decision, note, actor, decided_at: sql`now()` }))
          .execute();
        await trx
          .insertInto('alert_events')
          .values({
            alert_id: alertId,
            actor,
            // the schema's union predates member decisions; the column is text
            action: 'member',
            from_value: prev?.decision ?? null,
            to_value: decision,
            note,
            data: JSON.stringify({ account: accountKey }),
          })
          .execute();
        return 'done';
      });
    },

    async account(platform: string, accountId: string): Promise<Account | undefined> {
      return db.selectFrom('accounts').selectAll().where('platform', '=', platform).where('account_id', '=', accountId).executeTakeFirst();
    },

    async sightings(platform: string, accountId: string): Promise<AccountSighting[]> {
      return db
        .selectFrom('account_sightings')
        .selectAll()
        .where('platform', '=', platform)
        .where('account_id', '=', accountId)
        .orderBy('first_seen_at')
        .limit(100)
        .execute();
    },

    /** Alerts an account is a member of, with its role and signals there. */
    async alertsOfAccount(accountKey: string) {
      return db
        .selectFrom('alert_members as m')
        .innerJoin('alerts as a', 'a.id', 'm.alert_id')
        .select(['a.id', 'a.status', 'a.severity', 'a.score', 'a.verdict', 'a.member_count', 'a.last_seen_at', 'm.role', 'm.signals', 'm.suspicion'])
        .where('m.account_key', '=', accountKey)
        .orderBy('a.score', 'desc')
        .limit(100)
        .execute();
    },

    /** Posts newest first, filtered; keyset-paged on (posted_at, platform, post_id). */
    async searchPosts(
      f: { q?: string; platform?: string; accountId?: string; hashtag?: string; url?: string; from?: Date; to?: Date },
      limit: number,
      cursor: string | null,
    ): Promise<Page<Post & { handle: string | null }>> {
      let q = db
        .selectFrom('posts as p')
        .leftJoin('accounts as a', (j) => j.onRef('a.platform', '=', 'p.platform').onRef('a.account_id', '=', 'p.account_id'))
        .selectAll('p')
        .select('a.handle');
      if (f.q) q = q.where('p.text', 'ilike', likeTerm(f.q));
      if (f.platform) q = q.where('p.platform', '=', f.platform);
      if (f.accountId) q = q.where('p.account_id', '=', f.accountId);
      if (f.hashtag) q = q.where(sql<boolean>`${f.hashtag.replace(/^#/, '').toLowerCase()} = any(p.hashtags)`);
      if (f.url) q = q.where(sql<boolean>`${f.url} = any(p.urls)`);
      if (f.from) q = q.where('p.posted_at', '>=', f.from);
      if (f.to) q = q.where('p.posted_at', '<', f.to);
      if (cursor) {
        const [t, key] = decodeCursor(cursor);
        const at = new Date(String(t));
        if (typeof key !== 'string' || Number.isNaN(at.getTime())) throw new CursorError();
        q = q.where(sql<boolean>`(p.posted_at, p.platform || ':' || p.post_id) < (${at}, ${key})`);
      }
      const rows = await q
        .orderBy('p.posted_at', 'desc')
        .orderBy(sql`p.platform || ':' || p.post_id`, 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next_cursor: rows.length > limit && last ? encodeCursor([last.posted_at.toISOString(), `${last.platform}:${last.post_id}`]) : null };
    },

    async rejectedCount(batchId: number): Promise<number> {
      const r = await db.selectFrom('rejected_records').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', batchId).executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}

export type ReviewRepository = ReturnType<typeof reviewRepository>;
