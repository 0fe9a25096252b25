import { describe, expect, it } from 'vitest';
import {
  claimedZone,
  computeAccountSignals,
  creationBursts,
} from '../../../src/core/signals/index.ts';
import type { AccountSignalInput, AccountSignals } from '../../../src/core/signals/index.ts';
import { hostileString, hugeString, iso, junk, maybe, prng } from './helpers.ts';
import { corePost } from '../../helpers/posts.ts';

const IDS = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'] as const;
/** C0 controls other than tab/newline, zero-width and bidi controls. */
function hasUnsafeChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      (c < 0x20 && c !== 0x09 && c !== 0x0a) ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    )
      return true;
  }
  return false;
}

function checkShape(s: AccountSignals): void {
  for (const id of IDS) {
    const r = s[id];
    expect(r.id).toBe(id);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.value).toBeLessThanOrEqual(1);
    expect(typeof r.reason).toBe('string');
    expect(r.reason.length).toBeGreaterThan(0);
    expect(r.reason.length).toBeLessThan(1000);
    // user text inside reasons is sanitised
    expect(hasUnsafeChar(r.reason)).toBe(false);
    expect(r.reason).not.toContain('could not be computed');
  }
  expect(s.suspicion).toBeGreaterThanOrEqual(0);
  expect(s.suspicion).toBeLessThanOrEqual(1);
}

function randomInput(rnd: () => number): AccountSignalInput {
  const t0 = iso('2024-01-01T00:00:00Z');
  const nPosts = Math.floor(rnd() * 30);
  const posts = Array.from({ length: nPosts }, (_, i) =>
    rnd() < 0.1
      ? junk(rnd)
      : {
          key: maybe(rnd, `k${i}`),
          account: maybe(rnd, 'a'),
          t: maybe(rnd, t0 + Math.floor(rnd() * 30 * 86400)),
          text: rnd() < 0.02 ? hugeString(rnd) : maybe(rnd, hostileString(rnd)),
          lang: maybe(rnd, rnd() < 0.5 ? 'en' : hostileString(rnd, 3)),
          urls: maybe(rnd, []),
          hashtags: maybe(rnd, []),
          mentions: maybe(rnd, []),
          repost_of: maybe(rnd, null),
          reply_to: maybe(rnd, null),
          media_hashes: maybe(rnd, []),
        },
  );
  const sightings = Array.from({ length: Math.floor(rnd() * 4) }, () =>
    rnd() < 0.1
      ? junk(rnd)
      : {
          seen_at: maybe(rnd, '2023-01-01T00:00:00Z'),
          handle: maybe(rnd, hostileString(rnd)),
          display_name: maybe(rnd, hostileString(rnd)),
          bio: maybe(rnd, hostileString(rnd)),
          lang: maybe(rnd, hostileString(rnd, 2)),
          location: maybe(rnd, hostileString(rnd)),
          followers: maybe(rnd, 10),
          following: maybe(rnd, 1000),
        },
  );
  return {
    account:
      rnd() < 0.05
        ? (junk(rnd) as never)
        : ({
            id: maybe(rnd, 'acc'),
            handle: maybe(rnd, hostileString(rnd) + '12345678'),
            display_name: maybe(rnd, hostileString(rnd)),
            bio: maybe(rnd, hostileString(rnd)),
            created_at: maybe(rnd, '2023-12-25T00:00:00Z'),
            followers: maybe(rnd, Math.floor(rnd() * 100)),
            following: maybe(rnd, Math.floor(rnd() * 5000)),
            location: maybe(rnd, rnd() < 0.5 ? 'Texas ' + hostileString(rnd) : hostileString(rnd)),
            avatar_hash: maybe(rnd, null),
          } as never),
    posts: (rnd() < 0.05 ? junk(rnd) : posts) as never,
    sightings: (rnd() < 0.1 ? junk(rnd) : sightings) as never,
    prior_activity: (rnd() < 0.3 ? [junk(rnd), t0 - 400 * 86400] : undefined) as never,
    now: maybe(rnd, t0) as never,
    window: (rnd() < 0.3
      ? { start: maybe(rnd, t0), end: maybe(rnd, t0 + 86400) }
      : undefined) as never,
  };
}

describe('account signals on hostile input', () => {
  it('stay total and in range on 300 random junk inputs (seeded)', () => {
    const rnd = prng(20240401);
    for (let i = 0; i < 300; i++) checkShape(computeAccountSignals(randomInput(rnd)));
  });

  it('handle a 100 KB post, empty text and a post list of nulls', () => {
    const rnd = prng(5);
    const big = corePost({ key: 'k', account: 'a', t: iso('2024-01-01T00:00:00Z'), text: hugeString(rnd), lang: 'en' });
    const s = computeAccountSignals({
      account: { id: 'a' } as never,
      posts: [big, { ...big, text: '' }, null, undefined] as never,
      now: 0,
    });
    checkShape(s);
    expect(s.A4.details?.latin_posts).toBe(1);
  });

  it('survive a missing input entirely', () => {
    checkShape(computeAccountSignals(undefined as never));
    checkShape(computeAccountSignals({} as never));
  });

  it('creationBursts and claimedZone accept junk', () => {
    const rnd = prng(9);
    const accounts = Array.from({ length: 200 }, () =>
      rnd() < 0.2
        ? junk(rnd)
        : { id: maybe(rnd, 'x'), created_at: maybe(rnd, '2020-01-01T00:00:00Z') },
    );
    expect(() => creationBursts(accounts as never)).not.toThrow();
    expect(() => creationBursts(null as never)).not.toThrow();
    for (let i = 0; i < 200; i++)
      expect(() => claimedZone(maybe(rnd, hostileString(rnd)))).not.toThrow();
  });
});
