import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../../src/api/alert-view.ts';
import { disarmTechniques, stixBundle } from '../../../src/api/export-stix.ts';

const t0 = new Date('2016-09-27T01:00:00Z');
const member = (i: number, signals: Record<string, { value: number; applicable: boolean }> = {}) => ({
  account_key: `x:acc${i}`,
  platform: 'x',
  account_id: `acc${i}`,
  handle: `patriot${i}`,
  display_name: `Patriot ${i}`,
  location: 'Texas, USA',
  bio: i === 0 ? '<script>alert(1)</script>' : null,
  created_at: new Date('2016-09-01T00:00:00Z'),
  followers: 3,
  following: 900,
  role: i === 0 ? 'hub' : 'core',
  cohesion: 0.9,
  shared: 12,
  degree: 2,
  suspicion: 0.7,
  watchlisted: false,
  signals,
  decision: null,
  decision_note: null,
  decided_by: null,
});

function view(over: Partial<AlertView['alert']> = {}, members = [member(0, { A2: { value: 0.9, applicable: true } }), member(1), member(2)]): AlertView {
  return {
    alert: {
      id: 7,
      fingerprint: 'fp',
      status: 'open',
      score: 82.4,
      severity: 'critical',
      score_parts: [],
      verdict: '3 accounts posted the same text within seconds',
      narratives: [{ id: 'election-fraud', title: 'election fraud' }],
      kinds: ['co_repost', 'co_text'],
      member_count: members.length,
      first_seen_at: t0,
      last_seen_at: new Date(t0.getTime() + 3_600_000),
      detector_version: 'test',
      assignee: null,
      created_at: t0,
      updated_at: t0,
      ...over,
    } as AlertView['alert'],
    members,
    evidence: [
      {
        id: 1,
        alert_id: 7,
        kind: 'text',
        key: 'k',
        post_ids: ['x:1', 'x:2'],
        description: 'same text',
        data: {},
        created_at: t0,
        posts: [
          { key: 'x:780563452345876480', account: 'x:acc0', handle: 'patriot0', posted_at: t0, text: 'Rigged! <img src=x>', urls: [], hashtags: [], repost_of: null },
          { key: 'x:acc1:12', account: 'x:acc1', handle: 'patriot1', posted_at: t0, text: 'Rigged! <img src=x>', urls: [], hashtags: [], repost_of: null },
          { key: 'x:acc1:12', account: 'x:acc1', handle: 'patriot1', posted_at: t0, text: 'Rigged! <img src=x>', urls: [], hashtags: [], repost_of: null },
        ],
      },
    ] as unknown as AlertView['evidence'],
    events: [],
    clusters: [],
    timeline: [],
  };
}

const UUID = /^[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('STIX 2.1 export', () => {
  it('maps the behaviours found to DISARM techniques, with the reason', () => {
    const ids = disarmTechniques(view()).map((t) => t.id);
    expect(ids).toEqual(['T0084.001', 'T0049.003', 'T0090', 'T0118']);
    const linky = disarmTechniques(view({ kinds: ['co_link', 'co_hashtag_seq', 'co_reply'], narratives: [] }, [member(0), member(1)]));
    expect(linky.map((t) => t.id)).toEqual(['T0049', 'T0049.002', 'T0116']);
    expect(disarmTechniques(view()).find((t) => t.id === 'T0090')!.why).toBe('1 of 3 members are new, made in a burst or carry default-looking handles (signals A1, A2)');
  });

  it('is a bundle of a campaign, identities with accounts, observed posts and attack patterns, all linked', () => {
    const b = stixBundle(view(), new Date('2026-12-01T00:00:00Z'));
    expect(b.type).toBe('bundle');
    const byType = (t: string) => b.objects.filter((o) => o.type === t);
    expect(byType('campaign')).toHaveLength(1);
    expect(byType('identity')).toHaveLength(1 + 3); // the producer + a persona per member
    expect(byType('user-account')).toHaveLength(3);
    // one observed-data per distinct post, referring to its account's observable
    const obs = byType('observed-data');
    expect(obs).toHaveLength(2);
    const accounts = new Set(byType('user-account').map((o) => o.id));
    for (const o of obs) for (const r of o.object_refs as string[]) expect(accounts.has(r)).toBe(true);
    expect((obs[0]!.x_coordwatch_post as { url?: string }).url).toBe('https://x.com/patriot0/status/780563452345876480');
    expect((obs[1]!.x_coordwatch_post as { url?: string }).url).toBeUndefined();
    // every reference resolves inside the bundle; every id is a STIX id (UUIDv5)
    const ids = new Set(b.objects.map((o) => o.id));
    for (const o of b.objects) {
      expect(o.id).toMatch(UUID);
      for (const k of ['source_ref', 'target_ref', 'created_by_ref'] as const) if (o[k]) expect(ids.has(o[k] as string), `${o.type}.${k}`).toBe(true);
      if (o.type !== 'user-account' && o.type !== 'bundle') expect(o.spec_version).toBe('2.1');
    }
    const uses = b.objects.filter((o) => o.type === 'relationship' && o.relationship_type === 'uses');
    expect(uses.map((u) => (b.objects.find((x) => x.id === u.target_ref)!.external_references as { external_id: string }[])[0]!.external_id)).toEqual(['T0084.001', 'T0049.003', 'T0090', 'T0118']);
    // hostile text is carried as data, unchanged
    expect(JSON.stringify(b)).toContain('Rigged! <img src=x>');
  });

  it('gives the same ids for the same alert (a platform merges a re-export)', () => {
    const a = stixBundle(view(), new Date());
    const b = stixBundle(view(), new Date(Date.now() + 5000));
    expect(a.objects.map((o) => o.id)).toEqual(b.objects.map((o) => o.id));
  });
});
