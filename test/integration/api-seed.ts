import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../config/config.ts';
import type { Config } from '../../config/config.ts';
import { apiKeyRepository } from '../../src/db/api-key-repository.ts';
import type { Database } from '../../src/db/schema/index.ts';
import { ensurePostPartitions, forgetPartitions } from '../../src/db/ingest-repository.ts';

/** Hostile strings the console and exports must carry as text. */
export const HOSTILE_TEXT = '<img src=x onerror=alert(1)>';
export const HOSTILE_HANDLE = '<script>alert(2)</script>';
export const FORMULA_HANDLE = '=HYPERLINK("http://evil.example","x")';

/** Config for an in-process API under test: embedded-style queues, the given overrides. */
export function testConfig(over: Partial<Config['api']> = {}): Config {
  const c = loadConfig({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json', DETECT_STREAMING: 'false' });
  return { ...c, api: { ...c.api, ...over } };
}

export interface SeededKeys {
  viewer: string;
  analyst: string;
  lead: string;
  admin: string;
  ingest: string;
  revoked: string;
}

export async function seedKeys(db: Kysely<Database>): Promise<SeededKeys> {
  const repo = apiKeyRepository(db);
  const mk = async (name: string, role: 'viewer' | 'analyst' | 'lead' | 'admin' | 'ingest') => (await repo.create({ name, role })).key;
  const keys = {
    viewer: await mk('vera-viewer', 'viewer'),
    analyst: await mk('ana-analyst', 'analyst'),
    lead: await mk('lee-lead', 'lead'),
    admin: await mk('ada-admin', 'admin'),
    ingest: await mk('ingest-bot', 'ingest'),
    revoked: await mk('old-key', 'analyst'),
  };
  await repo.revoke('old-key');
  return keys;
}

export interface SeedAlert {
  status?: 'open' | 'in_review' | 'confirmed' | 'dismissed' | 'escalated';
  score: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  narrative?: string;
  assignee?: string | null;
  platform?: string;
  /** handles of the members (accounts are created) */
  handles: string[];
  /** minutes after 2024-10-01T00:00Z */
  at: number;
}

const T0 = Date.parse('2024-10-01T00:00:00Z');

/**
 * Alerts written as the alerting pipeline writes them (rows, not mocks): accounts, posts, alert,
 * members with signals, text evidence for the first two members, an `opened` event.
 */
export async function seedAlert(db: Kysely<Database>, a: SeedAlert, n: number): Promise<number> {
  const platform = a.platform ?? 'x';
  const first = new Date(T0 + a.at * 60_000);
  const last = new Date(first.getTime() + 30 * 60_000);
  const ids = a.handles.map((_, i) => `a${n}_${i}`);
  await db
    .insertInto('accounts')
    .values(
      a.handles.map((h, i) => ({
        platform,
        account_id: ids[i]!,
        handle: h,
        display_name: i === 0 ? HOSTILE_HANDLE : `Name ${h}`,
        bio: i === 0 ? `bio ${HOSTILE_TEXT}` : 'ordinary voter',
        created_at: new Date('2024-09-01T00:00:00Z'),
        followers: 10,
        following: 500,
        location: 'Texas, USA',
        avatar_hash: null,
        first_post_at: first,
        last_post_at: last,
      })),
    )
    .onConflict((oc) => oc.columns(['platform', 'account_id']).doNothing())
    .execute();
  const text = n % 2 === 0 ? HOSTILE_TEXT : `The election is rigged, share before they delete it ${n}`;
  const posts = ids.flatMap((id, i) =>
    [0, 1, 2].map((k) => ({
      platform,
      account_id: id,
      post_id: `p${n}_${i}_${k}`,
      posted_at: new Date(first.getTime() + k * 600_000 + i * 5_000),
      text: k === 0 ? text : `post ${k} of ${id} https://example.org/${n}`,
      lang: 'en',
      urls: k === 0 ? [] : [`https://example.org/${n}`],
      hashtags: [],
      mentions: [],
      media_hashes: [],
      repost_of: null,
      reply_to: null,
      batch_id: null,
    })),
  );
  forgetPartitions(); // the cache is per process, and tests open many databases
  await ensurePostPartitions(db, [...new Set(posts.map((p) => p.posted_at.toISOString().slice(0, 7)))]);
  await db.insertInto('posts').values(posts).execute();
  const row = await db
    .insertInto('alerts')
    .values({
      fingerprint: `fp-${n}`,
      status: a.status ?? 'open',
      score: a.score,
      severity: a.severity,
      score_parts: JSON.stringify([
        { name: 'cohesion', value: 0.8, weight: 50, contribution: 40, reason: 'most posts shared' },
        { name: 'tightness', value: 0.5, weight: 10, contribution: a.score - 40, reason: `within seconds ${HOSTILE_TEXT}` },
      ]),
      verdict: `${a.handles.length} accounts posted the same text seconds apart (${n})`,
      narratives: JSON.stringify(a.narrative ? [{ id: a.narrative, title: a.narrative.replace(/-/g, ' '), posts: 3, share: 0.5, mean_score: 0.7, max_score: 0.9, top_terms: [], sample_posts: [] }] : []),
      kinds: ['co_text'],
      member_count: a.handles.length,
      first_seen_at: first,
      last_seen_at: last,
      detector_version: 'test',
      assignee: a.assignee ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('alert_members')
    .values(
      ids.map((id, i) => ({
        alert_id: row.id,
        account_key: `${platform}:${id}`,
        platform,
        account_id: id,
        role: i === 0 ? ('hub' as const) : ('core' as const),
        cohesion: 0.8,
        shared: 3,
        degree: ids.length - 1,
        suspicion: 0.5,
        watchlisted: false,
        signals: JSON.stringify({ suspicion: 0.5, top: ['A2'], A2: { value: 0.9, applicable: true, reason: `default-looking handle ${HOSTILE_TEXT}` } }),
      })),
    )
    .execute();
  const pa = posts[0]!;
  const pb = posts[3]!;
  await db
    .insertInto('alert_evidence')
    .values({
      alert_id: row.id,
      kind: 'text',
      key: `${platform}:${pa.post_id} ${platform}:${pb.post_id}`,
      post_ids: [`${platform}:${pa.post_id}`, `${platform}:${pb.post_id}`],
      description: 'same text',
      data: JSON.stringify({
        kind: 'same_text',
        dt: 5,
        a: { account: `${platform}:${pa.account_id}`, post: `${platform}:${pa.post_id}`, t: pa.posted_at.getTime() / 1000, text },
        b: { account: `${platform}:${pb.account_id}`, post: `${platform}:${pb.post_id}`, t: pb.posted_at.getTime() / 1000, text: text + ' now' },
      }),
    })
    .execute();
  await db
    .insertInto('alert_evidence')
    .values({ alert_id: row.id, kind: 'link', key: `https://example.org/${n}`, post_ids: [], description: 'link', data: JSON.stringify({ url: `https://example.org/${n}`, members: ids.length, sharers: ids.length }) })
    .execute();
  // the detector's edges of the cluster, as the alert service keeps them: every pair shared the link
  const keys = ids.map((id) => `${platform}:${id}`).sort();
  const edgeRows = keys.flatMap((x, i) => keys.slice(i + 1).map((y) => ({ alert_id: row.id, account_a: x, account_b: y, kind: 'co_link', weight: 2, strength: 1.5, evidence_posts: JSON.stringify([]) })));
  if (edgeRows.length) await db.insertInto('alert_edges').values(edgeRows).execute();
  await db.insertInto('alert_events').values({ alert_id: row.id, actor: 'system', action: 'opened', from_value: null, to_value: 'open', note: 'opened', data: null }).execute();
  return row.id;
}

/** The console's own origin as light-my-request's default Host (`localhost:80`) makes it. */
export const CONSOLE_ORIGIN = 'http://localhost';

export interface ConsoleSession {
  /** `Cookie:` header value: the session cookie and the CSRF cookie */
  cookie: string;
  /** the session's CSRF token (what console.js sends in x-coordwatch-csrf) */
  csrf: string;
  /** the bare session id */
  session: string;
}

/** Log in through the console's form, as a browser on the console's origin does. */
export async function consoleLogin(app: FastifyInstance, key: string): Promise<ConsoleSession> {
  const r = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: CONSOLE_ORIGIN, 'sec-fetch-site': 'same-origin' },
    payload: `key=${encodeURIComponent(key)}`,
  });
  if (r.statusCode !== 303) throw new Error(`login failed: ${r.statusCode} ${r.body.slice(0, 200)}`);
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const get = (name: string) => set.map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find((v) => v !== undefined) ?? '';
  const session = get('cw_session');
  const csrf = get('cw_csrf');
  return { cookie: `cw_session=${session}; cw_csrf=${csrf}`, csrf, session };
}
