import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Post, ScanRun } from '../../db/schema/index.ts';

/**
 * The console's own read queries: post and account search, scan runs, and the real values
 * its filters offer. Substring search is ILIKE; on Postgres the trigram indexes of
 * migration 2026-12-02T00-10-00_post-search answer it (original posts only: a repost's text
 * is its original's, so reposts are searched only when asked, by a scan).
 */

const likeTerm = (s: string) => `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export class SearchCursorError extends Error {
  constructor() {
    super('invalid cursor: start again from the first page');
    this.name = 'SearchCursorError';
  }
}

const encode = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
function decode(c: string): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new SearchCursorError();
}

export interface PostSearch {
  q?: string;
  platform?: string;
  account?: string;
  hashtag?: string;
  from?: Date;
  to?: Date;
  reposts?: boolean;
}

export type PostHit = Post & { handle: string | null; in_alerts: number[] };

export interface SearchPage<T> {
  items: T[];
  next_cursor: string | null;
}

export async function searchPosts(db: Kysely<Database>, f: PostSearch, limit: number, cursor: string | null): Promise<SearchPage<PostHit>> {
  let q = db
    .selectFrom('posts as p')
    .leftJoin('accounts as a', (j) => j.onRef('a.platform', '=', 'p.platform').onRef('a.account_id', '=', 'p.account_id'))
    .selectAll('p')
    .select('a.handle');
  if (f.q) q = q.where('p.text', 'ilike', likeTerm(f.q));
  if (!f.reposts) q = q.where('p.repost_of', 'is', null);
  if (f.platform) q = q.where('p.platform', '=', f.platform);
  if (f.account) {
    const t = f.account.replace(/^@/, '');
    q = q.where((eb) => eb.or([eb('p.account_id', '=', t), eb('a.handle', '=', t)]));
  }
  if (f.hashtag) q = q.where(sql<boolean>`${f.hashtag.replace(/^#/, '').toLowerCase()} = any(p.hashtags)`);
  if (f.from) q = q.where('p.posted_at', '>=', f.from);
  if (f.to) q = q.where('p.posted_at', '<', f.to);
  if (cursor) {
    const [t, platform, id] = decode(cursor);
    const at = new Date(String(t));
    if (typeof platform !== 'string' || typeof id !== 'string' || Number.isNaN(at.getTime())) throw new SearchCursorError();
    q = q.where(sql<boolean>`(p.posted_at, p.platform, p.post_id) < (${at}, ${platform}, ${id})`);
  }
  const rows = await q.orderBy('p.posted_at', 'desc').orderBy('p.platform', 'desc').orderBy('p.post_id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit);
  const alerts = await alertsOfAccounts(db, items.map((p) => `${p.platform}:${p.account_id}`));
  const last = items[items.length - 1];
  return {
    items: items.map((p) => ({ ...p, in_alerts: alerts.get(`${p.platform}:${p.account_id}`) ?? [] })),
    next_cursor: rows.length > limit && last ? encode([new Date(last.posted_at).toISOString(), last.platform, last.post_id]) : null,
  };
}

export interface AccountHit {
  platform: string;
  account_id: string;
  handle: string | null;
  display_name: string | null;
  location: string | null;
  created_at: Date | null;
  followers: number | null;
  following: number | null;
  first_post_at: Date | null;
  last_post_at: Date | null;
  in_alerts: number[];
}

/** Accounts whose handle, name or id contains the term, most recently active first. */
export async function searchAccounts(db: Kysely<Database>, f: { q?: string; platform?: string }, limit: number, offset: number): Promise<{ items: AccountHit[]; more: boolean }> {
  let q = db
    .selectFrom('accounts')
    .select(['platform', 'account_id', 'handle', 'display_name', 'location', 'created_at', 'followers', 'following', 'first_post_at', 'last_post_at']);
  if (f.q) {
    const term = likeTerm(f.q.replace(/^@/, ''));
    q = q.where((eb) => eb.or([eb('handle', 'ilike', term), eb('display_name', 'ilike', term), eb('account_id', 'ilike', term)]));
  }
  if (f.platform) q = q.where('platform', '=', f.platform);
  const rows = await q
    .orderBy(sql`last_post_at desc nulls last`)
    .orderBy('platform')
    .orderBy('account_id')
    .limit(limit + 1)
    .offset(offset)
    .execute();
  const items = rows.slice(0, limit);
  const alerts = await alertsOfAccounts(db, items.map((a) => `${a.platform}:${a.account_id}`));
  return { items: items.map((a) => ({ ...a, in_alerts: alerts.get(`${a.platform}:${a.account_id}`) ?? [] })), more: rows.length > limit };
}

async function alertsOfAccounts(db: Kysely<Database>, keys: string[]): Promise<Map<string, number[]>> {
  const uniq = [...new Set(keys)];
  if (uniq.length === 0) return new Map();
  const rows = await db.selectFrom('alert_members').select(['account_key', 'alert_id']).where('account_key', 'in', uniq).orderBy('alert_id').execute();
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.account_key, [...(out.get(r.account_key) ?? []), r.alert_id]);
  return out;
}

export async function listScans(db: Kysely<Database>, f: { kind?: string; status?: string }, limit: number, offset: number): Promise<{ items: ScanRun[]; more: boolean }> {
  let q = db.selectFrom('scan_runs').selectAll();
  if (f.kind) q = q.where('kind', '=', f.kind as ScanRun['kind']);
  if (f.status) q = q.where('status', '=', f.status as ScanRun['status']);
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).offset(offset).execute();
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

export interface FilterValues {
  narratives: { id: string; title: string }[];
  platforms: string[];
}

/** The values the queue's filters offer: narratives that some alert has, platforms some member is on. */
export async function filterValues(db: Kysely<Database>): Promise<FilterValues> {
  const [narr, plat] = await Promise.all([
    sql<{ id: string; title: string }>`
      select distinct e->>'id' as id, coalesce(e->>'title', e->>'id') as title
      from alerts, jsonb_array_elements(case when jsonb_typeof(narratives) = 'array' then narratives else '[]'::jsonb end) e
      where e->>'id' is not null order by 2`.execute(db),
    sql<{ platform: string }>`select distinct platform from alert_members order by 1`.execute(db),
  ]);
  return { narratives: narr.rows, platforms: plat.rows.map((r) => r.platform) };
}
