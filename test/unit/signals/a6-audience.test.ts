import { describe, expect, it } from 'vitest';
import { audienceSignal, DEFAULT_SIGNAL_PARAMS as P } from '../../../src/core/signals/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { account, iso, post } from './helpers.ts';

const T0 = iso('2024-04-01T00:00:00Z');
const run = (followers: number | null, following: number | null, posts: CorePost[] = [], window?: { start: number; end: number }) =>
  audienceSignal({ account: account({ followers, following }), posts, now: T0, window }, P);

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

  it('flags repeated minutes with many posts', () => {
    const posts: CorePost[] = [];
    for (let m = 0; m < 5; m++) for (let k = 0; k < 5; k++) posts.push(post(T0 + m * 3600 + k * 7));
    for (let k = 0; k < 25; k++) posts.push(post(T0 + 86400 + k * 1800));
    const r = run(null, null, posts, { start: T0, end: T0 + 2 * 86400 });
    expect(r.value).toBe(1); // half the posts sit in burst minutes
    expect(r.reason).toContain('5 minutes with 4+ posts (50% of posts, up to 5 in one minute)');
  });

  it('needs more than one burst minute', () => {
    const posts = [0, 1, 2, 3, 4].map((k) => post(T0 + k));
    expect(run(null, null, posts).details?.burst_value).toBe(0);
  });

  it('is not applicable with neither counts nor posts', () => {
    expect(run(null, null)).toMatchObject({ value: 0, applicable: false });
  });
});
