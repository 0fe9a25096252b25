import type { CanonicalAccount, CanonicalPost } from '../types.ts';

export const CAMPAIGN_TYPES = [
  'copy_paste',
  'paraphrase',
  'link_pusher',
  'repost_amplifier',
  'hashtag_squad',
  'foreign_workday',
  'dormant_reactivated',
] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];

export interface SimulateParams {
  seed: number;
  /** ISO-8601 UTC start of the simulated window */
  start: string;
  days: number;
  organicAccounts: number;
  /** mean organic posts per account per day (heavy-tailed across accounts) */
  organicVolume: number;
  /** total organic posts wanted; when set it overrides organicVolume */
  posts: number | null;
  /** viral organic bursts per day: hundreds of ordinary accounts reposting one post within seconds */
  viralBursts: number;
  /** mean accounts per burst */
  viralBurstSize: number;
  campaigns: number;
  /** accounts per campaign */
  campaignSize: number;
  /** types cycled through by the campaigns */
  campaignTypes: CampaignType[];
  /** coordinated waves per campaign per day */
  wavesPerDay: number;
  /** seconds within which a campaign's members act after a wave starts */
  jitter: number;
  /** 0..1: share of words a paraphrase ring rewrites */
  paraphrase: number;
  /** share of a campaign account's posts that are unrelated cover activity */
  coverShare: number;
  platform: string;
}

export const DEFAULT_SIMULATE: SimulateParams = {
  seed: 1,
  start: '2024-10-01T00:00:00Z',
  days: 2,
  organicAccounts: 2000,
  organicVolume: 6,
  posts: null,
  viralBursts: 6,
  viralBurstSize: 250,
  campaigns: 7,
  campaignSize: 8,
  campaignTypes: [...CAMPAIGN_TYPES],
  wavesPerDay: 8,
  jitter: 30,
  paraphrase: 0.05,
  coverShare: 0.3,
  platform: 'x',
};

export interface SimLabel {
  account_id: string;
  label: 'organic' | 'campaign';
  /** campaign id, e.g. `copy_paste-1`; null for organic accounts */
  campaign: string | null;
}

export interface Simulation {
  params: SimulateParams;
  accounts: CanonicalAccount[];
  labels: SimLabel[];
  /** the posts in time order; each call replays the same posts */
  posts(): Generator<CanonicalPost>;
}
