import type { SignalParams } from './params.ts';
import type { AccountSignalInput, SignalResult } from './types.ts';
import { DAY, clamp01, int, num, pct, postTimes, realPosts, round } from './util.ts';

/** A6: following far above followers; posting faster than a person does. */
export function audienceSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const p = params.a6;
  const followers = num(input.account?.followers);
  const following = num(input.account?.following);
  const parts: string[] = [];
  const details: Record<string, unknown> = {};

  let ratioValue = 0;
  const audienceKnown =
    followers !== null && following !== null && followers >= 0 && following >= 0;
  if (audienceKnown) {
    const ratio = following / Math.max(1, followers);
    details.following = following;
    details.followers = followers;
    details.ratio = round(ratio, 2);
    if (following >= p.min_following && ratio > p.ratio_start) {
      ratioValue = clamp01(
        Math.log(ratio / p.ratio_start) / Math.log(p.ratio_full / p.ratio_start),
      );
      parts.push(
        `follows ${int(following)} accounts but has ${int(followers)} followers (${round(ratio, 1)}×)`,
      );
    } else {
      parts.push(`follows ${int(following)}, followed by ${int(followers)}`);
    }
  }

  const all = realPosts(input.posts);
  const times = postTimes(all);
  const n = times.length;
  let rateValue = 0;
  let burstValue = 0;
  if (n > 0) {
    const w = input.window;
    const windowDays =
      w && num(w.start) !== null && num(w.end) !== null && w.end > w.start
        ? (w.end - w.start) / DAY
        : 0;
    const days = Math.max(windowDays, (times[n - 1] - times[0]) / DAY);
    // A rate per day needs a day to measure it: a busy debate hour is not a sustained rate.
    if (days >= p.min_rate_days) {
      const rate = n / days;
      rateValue = clamp01(Math.log2(rate / (p.rate_per_day / 2)) / 2);
      details.posts_per_day = round(rate, 1);
      parts.push(`${round(rate, 1)} posts/day over ${round(days, 1)} days`);
    } else {
      parts.push(`${n} posts in ${round(days * 24, 1)} hours (too short to measure a daily rate)`);
    }

    // Own posts only: clicking repost on several posts in a minute is something people do.
    const perMinute = new Map<number, number>();
    let originals = 0;
    for (const x of all) {
      const t = num(x.t);
      if (t === null || (typeof x.repost_of === 'string' && x.repost_of !== '')) continue;
      originals++;
      const m = Math.floor(t / 60);
      perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
    }
    let burstMinutes = 0;
    let burstPosts = 0;
    let maxPerMinute = 0;
    for (const c of perMinute.values()) {
      if (c > maxPerMinute) maxPerMinute = c;
      if (c >= p.same_minute_posts) {
        burstMinutes++;
        burstPosts += c;
      }
    }
    details.burst_minutes = burstMinutes;
    details.max_posts_per_minute = maxPerMinute;
    if (burstMinutes >= p.min_burst_minutes) burstValue = clamp01((burstPosts / originals) * 2);
    if (burstMinutes > 0) {
      parts.push(
        `${burstMinutes} minutes with ${p.same_minute_posts}+ own posts (${pct(burstPosts / originals)} of ${originals} own posts, up to ${maxPerMinute} in one minute)`,
      );
    }
  }

  const applicable = audienceKnown || n > 0;
  return {
    id: 'A6',
    value: round(Math.max(ratioValue, rateValue, burstValue), 3),
    applicable,
    reason: parts.length ? parts.join('; ') : 'no follower counts and no posts',
    details: {
      ...details,
      ratio_value: round(ratioValue, 3),
      rate_value: round(rateValue, 3),
      burst_value: round(burstValue, 3),
    },
  };
}
