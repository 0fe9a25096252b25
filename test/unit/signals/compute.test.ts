import { describe, expect, it } from 'vitest';
import {
  combineSignals,
  computeAccountSignals,
  DEFAULT_SIGNAL_PARAMS,
  withSignalParams,
} from '../../../src/core/signals/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { account, iso, post, prng } from './helpers.ts';

const MONDAY = iso('2024-03-04T00:00:00Z');

/** The Spamouflage-style persona: new, default handle, claims Texas, posts on a UTC+8 workday with CJK punctuation. */
function persona(): { posts: CorePost[] } {
  const rnd = prng(11);
  const posts: CorePost[] = [];
  while (posts.length < 40) {
    const day = Math.floor(rnd() * 21);
    if (day % 7 >= 5) continue;
    const h = 9 + rnd() * 9;
    posts.push(
      post(MONDAY + day * 86400 + (h - 8) * 3600, {
        text: 'Trump will save America，the election is rigged！',
        lang: 'en',
      }),
    );
  }
  return { posts };
}

describe('computeAccountSignals', () => {
  it('returns all six signals and a high suspicion for a planted persona, strongest first', () => {
    const s = computeAccountSignals({
      account: account({
        id: 'bot',
        handle: 'Jessica12345678',
        created_at: '2024-02-20T00:00:00Z',
        location: 'Texas, USA',
        followers: 3,
        following: 400,
      }),
      ...persona(),
      now: MONDAY + 21 * 86400,
    });
    expect(s.account_id).toBe('bot');
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A6'] as const)
      expect(s[id].value).toBeGreaterThan(0.5);
    expect(s.A5.applicable).toBe(false);
    expect(s.suspicion).toBeGreaterThan(0.9);
    expect([...s.top.slice(0, 2)].sort()).toEqual(['A3', 'A4']);
    expect(s.top).not.toContain('A5');
  });

  it('keeps an ordinary account near zero', () => {
    const rnd = prng(3);
    const posts = Array.from({ length: 30 }, () =>
      post(MONDAY + Math.floor(rnd() * 20) * 86400 + (20 + 6 + rnd() * 3) * 3600, {
        text: 'Watching the game tonight with friends',
      }),
    );
    const s = computeAccountSignals({
      account: account({ location: 'Dallas, TX' }),
      posts,
      now: MONDAY + 21 * 86400,
    });
    expect(s.suspicion).toBe(0);
    expect(s.top).toEqual([]);
  });

  it('combines by weighted noisy-OR', () => {
    const sig = (value: number) => ({ id: 'A1' as const, value, applicable: true, reason: '' });
    const w = DEFAULT_SIGNAL_PARAMS.weights;
    const all0 = { A1: sig(0), A2: sig(0), A3: sig(0), A4: sig(0), A5: sig(0), A6: sig(0), A7: sig(0) };
    expect(combineSignals(all0, w)).toBe(0);
    expect(combineSignals({ ...all0, A3: sig(1) }, w)).toBeCloseTo(0.6, 10);
    expect(combineSignals({ ...all0, A3: sig(1), A2: sig(1) }, w)).toBeCloseTo(1 - 0.4 * 0.6, 10);
  });

  it('takes overrides per section', () => {
    const p = withSignalParams({ a3: { min_posts: 50 }, weights: { A2: 0 } });
    expect(p.a3.min_posts).toBe(50);
    expect(p.a3.min_days).toBe(DEFAULT_SIGNAL_PARAMS.a3.min_days);
    expect(p.weights.A2).toBe(0);
    expect(p.weights.A3).toBe(DEFAULT_SIGNAL_PARAMS.weights.A3);
    const s = computeAccountSignals(
      { account: account({ handle: 'fo29904619' }), posts: [], now: 0 },
      p,
    );
    expect(s.A2.value).toBeGreaterThan(0.9);
    expect(s.suspicion).toBe(0);
  });

  it('is deterministic', () => {
    const input = {
      account: account({ handle: 'Jessica12345678', location: 'Texas' }),
      ...persona(),
      now: MONDAY,
    };
    expect(computeAccountSignals(input)).toEqual(computeAccountSignals(structuredClone(input)));
  });
});
