import { describe, expect, it } from 'vitest';
import { coverText, fitCoverModel, PRESETS, presetParams, simulate, SimPresetError } from '../../../src/core/simulate/index.ts';
import type { SimulateParams } from '../../../src/core/simulate/index.ts';
import { createRng } from '../../../src/core/null-model/prng.ts';
import type { CanonicalPost } from '../../../src/core/types.ts';

/** Each preset at a tenth of its organic size: the ground truth, not the volume, is under test. */
function run(name: string, over: Partial<SimulateParams> = {}) {
  const params = presetParams(name);
  const sim = simulate({ ...params, organicAccounts: Math.max(60, Math.round((params.organicAccounts ?? 800) / 10)), viralBurstSize: 40, ...over });
  const posts = [...sim.posts()];
  const label = new Map(sim.labels.map((l) => [l.account_id, l]));
  const byAccount = new Map<string, CanonicalPost[]>();
  for (const p of posts) byAccount.set(p.account.id, [...(byAccount.get(p.account.id) ?? []), p]);
  return { sim, posts, label, byAccount };
}

const planted = (sim: ReturnType<typeof simulate>) => sim.labels.filter((l) => l.label === 'campaign');
const members = (sim: ReturnType<typeof simulate>, prefix: string) => sim.labels.filter((l) => (l.campaign ?? l.role ?? '').startsWith(prefix)).map((l) => l.account_id);
const t = (p: CanonicalPost) => Date.parse(p.posted_at) / 1000;

describe('simulator presets', () => {
  it('names every preset and rejects unknown ones', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(11);
    expect(() => presetParams('nope')).toThrow(SimPresetError);
  });

  it('each preset plants exactly its campaigns, with ground truth for every account', () => {
    for (const p of PRESETS) {
      const params = p.params;
      const sim = simulate({ ...params, organicAccounts: 40, days: Math.min(params.days ?? 1, 2), viralBurstSize: 20 });
      const want = (params.campaignSpecs ?? []).reduce((a, s) => a + s.size, 0);
      expect(planted(sim), p.name).toHaveLength(want);
      expect(new Set(sim.labels.map((l) => l.account_id)).size).toBe(sim.accounts.length);
      for (const l of sim.labels) expect(l.label === 'campaign', p.name).toBe(l.campaign !== null);
      if (p.kind === 'organic') expect(sim.labels.some((l) => l.role && l.label === 'organic'), p.name).toBe(true);
    }
  });

  it('campaign-pairs: campaigns of two accounts that co-post', () => {
    const { sim, byAccount } = run('campaign-pairs');
    const ids = members(sim, 'copy_paste-1');
    expect(ids).toHaveLength(2);
    const [a, b] = ids.map((id) => new Set((byAccount.get(id) ?? []).map((p) => p.text)));
    expect([...a].filter((x) => b.has(x)).length).toBeGreaterThanOrEqual(3);
  });

  it('campaign-hours-apart: the same text posted hours apart', () => {
    const { sim, posts } = run('campaign-hours-apart');
    const ids = new Set(members(sim, 'copy_paste'));
    const byText = new Map<string, number[]>();
    for (const p of posts) if (ids.has(p.account.id)) byText.set(p.text, [...(byText.get(p.text) ?? []), t(p)]);
    const spans = [...byText.values()].filter((ts) => ts.length >= 3).map((ts) => Math.max(...ts) - Math.min(...ts));
    expect(spans.length).toBeGreaterThan(3);
    expect(spans.filter((s) => s > 3600).length / spans.length).toBeGreaterThan(0.7);
  });

  it('campaign-suffix-tokens: a fresh t.co link and four capitals or CJK characters on every post', () => {
    const { sim, posts } = run('campaign-suffix-tokens');
    const ids = new Set(planted(sim).map((l) => l.account_id));
    const waves = posts.filter((p) => ids.has(p.account.id) && p.urls.some((u) => u.startsWith('https://t.co/')));
    expect(waves.length).toBeGreaterThan(20);
    for (const p of waves) expect(p.text).toMatch(/ https:\/\/t\.co\/\w{10} ([A-Z]{4}|[\u4e00-\u9fa5]{4})$/u);
    expect(new Set(waves.map((p) => p.text)).size).toBe(waves.length); // no two exactly alike
  });

  it('campaign-slow: one wave a day over three weeks', () => {
    const { sim, posts } = run('campaign-slow');
    const ids = new Set(members(sim, 'copy_paste'));
    const days = new Set(posts.filter((p) => ids.has(p.account.id)).map((p) => p.posted_at.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(15);
  });

  it('campaign-utc8-personas: US homes, a UTC+8 working day', () => {
    const { sim, posts } = run('campaign-utc8-personas');
    const ids = new Set(planted(sim).map((l) => l.account_id));
    const theirs = posts.filter((p) => ids.has(p.account.id));
    expect(theirs.every((p) => /, [A-Z]{2}$|USA|Texas|Florida|California|Pittsburgh|Ohio/.test(p.account.location ?? ''))).toBe(true);
    const office = theirs.filter((p) => {
      const h = (new Date(p.posted_at).getUTCHours() + 8) % 24;
      return h >= 9 && h < 18;
    });
    expect(office.length / theirs.length).toBeGreaterThan(0.85);
  });

  it('organic-share-button: ordinary accounts post one template at different times over an hour', () => {
    const { sim, posts } = run('organic-share-button');
    const ids = new Set(members(sim, 'share_button-1'));
    expect(ids.size).toBe(6);
    const shares = posts.filter((p) => ids.has(p.account.id) && p.text.startsWith('I just told @'));
    expect(new Set(shares.map((p) => p.account.id)).size).toBe(6);
    const ts = shares.map(t).sort((a, b) => a - b);
    expect(ts[ts.length - 1] - ts[0]).toBeGreaterThan(600);
    expect(ts[ts.length - 1] - ts[0]).toBeLessThanOrEqual(3600);
    for (const id of ids) expect(sim.labels.find((l) => l.account_id === id)!.label).toBe('organic');
  });

  it('organic-fan-club, news bots, live tweeters: organic, with the behaviour that looks coordinated', () => {
    const fan = run('organic-fan-club');
    const club = new Set(members(fan.sim, 'fan_club-1'));
    const fanReposts = fan.posts.filter((p) => club.has(p.account.id) && p.repost_of);
    expect(new Set(fanReposts.map((p) => p.repost_of)).size).toBeGreaterThanOrEqual(4);
    expect(fan.posts.filter((p) => club.has(p.account.id) && p.hashtags.length === 4).length).toBeGreaterThan(10);

    const bots = run('organic-news-bots');
    const feed = new Set(members(bots.sim, 'news_bots-1'));
    const links = new Map<string, Set<string>>();
    for (const p of bots.posts) if (feed.has(p.account.id)) for (const u of p.urls) links.set(u, (links.get(u) ?? new Set()).add(p.account.id));
    expect([...links.values()].filter((s) => s.size === 4).length).toBeGreaterThan(10);
    expect(bots.posts.filter((p) => feed.has(p.account.id)).every((p) => p.urls.length === 1)).toBe(true);

    const live = run('organic-live-debate', { hardOrganic: { liveTweeters: 80 } });
    const tweeters = new Set(members(live.sim, 'live_tweeter'));
    expect(tweeters.size).toBe(80);
    expect(live.posts.filter((p) => tweeters.has(p.account.id) && p.hashtags.includes('DebateNight')).length).toBeGreaterThan(40);
    for (const s of [fan.sim, bots.sim, live.sim]) for (const l of s.labels) if (l.role) expect(l.label).toBe('organic');
  });

  it('cover text: drawn from the given posts’ words, deterministic, no links or handles', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `RT @user${i}: watching the debate tonight with my family number ${i} https://t.co/x${i} #debate`);
    const model = fitCoverModel(texts)!;
    const vocab = new Set(texts.flatMap((x) => x.split(' ')));
    const a = Array.from({ length: 20 }, (_, i) => coverText(createRng(i), model));
    const b = Array.from({ length: 20 }, (_, i) => coverText(createRng(i), model));
    expect(a).toEqual(b);
    for (const x of a) {
      expect(x).not.toMatch(/https?:|@|#/);
      for (const w of x.split(' ')) expect(vocab.has(w) || vocab.has(w.charAt(0).toLowerCase() + w.slice(1))).toBe(true);
    }
    expect(fitCoverModel(['too few'])).toBeNull();
    const sim = simulate({ organicAccounts: 30, days: 1, campaigns: 0, viralBursts: 0, coverTexts: texts });
    const own = [...sim.posts()].filter((p) => !p.repost_of);
    expect(own.filter((p) => /watching|debate|family/.test(p.text)).length / own.length).toBeGreaterThan(0.8);
  });
});

describe('simulate output with organic hard cases', () => {
  it('labels.csv gains a role column only when some account has a role', async () => {
    const { labelsCsv } = await import('../../../src/cli/commands/simulate.ts');
    const sim = simulate({ ...presetParams('organic-news-bots'), organicAccounts: 40, viralBurstSize: 20 });
    const csv = labelsCsv(sim.labels).trim().split('\n');
    expect(csv[0]).toBe('account_id,label,campaign,role');
    expect(csv.filter((l) => l.endsWith(',organic,,news_bots-1'))).toHaveLength(4);
    expect(labelsCsv(simulate({ organicAccounts: 40, days: 1, viralBurstSize: 20 }).labels).split('\n')[0]).toBe('account_id,label,campaign');
  });
});
