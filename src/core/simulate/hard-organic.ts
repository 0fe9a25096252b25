import type { Rng } from '../null-model/prng.ts';
import type { SimAccount } from './accounts.ts';
import type { PlannedPost } from './plan.ts';
import { DAY, HOUR, postId } from './schedule.ts';
import type { TextGen } from './text.ts';
import type { HardOrganic, SimulateParams } from './types.ts';
import { NEWS_DOMAINS } from './words.ts';

/**
 * Organic behaviour that looks coordinated: the hard negatives of issue 9. Every account
 * here is a real person (or a benign bot) acting on its own; what they share comes from an
 * app, an idol, a feed or a live event, not from an operator.
 */

export interface HardOrganicGroup {
  role: string;
  kind: 'share_button' | 'fan_club' | 'news_bots' | 'live_tweeter';
  /** indices into the simulation's account list */
  members: number[];
}

const STATIONS = ['WFAA', 'KSDK', 'WCNC', 'KARE11', 'WSOCTV', 'KPRC2', 'WRAL', 'KING5'];
const SHARE_TEMPLATES = [
  (s: string) => `I just told @${s} who I think is winning. Cast your vote now! #Debates #VPDebate`,
  (s: string) => `I'm watching the #Debates with @${s}. Who do you think won? Vote here`,
  (s: string) => `I just voted in the @${s} debate poll! Make your voice heard #Debates2016`,
];
const IDOLS = ['BTS_twt', 'taylorswift13', 'ArianaGrande', 'BLACKPINK', 'Harry_Styles', 'justinbieber'];
const FAN_TAGS = [
  ['BTS', 'ARMY', 'BTSbutter', 'streaming'],
  ['Swifties', 'TaylorSwift', 'ErasTour', 'streamMidnights'],
  ['Arianators', 'ArianaGrande', 'positions', 'stream'],
];
const CANDIDATES = ['HillaryClinton', 'realDonaldTrump'];

export function hardOrganicSize(h: HardOrganic): { shareButton: number; fanClub: number; newsBots: number; liveTweeters: number; total: number } {
  const shareButton = h.shareButtonCrowds * h.shareButtonSize;
  const fanClub = h.fanClubs * h.fanClubSize;
  const newsBots = h.newsBotGroups * h.newsBotSize;
  return { shareButton, fanClub, newsBots, liveTweeters: h.liveTweeters, total: shareButton + fanClub + newsBots + h.liveTweeters };
}

/** Splits the hard-organic accounts (a consecutive run from `first`) into their groups. */
export function hardOrganicGroups(h: HardOrganic, first: number): HardOrganicGroup[] {
  const out: HardOrganicGroup[] = [];
  let next = first;
  const take = (n: number) => Array.from({ length: n }, () => next++);
  for (let i = 0; i < h.shareButtonCrowds; i++) out.push({ role: `share_button-${i + 1}`, kind: 'share_button', members: take(h.shareButtonSize) });
  for (let i = 0; i < h.fanClubs; i++) out.push({ role: `fan_club-${i + 1}`, kind: 'fan_club', members: take(h.fanClubSize) });
  for (let i = 0; i < h.newsBotGroups; i++) out.push({ role: `news_bots-${i + 1}`, kind: 'news_bots', members: take(h.newsBotSize) });
  if (h.liveTweeters > 0) out.push({ role: 'live_tweeter', kind: 'live_tweeter', members: take(h.liveTweeters) });
  return out;
}

/** News bots post their feed and nothing else; give them bot-like profiles. */
export function shapeNewsBots(groups: readonly HardOrganicGroup[], all: SimAccount[]): void {
  for (const g of groups) {
    if (g.kind !== 'news_bots') continue;
    g.members.forEach((i, j) => {
      const a = all[i];
      a.rate = 0;
      a.account = { ...a.account, handle: `${g.role.replace(/-/g, '_')}_feed${j + 1}`, display_name: `News Feed ${j + 1}`, bio: 'Automated headlines' };
    });
  }
}

export function planHardOrganic(
  rng: Rng,
  p: SimulateParams,
  startT: number,
  groups: readonly HardOrganicGroup[],
  organic: readonly number[],
  text: TextGen,
): PlannedPost[] {
  const out: PlannedPost[] = [];
  const endT = startT + p.days * DAY;
  const eveningStart = startT + (p.days >= 2 ? DAY : 0) + HOUR; // 21:00 EDT
  const push = (x: PlannedPost) => {
    if (x.t >= startT && x.t < endT) out.push(x);
  };
  const uniformIn = (from: number, to: number) => Math.floor(from + rng() * Math.max(1, to - from));
  groups.forEach((g, gi) => {
    switch (g.kind) {
      case 'share_button': {
        const station = STATIONS[gi % STATIONS.length];
        const template = SHARE_TEMPLATES[gi % SHARE_TEMPLATES.length](station);
        const link = `https://www.${station.toLowerCase()}.com/debate-poll?utm_source=share`;
        const t0 = uniformIn(startT + 13 * HOUR, Math.max(startT + 14 * HOUR, endT - 2 * HOUR));
        // the station's two posts of the hour, reposted by the crowd and by many others
        const sources = [0, 1].map((k) => ({ id: postId('sbsrc', p.seed, g.role, k), text: `RT @${station}: ${text(rng)}` }));
        const reposters = [...g.members, ...Array.from({ length: 30 }, () => organic[rng.int(Math.max(1, organic.length))]).filter((x) => x !== undefined)];
        sources.forEach((src, k) => {
          for (const a of new Set(reposters)) {
            if (!g.members.includes(a) && rng() < 0.3) continue;
            push({ id: postId('sbrt', p.seed, g.role, k, a), t: uniformIn(t0, t0 + HOUR), account: a, text: src.text, urls: [], hashtags: [], repost_of: src.id, lang: 'en' });
          }
        });
        g.members.forEach((a, j) => {
          const n = rng() < 0.3 ? 2 : 1;
          for (let k = 0; k < n; k++) {
            push({ id: postId('sb', p.seed, g.role, j, k), t: uniformIn(t0, t0 + HOUR), account: a, text: `${template} ${link}`, urls: [link], hashtags: template.match(/#(\w+)/g)?.map((h) => h.slice(1)) ?? [], repost_of: null, lang: 'en' });
          }
        });
        break;
      }
      case 'fan_club': {
        const idol = IDOLS[gi % IDOLS.length];
        const tags = FAN_TAGS[gi % FAN_TAGS.length];
        const idolPosts = Math.round(6 * p.days);
        for (let k = 0; k < idolPosts; k++) {
          const t0 = uniformIn(startT, endT - HOUR);
          const src = postId('idol', p.seed, g.role, k);
          const body = `RT @${idol}: ${text(rng)}`;
          for (const a of g.members) {
            if (rng() > 0.75) continue;
            // fans are fast, not synchronised: minutes, with a long tail
            const delay = 20 + 240 * Math.exp(rng.normal());
            push({ id: postId('fan', p.seed, g.role, k, a), t: Math.floor(t0 + delay), account: a, text: body, urls: [], hashtags: [], repost_of: src, lang: 'en' });
          }
        }
        g.members.forEach((a, j) => {
          const n = Math.round(2 * p.days);
          for (let k = 0; k < n; k++) {
            push({ id: postId('fantag', p.seed, g.role, j, k), t: uniformIn(startT, endT), account: a, text: `${text(rng)} ${tags.map((t) => `#${t}`).join(' ')}`, urls: [], hashtags: tags, repost_of: null, lang: 'en' });
          }
        });
        break;
      }
      case 'news_bots': {
        const domain = NEWS_DOMAINS[(gi * 7) % NEWS_DOMAINS.length];
        const feedHandle = domain.replace(/\..*$/, '');
        const headlines = Math.round(20 * p.days);
        for (let k = 0; k < headlines; k++) {
          const t0 = uniformIn(startT, endT - HOUR);
          const title = text(rng).split(' ').slice(0, 14).join(' ');
          const url = `https://www.${domain}/${Math.floor(t0 / DAY)}/${k}-${title.toLowerCase().split(' ').slice(0, 4).join('-').replace(/[^a-z0-9-]/g, '')}`;
          g.members.forEach((a, j) => {
            const body = j % 3 === 0 ? `${title} ${url}` : j % 3 === 1 ? `${title} via @${feedHandle} ${url}` : `BREAKING: ${title} ${url}`;
            // each bot polls the feed on its own clock: seconds to a few minutes
            push({ id: postId('bot', p.seed, g.role, k, j), t: Math.floor(t0 + 5 + rng.exp(60)), account: a, text: body, urls: [url], hashtags: [], repost_of: null, lang: 'en' });
          });
        }
        break;
      }
      case 'live_tweeter': {
        const from = eveningStart;
        const to = from + 90 * 60;
        // the candidates post every few minutes; a share of the audience reposts within seconds
        for (let k = 0; k < 30; k++) {
          const t0 = Math.floor(from + (k + rng()) * 180);
          const cand = CANDIDATES[k % 2];
          const src = postId('cand', p.seed, k);
          const body = `RT @${cand}: ${text(rng)}`;
          for (const a of g.members) {
            if (rng() > 0.2) continue;
            push({ id: postId('live-rt', p.seed, k, a), t: Math.floor(t0 + 1 + rng.exp(25)), account: a, text: body, urls: [], hashtags: [], repost_of: src, lang: 'en' });
          }
        }
        g.members.forEach((a, j) => {
          const n = 1 + rng.int(8);
          for (let k = 0; k < n; k++) {
            const tags = rng() < 0.35 ? ['DebateNight', 'Debates2016', 'Election2016'] : rng() < 0.5 ? ['DebateNight'] : ['Debates2016'];
            push({ id: postId('live', p.seed, j, k), t: uniformIn(from, to), account: a, text: `${text(rng)} ${tags.map((t) => `#${t}`).join(' ')}`, urls: [], hashtags: tags, repost_of: null, lang: 'en' });
          }
        });
        break;
      }
    }
  });
  return out;
}
