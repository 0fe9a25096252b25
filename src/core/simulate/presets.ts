import type { SimulateParams } from './types.ts';

/**
 * Named scenarios with ground truth (issue 9, item 8). Organic hard cases are real
 * behaviour that looks coordinated (labelled organic; each also plants two ordinary
 * campaigns so recall is defined); campaign hard cases are ways real operations evade a
 * detector tuned on lock-step copy-paste. Sizes are kept small enough that every preset
 * analyses in seconds (one day of 800 ordinary accounts unless the case needs longer);
 * `hard-mix` puts all of them into one two-day world.
 */
export interface SimPreset {
  name: string;
  kind: 'organic' | 'campaign' | 'mix';
  description: string;
  params: Partial<SimulateParams>;
}

export class SimPresetError extends Error {
  override name = 'SimPresetError';
}

const BASE: Partial<SimulateParams> = { organicAccounts: 800, days: 1, viralBurstSize: 120, viralBursts: 5 };
const TWO_RINGS = [
  { type: 'copy_paste' as const, size: 6 },
  { type: 'repost_amplifier' as const, size: 6 },
];

export const PRESETS: readonly SimPreset[] = [
  {
    name: 'organic-share-button',
    kind: 'organic',
    description: "crowds posting a TV station's share-button text at different times over an hour, plus two of its posts reposted",
    params: { ...BASE, campaignSpecs: TWO_RINGS, hardOrganic: { shareButtonCrowds: 4, shareButtonSize: 6 } },
  },
  {
    name: 'organic-fan-club',
    kind: 'organic',
    description: 'fan clubs reposting every post of their idol within minutes, with the same streaming hashtag sequence',
    params: { ...BASE, campaignSpecs: TWO_RINGS, hardOrganic: { fanClubs: 3, fanClubSize: 12 } },
  },
  {
    name: 'organic-news-bots',
    kind: 'organic',
    description: "groups of news-aggregator bots posting every headline of one feed (title + link) seconds apart",
    params: { ...BASE, campaignSpecs: TWO_RINGS, hardOrganic: { newsBotGroups: 3, newsBotSize: 4 } },
  },
  {
    name: 'organic-live-debate',
    kind: 'organic',
    description: "hundreds of accounts live-tweeting a 90-minute debate: the same hashtags, the candidates' posts reposted within seconds",
    params: { ...BASE, campaignSpecs: TWO_RINGS, hardOrganic: { liveTweeters: 300 } },
  },
  {
    name: 'campaign-pairs',
    kind: 'campaign',
    description: 'pairs of accounts (copy-paste, link pushing, amplification) that no size-3 rule can see',
    params: {
      ...BASE,
      campaignSpecs: [
        { type: 'copy_paste', size: 2 },
        { type: 'link_pusher', size: 2 },
        { type: 'repost_amplifier', size: 2 },
        { type: 'paraphrase', size: 2 },
        { type: 'hashtag_squad', size: 2 },
        { type: 'copy_paste', size: 2 },
      ],
    },
  },
  {
    name: 'campaign-hours-apart',
    kind: 'campaign',
    description: 'rings posting the same texts and links hours apart (jitter 6 h) instead of within a minute',
    params: {
      ...BASE,
      days: 2,
      campaignSpecs: [
        { type: 'copy_paste', size: 6, jitter: 6 * 3600 },
        { type: 'link_pusher', size: 6, jitter: 6 * 3600 },
        { type: 'repost_amplifier', size: 6, jitter: 3 * 3600 },
      ],
    },
  },
  {
    name: 'campaign-suffix-tokens',
    kind: 'campaign',
    description: 'copy-paste rings appending a fresh t.co link and four random capitals or CJK characters to every post',
    params: {
      ...BASE,
      campaignSpecs: [
        { type: 'suffix_tokens', size: 6 },
        { type: 'suffix_tokens', size: 6, jitter: 1800 },
        { type: 'suffix_tokens', size: 4 },
      ],
    },
  },
  {
    name: 'campaign-paraphrase',
    kind: 'campaign',
    description: 'paraphrase rings rewriting about a third of each message',
    params: {
      ...BASE,
      campaignSpecs: [
        { type: 'paraphrase', size: 6, paraphrase: 0.3 },
        { type: 'paraphrase', size: 6, paraphrase: 0.35, jitter: 600 },
        { type: 'paraphrase', size: 5, paraphrase: 0.25 },
      ],
    },
  },
  {
    name: 'campaign-slow',
    kind: 'campaign',
    description: 'rings active for three weeks at one wave a day, members minutes apart',
    params: {
      organicAccounts: 300,
      organicVolume: 3,
      days: 21,
      viralBursts: 1,
      viralBurstSize: 100,
      campaignSpecs: [
        { type: 'copy_paste', size: 5, wavesPerDay: 1, jitter: 600 },
        { type: 'link_pusher', size: 5, wavesPerDay: 1, jitter: 900 },
        { type: 'repost_amplifier', size: 5, wavesPerDay: 0.7, jitter: 600 },
      ],
    },
  },
  {
    name: 'campaign-utc8-personas',
    kind: 'campaign',
    description: 'accounts claiming US homes that post on a UTC+8 working day, with full-width punctuation, their waves spread over an hour',
    params: {
      ...BASE,
      campaignSpecs: [
        { type: 'foreign_workday', size: 6, jitter: 3600, coverShare: 0.5 },
        { type: 'foreign_workday', size: 5, jitter: 1800, coverShare: 0.6 },
        { type: 'foreign_workday', size: 4, jitter: 600 },
      ],
    },
  },
  {
    name: 'hard-mix',
    kind: 'mix',
    description: 'every organic and campaign hard case above in one two-day world',
    params: {
      ...BASE,
      organicAccounts: 1200,
      days: 2,
      campaignSpecs: [
        { type: 'copy_paste', size: 2 },
        { type: 'link_pusher', size: 2 },
        { type: 'copy_paste', size: 6, jitter: 6 * 3600 },
        { type: 'suffix_tokens', size: 6 },
        { type: 'paraphrase', size: 6, paraphrase: 0.3 },
        { type: 'foreign_workday', size: 6, jitter: 3600, coverShare: 0.5 },
        { type: 'repost_amplifier', size: 6 },
      ],
      hardOrganic: { shareButtonCrowds: 3, shareButtonSize: 6, fanClubs: 2, fanClubSize: 12, newsBotGroups: 2, newsBotSize: 4, liveTweeters: 250 },
    },
  },
];

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

export function presetParams(name: string): Partial<SimulateParams> {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new SimPresetError(`unknown preset "${name}"; use ${presetNames().join(', ')}`);
  return p.params;
}
