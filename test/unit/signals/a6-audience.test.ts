import { describe, expect, it } from 'vitest';
import { audienceSignal, DEFAULT_SIGNAL_PARAMS as P } from '../../../src/core/signals/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { account, iso, post } from './helpers.ts';

const T0 = iso('2024-04-01T00:00:00Z');
const run = (
  followers: number | null,
  following: number | null,
  posts: CorePost[] = [],
  window?: { start: number; end: number },
) => audienceSignal({ account: account({ followers, following }), posts, now: T0, window }, P);

describe('A6 audience shape', () => {
  it('flags following far above followers, with the numbers', () => {
    const r = run(12, 3000);
    expect(r.value).toBe(1);
    expect(r.reason).toBe('follows 3,000 accounts but has 12 followers (250×)');
  });

  it('grades the ratio: 10× is mild, 30× strong', () => {
    const ten = run(100, 1000).value;
    const thirty = run(100, 3000).value;
    expect(ten).toBeGreaterThan(0.2);
    expect(ten).toBeLessThan(0.5);
    expect(thirty).toBeGreaterThan(ten);
  });

  it('ignores ratios of small accounts and ordinary shapes', () => {
    expect(run(2, 90).value).toBe(0); // following below 100
    expect(run(300, 250).value).toBe(0);
    expect(run(50_000, 400).value).toBe(0);
  });

  it('flags a sustained rate far above a person', () => {
    // 900 posts over 3 days = 300/day
    const posts = Array.from({ length: 900 }, (_, i) => post(T0 + i * 288));
    const r = run(null, null, posts, { start: T0, end: T0 + 3 * 86400 });
    expect(r.value).toBe(1);
    expect(r.reason).toContain('300 posts/day over 3 days');
  });

  it('does not extrapolate a busy evening into a daily rate', () => {
    // 60 live-tweets in 90 minutes of a debate
    const posts = Array.from({ length: 60 }, (_, i) => post(T0 + i * 90));
    const r = run(200, 180, posts, { start: T0, end: T0 + 5400 });
    expect(r.value).toBeLessThan(0.2);
  });

  it('flags repeated minutes with many own posts', () => {
    const posts: CorePost[] = [];
    for (let m = 0; m < 5; m++) for (let k = 0; k < 6; k++) posts.push(post(T0 + m * 3600 + k * 7));
    for (let k = 0; k < 30; k++) posts.push(post(T0 + 86400 + k * 1800));
    const r = run(null, null, posts, { start: T0, end: T0 + 2 * 86400 });
    expect(r.value).toBe(1); // half the own posts sit in burst minutes
    expect(r.reason).toContain(
      '5 minutes with 6+ own posts (50% of 60 own posts, up to 6 in one minute)',
    );
  });

  it('does not count repost sprees as bursts', () => {
    const posts: CorePost[] = [];
    for (let m = 0; m < 5; m++)
      for (let k = 0; k < 8; k++)
        posts.push(post(T0 + m * 3600 + k * 7, { repost_of: `rt${m}-${k}` }));
    expect(run(null, null, posts).details?.burst_minutes).toBe(0);
  });

  it('needs several burst minutes', () => {
    const posts: CorePost[] = [];
    for (let m = 0; m < 2; m++) for (let k = 0; k < 8; k++) posts.push(post(T0 + m * 3600 + k));
    const r = run(null, null, posts);
    expect(r.details?.burst_minutes).toBe(2);
    expect(r.details?.burst_value).toBe(0);
  });

  it('does not turn a short window into a daily rate', () => {
    const posts = Array.from({ length: 150 }, (_, i) => post(T0 + i * 30));
    const r = run(null, null, posts, { start: T0, end: T0 + 5400 });
    expect(r.details?.rate_value).toBe(0);
    expect(r.reason).toContain('150 posts in 1.5 hours (too short to measure a daily rate)');
  });

  it('is not applicable with neither counts nor posts', () => {
    expect(run(null, null)).toMatchObject({ value: 0, applicable: false });
  });
});
