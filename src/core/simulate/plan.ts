import type { Rng } from '../null-model/prng.ts';
import type { CampaignPlanAccounts, SimAccount } from './accounts.ts';
import { activeMoment, DAY, HOUR, postId } from './schedule.ts';
import { capitalise, organicText, paraphrase, shortCode, suffixToken, withCjkPunctuation } from './text.ts';
import type { TextGen } from './text.ts';
import type { SimulateParams } from './types.ts';
import { FOREIGN_LINES, ORGANIC_HASHTAGS } from './words.ts';

/** A post decided before the hour-by-hour generation: burst reposts and campaign actions. */
export interface PlannedPost {
  id: string;
  t: number;
  /** index into the simulation's account list */
  account: number;
  text: string;
  urls: string[];
  hashtags: string[];
  repost_of: string | null;
  lang: string | null;
  /** replaces the account snapshot on this post (persona drift) */
  persona?: { display_name: string; bio: string | null };
}

const ENDINGS = ['', ' share this before they delete it', ' retweet if you agree', ' wake up america', ' 🇺🇸', ' spread the word', ' they are lying to you'];
const CELEB_HANDLES = ['NewsNowUSA', 'TheRealSportsGuy', 'PopCultureDaily', 'BreakingAlerts', 'LateNightLaughs', 'WeatherWatchUS'];

/**
 * Viral organic bursts: a post that hundreds of ordinary accounts repost within seconds
 * (most within a minute, a tail over ten minutes). Participants are drawn at random,
 * heavier users a little more often: exactly the crowd a naive detector flags.
 */
export function planBursts(rng: Rng, p: SimulateParams, startT: number, organic: SimAccount[], text: TextGen = organicText): PlannedPost[] {
  const out: PlannedPost[] = [];
  if (!organic.length) return out;
  const meanRate = organic.reduce((a, x) => a + x.rate, 0) / organic.length;
  const total = Math.round(p.viralBursts * p.days);
  for (let b = 0; b < total; b++) {
    const day = Math.floor(b / Math.max(1, p.viralBursts));
    // US daytime: 14:00–03:00 UTC
    const t0 = Math.floor(startT + Math.min(day, p.days - 1) * DAY + (14 + rng() * 13) * HOUR);
    const source = postId('burst', p.seed, b);
    const handle = rng.pick(CELEB_HANDLES);
    const body = `RT @${handle}: ${text(rng)}`;
    const k = Math.min(organic.length, Math.max(30, Math.round(p.viralBurstSize * Math.exp(0.5 * rng.normal()))));
    const chosen = new Set<number>();
    let guard = 0;
    while (chosen.size < k && guard++ < k * 50) {
      const i = rng.int(organic.length);
      if (rng() < Math.min(1, 0.35 + 0.5 * Math.sqrt(organic[i].rate / meanRate))) chosen.add(i);
    }
    for (const i of [...chosen].sort((x, y) => x - y)) {
      const delay = rng() < 0.8 ? rng.exp(20) : rng.exp(600);
      out.push({ id: postId('bp', p.seed, b, i), t: Math.floor(t0 + 1 + delay), account: i, text: body, urls: [], hashtags: [], repost_of: source, lang: 'en' });
    }
  }
  return out;
}

/** The coordinated waves of one planted campaign, plus a repurposed persona's past. */
export function planCampaign(
  rng: Rng,
  p: SimulateParams,
  startT: number,
  c: CampaignPlanAccounts,
  firstAccountIndex: number,
  text: TextGen = organicText,
): PlannedPost[] {
  const out: PlannedPost[] = [];
  const endT = startT + p.days * DAY;
  const size = c.members.length;
  const waves = Math.max(2, Math.round(p.wavesPerDay * p.days));
  const operator = c.members[0].schedule.kind === 'office' ? c.members[0].schedule : { kind: 'human' as const, tz: c.operatorTz };
  const times = Array.from({ length: waves }, () => activeMoment(rng, operator, startT, endT - HOUR)).sort((a, b) => a - b);
  const tags = c.theme.tags;

  if (c.type === 'dormant_reactivated') {
    // years-old accounts with an ordinary English past, silent for months
    c.members.forEach((m, j) => {
      const n = 4 + rng.int(6);
      for (let k = 0; k < n; k++) {
        const t = Math.floor(startT - (200 + rng() * 300) * DAY);
        out.push({ id: postId('old', p.seed, c.id, j, k), t, account: firstAccountIndex + j, text: text(rng), urls: [], hashtags: [], repost_of: null, lang: 'en' });
      }
      void m;
    });
  }

  times.forEach((t0, w) => {
    const line = c.theme.lines[w % c.theme.lines.length];
    const base = `${capitalise(line)}${rng.pick(ENDINGS)}`;
    const url = `https://${c.theme.domain}/${w + 1}-${line.split(' ').slice(1, 4).join('-')}`;
    const seq = [tags[w % tags.length], tags[(w + 1) % tags.length], tags[(w + 2) % tags.length], rng.pick(ORGANIC_HASHTAGS)];
    const seedIdx = w % size;
    const seedId = postId('seed', p.seed, c.id, w);
    c.members.forEach((m, j) => {
      const isSeed = c.type === 'repost_amplifier' && j === seedIdx;
      if (!isSeed && rng() > 0.85) return; // nobody shows up to every wave
      const t = isSeed ? t0 : Math.floor(t0 + 2 + rng() * p.jitter);
      const post: PlannedPost = { id: postId('camp', p.seed, c.id, w, j), t, account: firstAccountIndex + j, text: '', urls: [], hashtags: [], repost_of: null, lang: m.lang };
      switch (c.type) {
        case 'copy_paste':
          post.text = base;
          break;
        case 'paraphrase':
          post.text = paraphrase(rng, base.toLowerCase(), p.paraphrase);
          break;
        case 'link_pusher': {
          const variant = rng();
          const u = variant < 0.4 ? `${url}?utm_source=twitter&utm_medium=social&utm_campaign=${rng.int(1000)}` : variant < 0.6 ? `${url.replace('https://', 'https://www.')}/` : url;
          post.text = `${text(rng)} ${u}`;
          post.urls = [u];
          break;
        }
        case 'repost_amplifier':
          if (isSeed) {
            post.id = seedId;
            post.text = base;
          } else {
            post.text = `RT @${c.members[seedIdx].account.handle}: ${base}`;
            post.repost_of = seedId;
          }
          break;
        case 'hashtag_squad':
          post.text = `${text(rng)} ${seq.map((h) => `#${h}`).join(' ')}`;
          post.hashtags = seq;
          break;
        case 'foreign_workday':
          post.text = withCjkPunctuation(rng, base);
          break;
        case 'suffix_tokens': {
          const link = `https://t.co/${shortCode(rng)}`;
          post.text = `${base} ${link} ${suffixToken(rng)}`;
          post.urls = [link];
          break;
        }
        case 'dormant_reactivated': {
          const lines = FOREIGN_LINES[c.newLang ?? 'zh'];
          post.text = `${lines[w % lines.length]} #${tags[w % tags.length]}`;
          post.hashtags = [tags[w % tags.length]];
          post.lang = c.newLang;
          post.persona = { display_name: `${m.account.display_name} ${c.newLang === 'ru' ? 'Новости' : '新闻'}`, bio: null };
          break;
        }
      }
      if (post.t < endT) out.push(post);
    });
  });
  return out;
}
