import { describe, expect, it } from 'vitest';
import {
  activityHoursSignal,
  claimedZone,
  DEFAULT_SIGNAL_PARAMS as P,
} from '../../../src/core/signals/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { account, iso, post, prng } from './helpers.ts';

const MONDAY = iso('2024-03-04T00:00:00Z');
const H = 3600;

/** Posts on weekdays between 09:00 and 18:00 at the given UTC offset, over four weeks. */
function officePosts(offset: number, n: number, seed = 1): CorePost[] {
  const rnd = prng(seed);
  const out: CorePost[] = [];
  while (out.length < n) {
    const day = Math.floor(rnd() * 28);
    if (day % 7 >= 5) continue; // Sat, Sun
    const localHour = 9 + rnd() * 9;
    out.push(post(MONDAY + day * 86400 + (localHour - offset) * H));
  }
  return out;
}

/** A person in UTC-6: mornings, lunch and long evenings, every day of the week. */
function texanPosts(n: number, seed = 2): CorePost[] {
  const rnd = prng(seed);
  const hours = [7.5, 8, 12.2, 12.5, 17.5, 18, 19, 19.5, 20, 20.5, 21, 21.5, 22, 22.5, 23, 0.5];
  return Array.from({ length: n }, () => {
    const day = Math.floor(rnd() * 28);
    const h = hours[Math.floor(rnd() * hours.length)] + rnd() * 0.4;
    return post(MONDAY + day * 86400 + (h + 6) * H);
  });
}

const run = (location: string | null, posts: CorePost[]) =>
  activityHoursSignal({ account: account({ location }), posts, now: MONDAY }, P);

describe('A3 activity hours vs claimed time zone', () => {
  it('flags a Texas profile that posts in a UTC+8 office day, and says so in numbers', () => {
    const r = run('Texas, USA', officePosts(8, 40));
    expect(r.value).toBeGreaterThan(0.8);
    expect(r.reason).toMatch(
      /^claims Texas \(UTC-6\) but 100% of 40 posts fall 09:00–18:00 UTC\+8 on weekdays \(19:00–04:00 in Texas\)/,
    );
    expect(r.details).toMatchObject({ best_offset: 8, profile: 'office' });
  });

  it('flags a US-wide profile on a Moscow working day', () => {
    const r = run('United States', officePosts(3, 30, 3));
    expect(r.value).toBe(1);
    expect(r.reason).toContain('fall 09:00–18:00 UTC+3 on weekdays (00:00–09:00 US Central time)');
  });

  it('works for non-US claims too', () => {
    expect(run('Berlin, Germany', officePosts(8, 30, 4)).value).toBeGreaterThan(0.8);
  });

  it('leaves a person who lives where they say at zero', () => {
    const r = run('Austin, Texas', texanPosts(60));
    expect(r.value).toBe(0);
    expect(r.applicable).toBe(true);
    expect(r.reason).toMatch(/^claims Texas \(UTC-6\); 60 posts on \d+ days fit a day there/);
  });

  it('does not flag someone with an office day in their own zone', () => {
    expect(run('New York, NY', officePosts(-5, 40, 5)).value).toBe(0);
  });

  it('says nothing about a single evening, however busy (a debate night)', () => {
    const start = iso('2016-09-27T01:00:00Z'); // 21:00 EDT
    const posts = Array.from({ length: 80 }, (_, i) => post(start + i * 60));
    const r = run('Ohio', posts);
    expect(r).toMatchObject({ value: 0, applicable: false });
    expect(r.reason).toContain('80 posts on 1 days are too few');
  });

  it('needs a minimum number of posts', () => {
    expect(run('Texas', officePosts(8, 9)).applicable).toBe(false);
  });

  it('is not applicable without a recognisable location', () => {
    expect(run(null, officePosts(8, 40))).toMatchObject({
      applicable: false,
      reason: 'no location',
    });
    const r = run('somewhere over the rainbow', officePosts(8, 40));
    expect(r.applicable).toBe(false);
    expect(r.reason).toContain('names no known time zone');
  });
});

describe('claimed location → time zone', () => {
  it.each([
    ['Texas', 'Texas', -6],
    ['Austin, TX', 'Austin', -6],
    ['Springfield, TX', 'Texas', -6],
    ['Houston', 'Houston', -6],
    ['New York City', 'New York', -5],
    ['Brooklyn', 'Brooklyn', -5],
    ['NYC', 'Nyc', -5],
    ['Washington, DC', 'Washington, DC', -5],
    ['Washington, D.C.', 'Washington, DC', -5],
    ['Seattle, WA', 'Seattle', -8],
    ['Spokane, WA', 'Washington', -8],
    ['Eugene, OR', 'Oregon', -8],
    ['West Virginia', 'West Virginia', -5],
    ['Phoenix', 'Phoenix', -7],
    ['Paris, Texas', 'Texas', -6],
    ['St. Petersburg, FL', 'Florida', -5],
    ['United Kingdom', 'United Kingdom', 0],
    ['Russian Federation', 'Russian Federation', 3],
    ['Moscow', 'Moscow', 3],
    ['Beijing, China', 'Beijing', 8],
    ['Shenzhen', 'Shenzhen', 8],
    ['São Paulo', 'Sao Paulo', -3],
    ['New Delhi', 'New Delhi', 5.5],
  ])('%s → %s (UTC%d)', (loc, place, primary) => {
    expect(claimedZone(loc)).toMatchObject({ place, primary });
  });

  it('reads USA as the whole contiguous range', () => {
    expect(claimedZone('USA')).toMatchObject({ us: true, offsets: [-8, -7, -6, -5, -4] });
    expect(claimedZone('United States')?.us).toBe(true);
  });

  it('does not read lower-case words or all-caps prose as state codes', () => {
    expect(claimedZone('in my head')).toBeNull();
    expect(claimedZone('LIVING IN THE USA')).toMatchObject({ place: 'the United States' });
    expect(claimedZone('SPRINGFIELD, IL')).toMatchObject({ place: 'Illinois' });
  });

  it('returns null for unknown or junk', () => {
    for (const x of ['Unknown', '', '🌎', null, 42, {}, 'x'.repeat(100_000)])
      expect(claimedZone(x)).toBeNull();
  });
});
