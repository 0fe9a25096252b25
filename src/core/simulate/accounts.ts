import type { Rng } from '../null-model/prng.ts';
import { hashSeed } from '../null-model/prng.ts';
import type { CanonicalAccount } from '../types.ts';
import type { CampaignType } from './types.ts';
import { CAMPAIGN_THEMES, FIRST_NAMES, LAST_NAMES, US_PLACES } from './words.ts';

const DAY = 86400;

/** How an account spends its day. */
export type Schedule =
  | { kind: 'human'; tz: number }
  /** an office day at the given UTC offset, Monday to Friday */
  | { kind: 'office'; tz: number };

export interface SimAccount {
  account: CanonicalAccount;
  label: 'organic' | 'campaign';
  campaign: string | null;
  schedule: Schedule;
  /** ambient posts per day (organic activity, or a campaign account's cover) */
  rate: number;
  /** share of ambient posts that are reposts */
  repostShare: number;
  /** interest communities (organic) */
  communities: number[];
  /** posts originals that its communities repost */
  pundit: boolean;
  lang: string;
}

/** Neutral, unique account ids: the id must not tell a detector (or a reader) the label. */
export function accountId(seed: number, i: number): string {
  // odd multiplier and xor are both bijections on 32-bit integers: distinct i, distinct id
  return String(10_000_000_000 + ((Math.imul(i + 1, 2654435761) ^ hashSeed(`acct:${seed}`)) >>> 0));
}

function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

function iso(t: number): string {
  return new Date(Math.round(t) * 1000).toISOString().replace('.000Z', 'Z');
}

function personName(rng: Rng): [first: string, last: string] {
  return [rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function humanHandle(rng: Rng, first: string, last: string): string {
  const r = rng();
  if (r < 0.08) return `${cap(first)}${String(10_000_000 + rng.int(89_999_999))}`; // real people keep default handles too
  if (r < 0.4) return `${first}${last}${rng() < 0.5 ? rng.int(100) : ''}`;
  if (r < 0.7) return `${first}_${last.slice(0, 1 + rng.int(last.length))}`;
  return `${first.slice(0, 1)}${last}${1950 + rng.int(60)}`;
}

export function organicAccounts(rng: Rng, seed: number, n: number, volume: number, startT: number, communities: number, firstIndex = 0): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < n; i++) {
    const [first, last] = personName(rng);
    const [place, tz] = rng.pick(US_PLACES);
    const followers = Math.round(lognormal(rng, 300, 1.4));
    const ageDays = rng() < 0.03 ? 5 + rng.int(60) : 180 + rng.int(4000);
    const c1 = rng.int(communities);
    const comms = rng() < 0.4 ? [c1, rng.int(communities)] : [c1];
    out.push({
      account: {
        id: accountId(seed, firstIndex + i),
        handle: humanHandle(rng, first, last),
        display_name: `${cap(first)} ${cap(last)}`,
        bio: rng() < 0.6 ? `${rng.pick(['dad', 'mom', 'teacher', 'nurse', 'engineer', 'student', 'veteran', 'artist', 'fan of everything'])} | ${place}` : null,
        created_at: iso(startT - ageDays * DAY - rng.int(DAY)),
        followers,
        following: Math.round(lognormal(rng, 350, 1.0)),
        location: rng() < 0.88 ? place : rng() < 0.5 ? 'USA' : null,
        avatar_hash: null,
      },
      label: 'organic',
      campaign: null,
      schedule: { kind: 'human', tz },
      // heavy-tailed activity: most people post a few times a day, a few post a hundred
      rate: Math.min(volume * 40, lognormal(rng, volume * 0.45, 1.2)),
      repostShare: Math.min(0.95, Math.max(0.05, 0.35 + 0.25 * rng.normal())),
      communities: comms,
      pundit: false,
      lang: 'en',
    });
  }
  // the best-followed members of each community post what the others repost
  const byCommunity = new Map<number, SimAccount[]>();
  for (const a of out) for (const c of a.communities) byCommunity.set(c, [...(byCommunity.get(c) ?? []), a]);
  for (const members of byCommunity.values()) {
    members.sort((a, b) => (b.account.followers ?? 0) - (a.account.followers ?? 0));
    for (const a of members.slice(0, Math.max(1, Math.round(members.length * 0.05)))) {
      a.pundit = true;
      a.rate = Math.max(a.rate, volume * 2);
      a.repostShare = Math.min(a.repostShare, 0.2);
    }
  }
  return out;
}

export interface CampaignPlanAccounts {
  id: string;
  type: CampaignType;
  theme: (typeof CAMPAIGN_THEMES)[number];
  members: SimAccount[];
  /** foreign language of a reactivated persona */
  newLang: 'zh' | 'ru' | null;
  /** office-hours offset of the operators */
  operatorTz: number;
}

export function campaignAccounts(
  rng: Rng,
  seed: number,
  firstIndex: number,
  c: number,
  type: CampaignType,
  size: number,
  startT: number,
  coverPerDay: number,
): CampaignPlanAccounts {
  const theme = CAMPAIGN_THEMES[c % CAMPAIGN_THEMES.length];
  const id = `${type}-${c + 1}`;
  const newLang: 'zh' | 'ru' | null = type === 'dormant_reactivated' ? (c % 2 === 0 ? 'zh' : 'ru') : null;
  const operatorTz = type === 'foreign_workday' ? 8 : newLang === 'zh' ? 8 : newLang === 'ru' ? 3 : -4;
  // many operations register their accounts in batches
  const burstDay = startT - (20 + rng.int(70)) * DAY;
  const members: SimAccount[] = [];
  for (let j = 0; j < size; j++) {
    const [first, last] = personName(rng);
    const [place, tz] = rng.pick(US_PLACES);
    const created =
      type === 'dormant_reactivated'
        ? startT - (1500 + rng.int(1500)) * DAY - rng.int(DAY)
        : rng() < 0.6
          ? burstDay + rng.int(DAY)
          : startT - (30 + rng.int(900)) * DAY;
    const defaultHandle = rng() < 0.5;
    members.push({
      account: {
        id: accountId(seed, firstIndex + j),
        handle: defaultHandle ? `${cap(first)}${String(10_000_000 + rng.int(89_999_999))}` : humanHandle(rng, first, last),
        display_name: `${cap(first)} ${cap(last)}`,
        bio: rng() < 0.7 ? `${rng.pick(['proud american', 'patriot', 'mom of 3', 'truth seeker', 'veteran', 'small business owner'])} | ${place}` : null,
        created_at: iso(created),
        followers: Math.round(lognormal(rng, 40, 1.0)),
        following: Math.round(lognormal(rng, 400, 0.6)),
        location: place,
        avatar_hash: null,
      },
      label: 'campaign',
      campaign: id,
      schedule: type === 'foreign_workday' || newLang ? { kind: 'office', tz: operatorTz } : { kind: 'human', tz },
      rate: coverPerDay,
      repostShare: 0.6,
      communities: [],
      pundit: false,
      lang: newLang ?? 'en',
    });
  }
  return { id, type, theme, members, newLang, operatorTz };
}
