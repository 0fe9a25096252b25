import { describe, expect, it } from 'vitest';
import {
  accountAgeSignal,
  accountBurst,
  creationBursts,
  DEFAULT_SIGNAL_PARAMS as P,
} from '../../../src/core/signals/index.ts';
import { account, iso, post, prng } from './helpers.ts';

const now = iso('2024-04-01T12:00:00Z');

describe('A1 account age', () => {
  it('scores an account created days before posting as fully suspicious, with the age in the reason', () => {
    const r = accountAgeSignal(
      {
        account: account({ created_at: '2024-03-29T00:00:00Z' }),
        posts: [post('2024-04-01T10:00:00Z')],
        now,
      },
      P,
    );
    expect(r.value).toBe(1);
    expect(r.applicable).toBe(true);
    expect(r.reason).toContain('created 2024-03-29, 3 days before its first post in the window');
  });

  it('decays with age: a month-old account scores between a new and a year-old one', () => {
    const at = (created: string) =>
      accountAgeSignal(
        { account: account({ created_at: created }), posts: [post('2024-04-01T00:00:00Z')], now },
        P,
      ).value;
    const month = at('2024-03-01T00:00:00Z');
    expect(month).toBeGreaterThan(0.4);
    expect(month).toBeLessThan(0.8);
    expect(at('2023-01-01T00:00:00Z')).toBe(0);
    expect(at('2012-01-01T00:00:00Z')).toBe(0);
  });

  it('uses the first post in the window, not now', () => {
    const r = accountAgeSignal(
      {
        account: account({ created_at: '2024-01-01T00:00:00Z' }),
        posts: [post('2024-03-31T00:00:00Z'), post('2024-01-03T00:00:00Z')],
        now,
      },
      P,
    );
    expect(r.details?.age_days).toBe(2);
  });

  it('falls back to now without posts', () => {
    const r = accountAgeSignal(
      { account: account({ created_at: '2024-03-31T12:00:00Z' }), posts: [], now },
      P,
    );
    expect(r.value).toBe(1);
    expect(r.reason).toContain('24 hours before now');
  });

  it('is not applicable without a creation date, and flags inconsistent data instead of scoring it', () => {
    expect(
      accountAgeSignal({ account: account({ created_at: null }), posts: [], now }, P),
    ).toMatchObject({ value: 0, applicable: false });
    const r = accountAgeSignal(
      {
        account: account({ created_at: '2025-01-01T00:00:00Z' }),
        posts: [post('2024-04-01T00:00:00Z')],
        now,
      },
      P,
    );
    expect(r).toMatchObject({ value: 0, applicable: false });
    expect(r.reason).toContain('inconsistent');
  });
});

describe('A1 creation bursts', () => {
  // 1,000 accounts spread over 2010–2016 (about 0.46 a day) plus a planted batch.
  function population(batch: number, seed = 7) {
    const rnd = prng(seed);
    const start = iso('2010-01-01T00:00:00Z');
    const out = Array.from({ length: 1000 }, (_, i) => ({
      id: `org${i}`,
      created_at: new Date(
        (start + Math.floor(rnd() * 6 * 365) * 86400 + 3600) * 1000,
      ).toISOString(),
    }));
    for (let i = 0; i < batch; i++)
      out.push({ id: `bot${i}`, created_at: `2014-07-15T0${i % 10}:1${i % 6}:00Z` });
    return out;
  }

  it('finds a day on which 12 accounts were created among 1,000 spread over six years', () => {
    const bursts = creationBursts(population(12), P.a1);
    expect([...bursts.keys()]).toEqual(['2014-07-15']);
    const ids = bursts.get('2014-07-15')!;
    expect(ids.filter((id) => id.startsWith('bot'))).toHaveLength(12);
  });

  it('does not call ordinary coincidences bursts', () => {
    // Organic days hold at most a handful; none passes the Poisson test.
    expect(creationBursts(population(0), P.a1).size).toBe(0);
  });

  it('needs the minimum number of accounts even in a tiny set', () => {
    const few = [1, 2, 3, 4].map((i) => ({ id: `a${i}`, created_at: '2020-02-02T00:00:00Z' }));
    expect(creationBursts(few, P.a1).size).toBe(0);
    const five = [...few, { id: 'a5', created_at: '2020-02-02T23:00:00Z' }];
    expect([...creationBursts(five, P.a1).keys()]).toEqual(['2020-02-02']);
  });

  it('counts an account once however often it appears, and ignores unreadable dates', () => {
    const same = Array.from({ length: 10 }, () => ({
      id: 'dup',
      created_at: '2020-02-02T00:00:00Z',
    }));
    const bad = [
      { id: 'x', created_at: 'yesterday' },
      { id: 'y', created_at: null },
    ];
    expect(creationBursts([...same, ...bad], P.a1).size).toBe(0);
  });

  it('raises A1 for burst members and says so', () => {
    const bursts = creationBursts(population(12), P.a1);
    const member = account({ id: 'bot3', created_at: '2014-07-15T03:13:00Z' });
    expect(accountBurst(member, bursts)).toEqual({ day: '2014-07-15', size: 12 });
    const r = accountAgeSignal(
      { account: member, posts: [post('2016-10-01T00:00:00Z')], now, bursts },
      P,
    );
    expect(r.value).toBeGreaterThanOrEqual(0.6);
    expect(r.reason).toContain('one of 12 accounts in this set created that day (creation burst)');
    const outsider = accountAgeSignal(
      {
        account: account({ id: 'org1', created_at: '2014-07-15T05:00:00Z' }),
        posts: [post('2016-10-01T00:00:00Z')],
        now,
        bursts,
      },
      P,
    );
    expect(outsider.value).toBe(0);
  });
});
