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
/**
 * Campaign types of the hard cases (issue 9): not cycled by default, asked for by name
 * (`campaignTypes` or `campaignSpecs`). suffix_tokens: copy-paste with a fresh short link and
 * four random capitals or CJK characters appended to every post, as China's 2021 Xinjiang
 * network on X did to defeat exact matching ("… https://t.co/… WIRD").
 */
export const HARD_CAMPAIGN_TYPES = ['suffix_tokens'] as const;
export const ALL_CAMPAIGN_TYPES = [...CAMPAIGN_TYPES, ...HARD_CAMPAIGN_TYPES] as const;
export type CampaignType = (typeof ALL_CAMPAIGN_TYPES)[number];

/** One planted campaign with its own knobs (the global ones apply where a field is absent). */
export interface CampaignSpec {
  type: CampaignType;
  /** accounts (2 = a pair) */
  size: number;
  /** seconds within which members act after a wave starts (hours: a ring posting hours apart) */
  jitter?: number;
  wavesPerDay?: number;
  /** paraphrase strength for paraphrase rings */
  paraphrase?: number;
  /** share of the members' posts that are unrelated cover */
  coverShare?: number;
}

/**
 * Organic hard cases: real behaviour that looks coordinated and is not. Each is labelled
 * organic, with its kind in the label's `role` so false positives can be told apart.
 */
export interface HardOrganic {
  /** crowds posting a TV station's share-button text ("I just told @station who I think is winning…") at different times over an hour, plus two of its posts reposted */
  shareButtonCrowds: number;
  shareButtonSize: number;
  /** fan clubs reposting every post of their idol within minutes and using the same streaming hashtags */
  fanClubs: number;
  fanClubSize: number;
  /** groups of news-aggregator bots posting every headline of one feed (title + link) within seconds of each other */
  newsBotGroups: number;
  newsBotSize: number;
  /** accounts live-tweeting a 90-minute debate: the same hashtags, reposts of the candidates within seconds */
  liveTweeters: number;
}

export const NO_HARD_ORGANIC: HardOrganic = {
  shareButtonCrowds: 0,
  shareButtonSize: 6,
  fanClubs: 0,
  fanClubSize: 12,
  newsBotGroups: 0,
  newsBotSize: 4,
  liveTweeters: 0,
};

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
  /** campaigns one by one (overrides campaigns / campaignSize / campaignTypes when set) */
  campaignSpecs: CampaignSpec[] | null;
  /** organic hard cases (added after the campaign accounts) */
  hardOrganic: Partial<HardOrganic> | null;
  /**
   * Real organic post texts whose vocabulary the simulated texts are drawn from (a word
   * bigram chain over them), instead of the built-in word lists. The caller reads them (e.g.
   * the debate sets' organic posts); the simulator stays pure.
   */
  coverTexts: readonly string[] | null;
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
  campaignSpecs: null,
  hardOrganic: null,
  coverTexts: null,
};

export interface SimLabel {
  account_id: string;
  label: 'organic' | 'campaign';
  /** campaign id, e.g. `copy_paste-1`; null for organic accounts */
  campaign: string | null;
  /** organic hard case the account belongs to (`share_button-1`, `fan_club-2`, `news_bots-1`, `live_tweeter`), if any */
  role?: string;
}

export interface Simulation {
  params: SimulateParams;
  accounts: CanonicalAccount[];
  labels: SimLabel[];
  /** the posts in time order; each call replays the same posts */
  posts(): Generator<CanonicalPost>;
}
