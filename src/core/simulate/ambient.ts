import type { Rng } from '../null-model/prng.ts';
import type { SimAccount } from './accounts.ts';
import type { PlannedPost } from './plan.ts';
import { counterId, DAY, HOUR, intensity, pareto, poisson, postId } from './schedule.ts';
import { hashSeed } from '../null-model/prng.ts';
import { organicText, withCjkPunctuation, zipfPick } from './text.ts';
import type { TextGen } from './text.ts';
import { FOREIGN_LINES, NEWS_DOMAINS, ORGANIC_HASHTAGS } from './words.ts';

/**
 * Ambient activity, one hour at a time: every account posts at its own heavy-tailed rate
 * along its daily rhythm; reposts go to what its interest communities' pundits posted
 * lately or to widely followed outside accounts, in proportion to a heavy-tailed
 * popularity; links go to news articles with Zipf popularity. This is the background in
 * which ordinary people co-repost and co-link by the thousand without coordinating.
 */

interface PoolItem {
  id: string;
  text: string;
  handle: string;
  weight: number;
  t: number;
}

class Pool {
  items: PoolItem[] = [];
  private cum: Float64Array = new Float64Array(0);
  constructor(private readonly keep: number) {}
  add(x: PoolItem) {
    this.items.push(x);
  }
  /** drop old items and rebuild the sampling table with recency decay at time t */
  refresh(t: number, halfLife: number) {
    this.items = this.items.filter((x) => t - x.t < this.keep);
    this.cum = new Float64Array(this.items.length);
    let s = 0;
    for (let i = 0; i < this.items.length; i++) {
      s += this.items[i].weight * Math.exp((-Math.LN2 * (t - this.items[i].t)) / halfLife);
      this.cum[i] = s;
    }
  }
  pick(rng: Rng): PoolItem | null {
    const n = this.cum.length;
    if (!n) return null;
    const r = rng() * this.cum[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo];
  }
}

const OUTSIDE_HANDLES = ['CNN', 'FoxNews', 'nytimes', 'espn', 'NBA', 'NFL', 'TMZ', 'BarackObama', 'elonmusk', 'taylorswift13', 'NASA', 'weatherchannel', 'AP', 'Reuters', 'WSJ', 'nbcnews', 'MLB', 'billboard', 'netflix', 'SpaceX'];

export class Ambient {
  private readonly outside = new Pool(2 * DAY);
  private readonly communities: Pool[];
  private counter = 0;
  private readonly salt: number;

  constructor(
    private readonly rng: Rng,
    private readonly seed: number,
    private readonly accounts: SimAccount[],
    communityCount: number,
    private readonly reactivation: ReadonlyMap<number, { lang: string; persona: PlannedPost['persona'] }>,
    private readonly text: TextGen = organicText,
  ) {
    this.communities = Array.from({ length: communityCount }, () => new Pool(2 * DAY));
    this.salt = hashSeed(`ambient:${seed}`);
  }

  /** All ambient posts of the hour starting at t (unsorted). */
  hour(t: number): PlannedPost[] {
    const rng = this.rng;
    const outsidePerHour = 6 + Math.round(this.accounts.length / 400);
    for (let i = 0; i < outsidePerHour; i++) {
      this.outside.add({ id: postId('out', this.seed, t, i), text: this.text(rng), handle: rng.pick(OUTSIDE_HANDLES), weight: pareto(rng, 1.2), t: t + rng() * HOUR });
    }
    this.outside.refresh(t + HOUR, 6 * HOUR);
    for (const c of this.communities) c.refresh(t + HOUR, 8 * HOUR);

    const out: PlannedPost[] = [];
    const fresh: [number, PoolItem][] = [];
    for (let a = 0; a < this.accounts.length; a++) {
      const acc = this.accounts[a];
      const n = poisson(rng, (acc.rate / 24) * intensity(acc.schedule, t));
      for (let k = 0; k < n; k++) {
        const ts = Math.floor(t + rng() * HOUR);
        const id = counterId(this.salt, this.counter++);
        const re = this.reactivation.get(a);
        const post: PlannedPost = { id, t: ts, account: a, text: '', urls: [], hashtags: [], repost_of: null, lang: re?.lang ?? acc.lang };
        if (re?.persona) post.persona = re.persona;
        const r = rng();
        if (r < acc.repostShare) {
          const fromCommunity = acc.communities.length && rng() < 0.6 ? this.communities[rng.pick(acc.communities)].pick(rng) : null;
          const src = fromCommunity ?? this.outside.pick(rng);
          if (src) {
            post.repost_of = src.id;
            post.text = `RT @${src.handle}: ${src.text}`;
            out.push(post);
            continue;
          }
        }
        if (re) {
          const lines = FOREIGN_LINES[re.lang === 'ru' ? 'ru' : 'zh'];
          post.text = `${rng.pick(lines)} ${rng.int(1000)}`;
          out.push(post);
          continue;
        }
        let text = this.text(rng);
        if (acc.schedule.kind === 'office' && acc.label === 'campaign' && rng() < 0.6) text = withCjkPunctuation(rng, text);
        if (rng() < 0.2) {
          const tags = [zipfPick(rng, ORGANIC_HASHTAGS)];
          if (rng() < 0.3) tags.push(zipfPick(rng, ORGANIC_HASHTAGS));
          post.hashtags = [...new Set(tags)];
          text += ' ' + post.hashtags.map((h) => `#${h}`).join(' ');
        }
        if (rng() < 0.15) {
          const url = this.article(rng, t);
          post.urls = [url];
          text += ` ${url}`;
        }
        post.text = text;
        out.push(post);
        if (acc.pundit) fresh.push([a, { id, text, handle: acc.account.handle ?? 'someone', weight: pareto(rng, 1.1), t: ts }]);
      }
    }
    for (const [a, item] of fresh) for (const c of this.accounts[a].communities) this.communities[c].add(item);
    return out;
  }

  private article(rng: Rng, t: number): string {
    const day = Math.floor(t / DAY);
    const domain = zipfPick(rng, NEWS_DOMAINS, 0.9);
    // today's stories: a handful are everywhere, most are read by a few
    const story = Math.floor(Math.pow(rng(), 2.2) * 2000);
    const url = `https://www.${domain}/${day}/story-${story}`;
    return rng() < 0.2 ? `${url}?utm_source=twitter` : url;
  }
}
