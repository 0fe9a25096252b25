import { createRng } from '../null-model/prng.ts';
import type { CanonicalAccount, CanonicalPost } from '../types.ts';
import { campaignAccounts, organicAccounts } from './accounts.ts';
import type { CampaignPlanAccounts, SimAccount } from './accounts.ts';
import { Ambient } from './ambient.ts';
import { planBursts, planCampaign } from './plan.ts';
import type { PlannedPost } from './plan.ts';
import { DAY, HOUR, iso } from './schedule.ts';
import { hardOrganicGroups, hardOrganicSize, planHardOrganic, shapeNewsBots } from './hard-organic.ts';
import { organicText } from './text.ts';
import type { TextGen } from './text.ts';
import { ALL_CAMPAIGN_TYPES, DEFAULT_SIMULATE, NO_HARD_ORGANIC } from './types.ts';
import type { CampaignSpec, HardOrganic, SimLabel, SimulateParams, Simulation } from './types.ts';
import { coverText, fitCoverModel } from './vocabulary.ts';

export { ALL_CAMPAIGN_TYPES, CAMPAIGN_TYPES, DEFAULT_SIMULATE, HARD_CAMPAIGN_TYPES, NO_HARD_ORGANIC } from './types.ts';
export type { CampaignSpec, CampaignType, HardOrganic, SimLabel, SimulateParams, Simulation } from './types.ts';
export { fitCoverModel, coverText } from './vocabulary.ts';
export type { CoverModel } from './vocabulary.ts';
export { PRESETS, presetNames, presetParams, SimPresetError } from './presets.ts';
export type { SimPreset } from './presets.ts';

export class SimulateParamsError extends Error {
  override name = 'SimulateParamsError';
}

function check(p: SimulateParams): void {
  const bad = (what: string) => {
    throw new SimulateParamsError(what);
  };
  if (!Number.isFinite(Date.parse(p.start))) bad(`start is not a date: ${p.start}`);
  if (!(p.days > 0 && p.days <= 366)) bad('days must be in (0, 366]');
  if (!(Number.isInteger(p.organicAccounts) && p.organicAccounts >= 0)) bad('organicAccounts must be a whole number ≥ 0');
  if (!(Number.isInteger(p.campaigns) && p.campaigns >= 0)) bad('campaigns must be a whole number ≥ 0');
  if (!(Number.isInteger(p.campaignSize) && p.campaignSize >= 2)) bad('campaignSize must be a whole number ≥ 2');
  if (!(p.paraphrase >= 0 && p.paraphrase <= 1)) bad('paraphrase must be in [0, 1]');
  if (!(p.coverShare >= 0 && p.coverShare < 1)) bad('coverShare must be in [0, 1)');
  if (!(p.jitter >= 0)) bad('jitter must be ≥ 0');
  if (p.campaigns > 0 && !p.campaignTypes.length) bad('campaignTypes is empty');
  for (const t of p.campaignTypes) if (!ALL_CAMPAIGN_TYPES.includes(t)) bad(`unknown campaign type: ${t}`);
  for (const c of p.campaignSpecs ?? []) {
    if (!ALL_CAMPAIGN_TYPES.includes(c.type)) bad(`unknown campaign type: ${c.type}`);
    if (!(Number.isInteger(c.size) && c.size >= 2)) bad(`campaign ${c.type}: size must be a whole number ≥ 2`);
    if (c.jitter !== undefined && !(c.jitter >= 0)) bad(`campaign ${c.type}: jitter must be ≥ 0`);
    if (c.coverShare !== undefined && !(c.coverShare >= 0 && c.coverShare < 1)) bad(`campaign ${c.type}: coverShare must be in [0, 1)`);
  }
  for (const [k, v] of Object.entries(p.hardOrganic ?? {})) if (!(Number.isInteger(v) && v >= 0)) bad(`hardOrganic.${k} must be a whole number ≥ 0`);
}

function campaignSpecs(p: SimulateParams): CampaignSpec[] {
  if (p.campaignSpecs) return p.campaignSpecs;
  return Array.from({ length: p.campaigns }, (_, c) => ({ type: p.campaignTypes[c % p.campaignTypes.length], size: p.campaignSize }));
}

/**
 * A seeded, deterministic synthetic world: organic background (US time zones, daily
 * rhythms, heavy-tailed activity and popularity, interest communities, viral bursts)
 * with planted campaigns and their ground truth. Posts are produced hour by hour, so a
 * multi-million-post file can be streamed without holding it in memory.
 */
export function simulate(overrides: Partial<SimulateParams> = {}): Simulation {
  const p: SimulateParams = { ...DEFAULT_SIMULATE, ...overrides };
  check(p);
  const startT = Math.floor(Date.parse(p.start) / 1000);
  const root = createRng(`sim:${p.seed}`);
  const volume = p.posts !== null && p.organicAccounts > 0 ? p.posts / (p.organicAccounts * p.days) : p.organicVolume;
  const communityCount = Math.max(3, Math.round(p.organicAccounts / 120));
  const organic = organicAccounts(root.fork('organic'), p.seed, p.organicAccounts, volume, startT, communityCount);

  const specs = campaignSpecs(p);
  const campaigns: CampaignPlanAccounts[] = [];
  const specParams: SimulateParams[] = [];
  let next = organic.length;
  specs.forEach((spec, c) => {
    const cp: SimulateParams = { ...p, jitter: spec.jitter ?? p.jitter, wavesPerDay: spec.wavesPerDay ?? p.wavesPerDay, paraphrase: spec.paraphrase ?? p.paraphrase, coverShare: spec.coverShare ?? p.coverShare };
    const coverPerDay = (cp.wavesPerDay * 0.85 * cp.coverShare) / (1 - cp.coverShare);
    const plan = campaignAccounts(root.fork(`campaign:${c}`), p.seed, next, c, spec.type, spec.size, startT, coverPerDay);
    campaigns.push(plan);
    specParams.push(cp);
    next += plan.members.length;
  });
  const hard: HardOrganic = { ...NO_HARD_ORGANIC, ...(p.hardOrganic ?? {}) };
  const hardCount = hardOrganicSize(hard).total;
  const hardAccounts = hardCount > 0 ? organicAccounts(root.fork('hard-organic'), p.seed, hardCount, volume, startT, communityCount, next) : [];
  for (const a of hardAccounts) a.pundit = false;
  const all: SimAccount[] = [...organic, ...campaigns.flatMap((c) => c.members), ...hardAccounts];
  const groups = hardOrganicGroups(hard, next);
  shapeNewsBots(groups, all);
  const roleOf = new Map<number, string>();
  for (const g of groups) for (const i of g.members) roleOf.set(i, g.role);

  const model = p.coverTexts ? fitCoverModel(p.coverTexts) : null;
  const text: TextGen = model ? (rng) => coverText(rng, model) : organicText;

  const labels: SimLabel[] = all.map((a, i) => {
    const role = roleOf.get(i);
    return role ? { account_id: a.account.id, label: a.label, campaign: a.campaign, role } : { account_id: a.account.id, label: a.label, campaign: a.campaign };
  });
  const accounts: CanonicalAccount[] = all.map((a) => a.account);

  function* posts(): Generator<CanonicalPost> {
    const planned: PlannedPost[] = [...planBursts(root.fork('bursts'), p, startT, organic, text)];
    if (groups.length) {
      planned.push(...planHardOrganic(root.fork('hard-plan'), p, startT, groups, organic.map((_, i) => i), text));
    }
    let first = organic.length;
    const reactivation = new Map<number, { lang: string; persona: PlannedPost['persona'] }>();
    campaigns.forEach((c, i) => {
      planned.push(...planCampaign(root.fork(`waves:${i}`), specParams[i], startT, c, first, text));
      if (c.newLang) {
        c.members.forEach((m, j) =>
          reactivation.set(first + j, {
            lang: c.newLang!,
            persona: { display_name: `${m.account.display_name} ${c.newLang === 'ru' ? 'Новости' : '新闻'}`, bio: null },
          }),
        );
      }
      first += c.members.length;
    });
    const byHour = new Map<number, PlannedPost[]>();
    const before: PlannedPost[] = [];
    for (const x of planned) {
      if (x.t < startT) {
        before.push(x);
        continue;
      }
      const h = Math.floor((x.t - startT) / HOUR);
      let l = byHour.get(h);
      if (!l) byHour.set(h, (l = []));
      l.push(x);
    }
    yield* emit(before.sort(order), all, p.platform);
    const ambient = new Ambient(root.fork('ambient'), p.seed, all, communityCount, reactivation, text);
    const hours = Math.ceil((p.days * DAY) / HOUR);
    for (let h = 0; h < hours; h++) {
      const chunk = ambient.hour(startT + h * HOUR).concat(byHour.get(h) ?? []);
      yield* emit(chunk.sort(order), all, p.platform);
    }
  }

  return { params: p, accounts, labels, posts };
}

function order(a: PlannedPost, b: PlannedPost): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function* emit(chunk: PlannedPost[], all: SimAccount[], platform: string): Generator<CanonicalPost> {
  for (const x of chunk) {
    const acc = all[x.account].account;
    const account = x.persona ? { ...acc, display_name: x.persona.display_name, bio: x.persona.bio } : acc;
    yield {
      platform,
      post_id: x.id,
      posted_at: iso(x.t),
      text: x.text,
      lang: x.lang,
      urls: x.urls,
      hashtags: x.hashtags,
      mentions: [],
      repost_of: x.repost_of,
      reply_to: null,
      media_hashes: [],
      account,
    };
  }
}
