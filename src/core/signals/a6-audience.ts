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
  const audienceKnown = followers !== null && following !== null && followers >= 0 && following >= 0;
  if (audienceKnown) {
    const ratio = following / Math.max(1, followers);
    details.following = following;
    details.followers = followers;
    details.ratio = round(ratio, 2);
    if (following >= p.min_following && ratio > p.ratio_start) {
      ratioValue = clamp01(Math.log(ratio / p.ratio_start) / Math.log(p.ratio_full / p.ratio_start));
      parts.push(`follows ${int(following)} accounts but has ${int(followers)} followers (${round(ratio, 1)}×)`);
    } else {
      parts.push(`follows ${int(following)}, followed by ${int(followers)}`);
    }
  }

  const times = postTimes(realPosts(input.posts));
  const n = times.length;
  let rateValue = 0;
  let burstValue = 0;
  if (n > 0) {
    const w = input.window;
    const windowDays = w && num(w.start) !== null && num(w.end) !== null && w.end > w.start ? (w.end - w.start) / DAY : null;
    // "Sustained": spread over at least a day, so a busy hour is not read as a rate per day.
    const days = Math.max(1, windowDays ?? (times[n - 1] - times[0]) / DAY);
    const rate = n / days;
    rateValue = clamp01(Math.log2(rate / (p.rate_per_day / 2)) / 2);
    details.posts_per_day = round(rate, 1);

    const perMinute = new Map<number, number>();
    for (const t of times) {
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
    if (burstMinutes >= p.min_burst_minutes) burstValue = clamp01((burstPosts / n) * 2);

    if (rateValue > 0) parts.push(`${round(rate, 1)} posts/day over ${round(days, 1)} days`);
    else parts.push(`${n} posts over ${round(days, 1)} days`);
    if (burstMinutes > 0) {
      parts.push(`${burstMinutes} minutes with ${p.same_minute_posts}+ posts (${pct(burstPosts / n)} of posts, up to ${maxPerMinute} in one minute)`);
    }
  }

  const applicable = audienceKnown || n > 0;
  return {
    id: 'A6',
    value: round(Math.max(ratioValue, rateValue, burstValue), 3),
    applicable,
    reason: parts.length ? parts.join('; ') : 'no follower counts and no posts',
    details: { ...details, ratio_value: round(ratioValue, 3), rate_value: round(rateValue, 3), burst_value: round(burstValue, 3) },
  };
}
