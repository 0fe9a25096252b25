import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { postUrl, accountUrl } from '../core/platform-links.ts';
import { loadAlertView } from './alert-view.ts';
import type { AlertView } from './alert-view.ts';
import { requireRole } from './auth.ts';
import { notFound } from './errors.ts';
import { id, with404 } from './schemas.ts';
import type { ApiDeps } from './types.ts';

/**
 * An alert as a STIX 2.1 bundle, for threat-intelligence platforms (OpenCTI, MISP, DISARM
 * Navigator): the network as a `campaign`; each member as an `identity` (the persona it
 * presents) with its `user-account` observable; each evidence post as `observed-data`
 * referring to the posting account; the behaviours found as `attack-pattern`s carrying
 * DISARM Red Framework technique ids, each tied to the campaign by a `uses` relationship.
 *
 * DISARM technique ids used (DISARM Red Framework, DISARMFoundation/DISARMframeworks, v1.x):
 *   T0084.001 Use Copypasta                       — co_text / co_similar (copy-paste and near-copy posts)
 *   T0049     Flooding the Information Space      — co_link (the same link pushed by many accounts)
 *   T0049.002 Hijack Existing Hashtag             — co_hashtag_seq (the same hashtag run)
 *   T0049.003 Bots Amplify via Automated Forwarding and Reposting — co_repost (synchronised reposts)
 *   T0116     Comment or Reply on Content         — co_reply (near-same replies to one post)
 *   T0090     Create Inauthentic Accounts         — account signals A1 (new accounts, creation bursts) and A2 (default-looking handles)
 *   T0119.002 Post across Platform                — members on more than one platform
 *   T0118     Amplify Existing Narrative          — narratives matched (N1)
 *
 * Ids are deterministic (UUIDv5 of the alert and object), so exporting the same alert twice
 * gives the same ids and a platform merges rather than duplicates. Post text stays text:
 * JSON carries it, nothing here renders or fetches it.
 */

const NS = '6d3c8f0e-5b7a-5c2e-9a41-2f0d9c3b7e10'; // coordwatch's namespace for UUIDv5 ids
const STIX_SCO_NS = '00abedb4-aa42-466c-9c01-fed23315a9b7'; // the STIX 2.1 namespace for observables

function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const sdoId = (type: string, name: string) => `${type}--${uuidv5(`${type}:${name}`, NS)}`;
const iso = (d: Date | string) => new Date(d).toISOString();

interface Technique {
  id: string;
  name: string;
  why: string;
}

interface SignalJson {
  value?: number;
  applicable?: boolean;
}

/** Which DISARM techniques the alert's evidence shows, and why (in words an analyst checks). */
export function disarmTechniques(view: Pick<AlertView, 'alert' | 'members'>): Technique[] {
  const kinds = new Set(view.alert.kinds);
  const out: Technique[] = [];
  if (kinds.has('co_text') || kinds.has('co_similar')) out.push({ id: 'T0084.001', name: 'Use Copypasta', why: 'members posted the same or near-same text' });
  if (kinds.has('co_link')) out.push({ id: 'T0049', name: 'Flooding the Information Space', why: 'members pushed the same links within minutes' });
  if (kinds.has('co_hashtag_seq')) out.push({ id: 'T0049.002', name: 'Hijack Existing Hashtag', why: 'members used the same run of hashtags' });
  if (kinds.has('co_repost')) out.push({ id: 'T0049.003', name: 'Bots Amplify via Automated Forwarding and Reposting', why: 'members reposted the same posts within seconds to minutes' });
  if (kinds.has('co_reply')) out.push({ id: 'T0116', name: 'Comment or Reply on Content', why: 'members replied to the same posts with near-same text' });
  const strong = (m: AlertView['members'][number], k: string) => {
    const s = (m.signals && typeof m.signals === 'object' ? (m.signals as Record<string, SignalJson>)[k] : undefined) ?? {};
    return s.applicable !== false && (s.value ?? 0) >= 0.5;
  };
  const fresh = view.members.filter((m) => strong(m, 'A1') || strong(m, 'A2')).length;
  if (fresh > 0) out.push({ id: 'T0090', name: 'Create Inauthentic Accounts', why: `${fresh} of ${view.members.length} members are new, made in a burst or carry default-looking handles (signals A1, A2)` });
  if (new Set(view.members.map((m) => m.platform)).size > 1) out.push({ id: 'T0119.002', name: 'Post across Platform', why: 'the network spans several platforms' });
  if (Array.isArray(view.alert.narratives) && view.alert.narratives.length > 0) out.push({ id: 'T0118', name: 'Amplify Existing Narrative', why: 'its posts match known narratives' });
  return out;
}

export type StixObject = Record<string, unknown> & { type: string; id: string };

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export function stixBundle(view: AlertView, now: Date): StixBundle {
  const a = view.alert;
  const key = `alert:${a.id}`;
  const created = iso(a.created_at ?? a.first_seen_at);
  const modified = iso(a.updated_at ?? now);
  const producer = sdoId('identity', 'coordwatch');
  const common = { spec_version: '2.1', created, modified, created_by_ref: producer };
  const objects: StixObject[] = [
    { type: 'identity', spec_version: '2.1', id: producer, created, modified: created, name: 'coordwatch', identity_class: 'system', description: 'election-influence disinformation monitor' },
  ];
  const campaign = sdoId('campaign', key);
  objects.push({
    ...common,
    type: 'campaign',
    id: campaign,
    name: `coordwatch alert #${a.id}: ${view.members.length} coordinated accounts`,
    description: a.verdict,
    first_seen: iso(a.first_seen_at),
    last_seen: iso(a.last_seen_at),
    objective: 'coordinated inauthentic behaviour under review',
    confidence: Math.max(0, Math.min(100, Math.round(a.score))),
    labels: [`severity:${a.severity}`, `status:${a.status}`, ...a.kinds.map((k) => `kind:${k}`)],
    external_references: [{ source_name: 'coordwatch', external_id: `alert-${a.id}`, description: `detector ${a.detector_version}` }],
  });
  const rel = (source: string, type: string, target: string, description?: string) =>
    objects.push({ ...common, type: 'relationship', id: sdoId('relationship', `${key}:${source}:${type}:${target}`), relationship_type: type, source_ref: source, target_ref: target, ...(description ? { description } : {}) });

  for (const t of disarmTechniques(view)) {
    const ap = sdoId('attack-pattern', `disarm:${t.id}`);
    objects.push({ ...common, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', type: 'attack-pattern', id: ap, name: t.name, external_references: [{ source_name: 'DISARM', external_id: t.id }], kill_chain_phases: [{ kill_chain_name: 'disarm', phase_name: 'deliver-content' }] });
    rel(campaign, 'uses', ap, t.why);
  }

  const accountRef = new Map<string, string>();
  for (const m of view.members) {
    const login = m.handle ?? m.account_id;
    const ua = `user-account--${uuidv5(JSON.stringify({ account_type: m.platform, user_id: m.account_id }), STIX_SCO_NS)}`;
    accountRef.set(m.account_key, ua);
    const url = accountUrl({ platform: m.platform, account_id: m.account_id, handle: m.handle });
    objects.push({ type: 'user-account', spec_version: '2.1', id: ua, user_id: m.account_id, account_login: login, account_type: m.platform, ...(m.display_name ? { display_name: m.display_name } : {}), ...(m.created_at ? { account_created: iso(m.created_at) } : {}) });
    const ident = sdoId('identity', `${m.account_key}`);
    objects.push({
      ...common,
      type: 'identity',
      id: ident,
      name: `@${login} (${m.platform})`,
      identity_class: 'individual',
      description: [m.display_name, m.location ? `claims ${m.location}` : null, m.bio].filter(Boolean).join(' · ') || undefined,
      roles: [m.role],
      ...(url ? { external_references: [{ source_name: m.platform, url }] } : {}),
      x_coordwatch_member: { account_key: m.account_key, role: m.role, cohesion: m.cohesion, suspicion: m.suspicion, decision: m.decision },
    });
    rel(ident, 'related-to', campaign, `member (${m.role})${m.decision ? `, reviewed: ${m.decision}` : ''}`);
  }

  const seen = new Set<string>();
  for (const e of view.evidence) {
    for (const p of e.posts) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const ua = accountRef.get(p.account);
      if (!ua) continue;
      const i = p.key.indexOf(':');
      const url = postUrl({ platform: p.key.slice(0, i), post_id: p.key.slice(i + 1), handle: p.handle });
      objects.push({
        ...common,
        type: 'observed-data',
        id: sdoId('observed-data', `${key}:${p.key}`),
        first_observed: iso(p.posted_at),
        last_observed: iso(p.posted_at),
        number_observed: 1,
        object_refs: [ua],
        x_coordwatch_post: { key: p.key, text: p.text, urls: p.urls, hashtags: p.hashtags, repost_of: p.repost_of, evidence_kind: e.kind, ...(url ? { url } : {}) },
      });
    }
  }
  return { type: 'bundle', id: `bundle--${uuidv5(`${key}:${modified}`, NS)}`, objects: objects.map(dropUndefined) };
}

function dropUndefined(o: StixObject): StixObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as StixObject;
}

const bundleSchema = z.object({ type: z.literal('bundle'), id: z.string(), objects: z.array(z.object({ type: z.string(), id: z.string() }).passthrough()) });

/** GET /v1/alerts/:id/export.stix.json, next to the JSON, CSV and GraphML exports. */
export function registerStixExport(root: FastifyInstance, deps: ApiDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/alerts/:id/export.stix.json',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['exports'],
        summary: 'The alert as a STIX 2.1 bundle (campaign, identities, observed data, DISARM techniques)',
        params: z.object({ id: id() }),
        response: { 200: bundleSchema, ...with404 },
      },
    },
    async (req, reply) => {
      const view = await loadAlertView(deps.db, req.params.id);
      if (!view) throw notFound(`alert ${req.params.id}`);
      return reply
        .header('content-disposition', `attachment; filename="alert-${req.params.id}.stix.json"`)
        .type('application/stix+json;version=2.1; charset=utf-8')
        .serializer((p) => JSON.stringify(p, null, 2))
        .send(stixBundle(view, new Date()));
    },
  );
}
