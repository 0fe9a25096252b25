import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_TYPES, simulate, SimulateParamsError } from '../../../src/core/simulate/index.ts';
import type { SimulateParams } from '../../../src/core/simulate/index.ts';
import type { CanonicalPost } from '../../../src/core/types.ts';

const SMALL: Partial<SimulateParams> = { organicAccounts: 400, days: 1, viralBurstSize: 120, campaignSize: 5 };

function digest(posts: Iterable<CanonicalPost>): string {
  const h = createHash('sha256');
  for (const p of posts) h.update(JSON.stringify(p));
  return h.digest('hex');
}

describe('simulate', () => {
  const sim = simulate({ ...SMALL, seed: 11 });
  const posts = [...sim.posts()];
  const label = new Map(sim.labels.map((l) => [l.account_id, l]));

  it('is deterministic for a seed, replayable, and different for another seed', () => {
    expect(digest(sim.posts())).toBe(digest(posts));
    expect(digest(simulate({ ...SMALL, seed: 11 }).posts())).toBe(digest(posts));
    expect(digest(simulate({ ...SMALL, seed: 12 }).posts())).not.toBe(digest(posts));
  });

  it('labels every account and plants one campaign of each type', () => {
    expect(sim.labels).toHaveLength(sim.accounts.length);
    expect(new Set(sim.labels.map((l) => l.account_id)).size).toBe(sim.accounts.length);
    for (const p of posts) expect(label.has(p.account.id)).toBe(true);
    const campaigns = new Set(sim.labels.filter((l) => l.label === 'campaign').map((l) => l.campaign));
    expect([...campaigns].map((c) => c!.replace(/-\d+$/, '')).sort()).toEqual([...CAMPAIGN_TYPES].sort());
    expect(sim.labels.filter((l) => l.label === 'campaign')).toHaveLength(CAMPAIGN_TYPES.length * 5);
  });

  it('writes valid canonical posts in time order with unique ids', () => {
    const ids = new Set<string>();
    let last = '';
    for (const p of posts) {
      expect(p.posted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(p.posted_at >= last).toBe(true);
      last = p.posted_at;
      expect(ids.has(p.post_id)).toBe(false);
      ids.add(p.post_id);
      expect(p.text.length > 0 || p.repost_of !== null).toBe(true);
    }
  });

  it('has viral organic bursts: one post reposted by dozens of ordinary accounts within two minutes', () => {
    const byTarget = new Map<string, CanonicalPost[]>();
    for (const p of posts) if (p.repost_of) byTarget.set(p.repost_of, [...(byTarget.get(p.repost_of) ?? []), p]);
    const bursts = [...byTarget.values()].filter((ps) => {
      const ts = ps.map((p) => Date.parse(p.posted_at)).sort((a, b) => a - b);
      const within = ts.filter((t) => t - ts[0] <= 120_000).length;
      return within >= 50 && ps.every((p) => label.get(p.account.id)!.label === 'organic');
    });
    expect(bursts.length).toBeGreaterThanOrEqual(3);
  });

  it('plants the foreign-workday persona: a US home, a UTC+8 office day, full-width punctuation', () => {
    const ids = new Set(sim.labels.filter((l) => l.campaign?.startsWith('foreign_workday')).map((l) => l.account_id));
    const theirs = posts.filter((p) => ids.has(p.account.id));
    expect(theirs.length).toBeGreaterThan(20);
    expect(theirs.every((p) => /, [A-Z]{2}$|USA|Texas|Florida|California|Pittsburgh/.test(p.account.location ?? ''))).toBe(true);
    const office = theirs.filter((p) => {
      const h = (new Date(p.posted_at).getUTCHours() + 8) % 24;
      return h >= 9 && h < 18;
    });
    expect(office.length / theirs.length).toBeGreaterThan(0.9);
    expect(theirs.filter((p) => /[，。！]/.test(p.text)).length).toBeGreaterThan(theirs.length / 3);
  });

  it('reactivates dormant accounts in a new language with a changed persona', () => {
    const ids = new Set(sim.labels.filter((l) => l.campaign?.startsWith('dormant_reactivated')).map((l) => l.account_id));
    const theirs = posts.filter((p) => ids.has(p.account.id));
    const start = Date.parse(sim.params.start);
    const old = theirs.filter((p) => Date.parse(p.posted_at) < start - 150 * 86400_000);
    const recent = theirs.filter((p) => Date.parse(p.posted_at) >= start);
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((p) => p.lang === 'en')).toBe(true);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((p) => p.lang !== 'en')).toBe(true);
    expect(recent[0].account.display_name).not.toBe(old.find((p) => p.account.id === recent[0].account.id)?.account.display_name);
  });

  it('rejects bad knobs with a named error', () => {
    expect(() => simulate({ days: 0 })).toThrow(SimulateParamsError);
    expect(() => simulate({ paraphrase: 2 })).toThrow(/paraphrase/);
    expect(() => simulate({ campaignTypes: ['nope' as never] })).toThrow(/unknown campaign type/);
    expect(() => simulate({ start: 'yesterday' })).toThrow(/start/);
  });
});

describe('simulate output', () => {
  it('serialises posts exactly as JSON.stringify does, only faster', async () => {
    const { postJson, labelsCsv } = await import('../../../src/cli/commands/simulate.ts');
    const sim = simulate({ ...SMALL, seed: 3 });
    const cache = new WeakMap<object, string>();
    for (const p of sim.posts()) expect(postJson(p, cache)).toBe(JSON.stringify(p));
    const csv = labelsCsv(sim.labels).split('\n');
    expect(csv[0]).toBe('account_id,label,campaign');
    expect(csv.filter((l) => /,campaign,copy_paste-1$/.test(l))).toHaveLength(5);
  });
});
