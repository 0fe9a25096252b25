import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGNAL_PARAMS as P, personaDriftSignal } from '../../../src/core/signals/index.ts';
import type { AccountSighting } from '../../../src/core/signals/index.ts';
import { account, iso, post } from './helpers.ts';

function sighting(seen_at: string, over: Partial<AccountSighting> = {}): AccountSighting {
  return {
    seen_at,
    handle: 'john_smith',
    display_name: 'John Smith',
    bio: 'Dad. Texan.',
    lang: 'en',
    location: 'Texas',
    followers: 100,
    following: 120,
    ...over,
  };
}

const windowPosts = (n: number, lang = 'en', start = '2024-04-01T00:00:00Z') =>
  Array.from({ length: n }, (_, i) => post(iso(start) + i * 3600, { lang }));

describe('A5 persona drift', () => {
  it('reports handle and name changes with before and after', () => {
    const r = personaDriftSignal(
      {
        account: account({
          handle: 'fo29904619',
          display_name: 'Emma Watson',
          bio: 'Dad. Texan.',
          location: 'Texas',
        }),
        sightings: [sighting('2024-03-01T00:00:00Z'), sighting('2024-02-01T00:00:00Z')],
        posts: windowPosts(3),
        now: iso('2024-04-02T00:00:00Z'),
      },
      P,
    );
    expect(r.reason).toBe(
      'handle changed once ("john_smith" → "fo29904619"); display name changed once ("John Smith" → "Emma Watson")',
    );
    expect(r.value).toBeCloseTo(1 - 0.65 * 0.8, 3);
    expect(r.details?.changes).toMatchObject({
      handle: 1,
      display_name: 1,
      bio: 0,
      lang: 0,
      location: 0,
    });
  });

  it('treats a missing field as missing data, and handle case as no change', () => {
    const r = personaDriftSignal(
      {
        account: account({
          handle: 'John_Smith',
          display_name: 'John Smith',
          bio: null,
          location: null,
        }),
        sightings: [sighting('2024-03-01T00:00:00Z', { bio: null })],
        posts: windowPosts(2),
        now: 0,
      },
      P,
    );
    expect(r.value).toBe(0);
    expect(r.applicable).toBe(true);
    expect(r.reason).toContain('no profile change across 2 sightings');
  });

  it('counts repeated changes of one kind, up to a cap', () => {
    const sightings = ['a1', 'b2', 'c3', 'd4', 'e5'].map((h, i) =>
      sighting(`2024-0${i + 1}-01T00:00:00Z`, { handle: h }),
    );
    const r = personaDriftSignal(
      {
        account: account({
          handle: 'f6',
          display_name: 'John Smith',
          location: 'Texas',
          bio: 'Dad. Texan.',
        }),
        sightings,
        posts: [],
        now: 0,
      },
      P,
    );
    expect(r.reason).toContain('handle changed 5 times ("a1" → "f6")');
    expect(r.value).toBeCloseTo(1 - 0.65 ** 3, 3);
  });

  it('flags dormancy then a burst in another language', () => {
    const r = personaDriftSignal(
      {
        account: account({ display_name: 'John Smith', bio: 'Dad. Texan.', location: 'Texas' }),
        sightings: [sighting('2022-11-01T00:00:00Z', { lang: 'en' })],
        posts: windowPosts(12, 'zh', '2024-04-01T00:00:00Z'),
        now: iso('2024-04-02T00:00:00Z'),
      },
      P,
    );
    expect(r.reason).toContain(
      'silent 517 days (2022-11-01 → 2024-04-01), then 12 posts, now in "zh" (was "en")',
    );
    expect(r.details?.dormancy).toMatchObject({
      lang_before: 'en',
      lang_after: 'zh',
      posts_after: 12,
    });
    // the current profile's language (zh, from its posts) also differs from the sighting's
    expect(r.value).toBeGreaterThanOrEqual(0.8);
  });

  it('flags dormancy from prior activity alone, in the same language at a lower value', () => {
    const r = personaDriftSignal(
      {
        account: account(),
        prior_activity: [iso('2023-01-01T00:00:00Z'), iso('2023-01-05T00:00:00Z')],
        posts: windowPosts(8),
        now: 0,
      },
      P,
    );
    expect(r.value).toBe(P.a5.dormancy_value);
    expect(r.reason).toMatch(/^silent \d+ days \(2023-01-05 → 2024-04-01\), then 8 posts$/);
  });

  it('needs a burst after the silence, and a long enough silence', () => {
    const few = personaDriftSignal(
      {
        account: account(),
        prior_activity: [iso('2023-01-01T00:00:00Z')],
        posts: windowPosts(3),
        now: 0,
      },
      P,
    );
    expect(few.value).toBe(0);
    const short = personaDriftSignal(
      {
        account: account(),
        prior_activity: [iso('2024-02-01T00:00:00Z')],
        posts: windowPosts(30),
        now: 0,
      },
      P,
    );
    expect(short.value).toBe(0);
  });

  it('is not applicable with no history beyond a short window', () => {
    const r = personaDriftSignal({ account: account(), posts: windowPosts(20), now: 0 }, P);
    expect(r).toMatchObject({ value: 0, applicable: false });
  });
});
