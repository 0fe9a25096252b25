import { describe, expect, it } from 'vitest';
import { formatIso, parseTimestamp, zonedToUtc } from '../../../src/ingest/read/timestamps.ts';

const iso = (v: unknown, tz: string | null = null): string | null => {
  const ms = parseTimestamp(v, tz);
  return Number.isNaN(ms) ? null : formatIso(ms);
};

describe('timestamps', () => {
  it.each([
    ['2016-10-10T08:46:00Z', '2016-10-10T08:46:00Z'],
    ['2021-09-22T16:38:35.000Z', '2021-09-22T16:38:35Z'],
    ['2021-09-22T16:38:35.25Z', '2021-09-22T16:38:35.250Z'],
    ['2024-04-01T08:00:00-04:00', '2024-04-01T12:00:00Z'],
    ['2024-04-01T08:00:00+0530', '2024-04-01T02:30:00Z'],
    ['2017-09-07 19:52:00', '2017-09-07T19:52:00Z'], // IRA per-author, naive UTC
    ['10/1/17 19:58', '2017-10-01T19:58:00Z'], // spreadsheet-mangled FiveThirtyEight
    ['09/26/2016 21:00:00 EDT', '2016-09-27T01:00:00Z'], // Pitt panel
    ['10/1/2017 7:58:00 PM', '2017-10-01T19:58:00Z'],
    ['10/1/2017 12:05:00 AM', '2017-10-01T00:05:00Z'],
    ['Wed Oct 10 20:19:24 +0000 2018', '2018-10-10T20:19:24Z'], // v1.1
    ['Sun, 21 Feb 2021 14:32:19 +0000', '2021-02-21T14:32:19Z'],
    ['1476089160', '2016-10-10T08:46:00Z'], // CNT epoch seconds
    ['1476089160.5', '2016-10-10T08:46:00.500Z'],
    [1476089160000, '2016-10-10T08:46:00Z'], // epoch ms
    ['2016-02-29', '2016-02-29T00:00:00Z'],
  ])('%s → %s', (input, out) => {
    expect(iso(input)).toBe(out);
  });

  it.each([
    '2016-13-45',
    '2015-02-29 10:00:00',
    '2016-04-31T00:00:00Z',
    '2016-10-10T24:00:00Z',
    '2016-10-10T10:60:00Z',
    '13/1/17 10:00',
    '10/1/17 13:00 PM',
    'yesterday',
    '',
    '2016-10-10T10:00:00 XYZ',
    'Wed Foo 10 20:19:24 +0000 2018',
    {},
    null,
    Number.NaN,
  ])('refuses %j', (input) => {
    expect(iso(input)).toBeNull();
  });

  it('naive times in a zone follow its daylight saving rules', () => {
    expect(iso('2016-09-26 21:00:00', 'America/New_York')).toBe('2016-09-27T01:00:00Z'); // EDT
    expect(iso('2016-12-26 21:00:00', 'America/New_York')).toBe('2016-12-27T02:00:00Z'); // EST
    expect(iso('2016-11-06 01:30:00', 'America/New_York')).toMatch(/^2016-11-06T0[56]:30:00Z$/); // repeated hour: either is right
    expect(iso('2016-10-01 12:00:00', 'Asia/Kolkata')).toBe('2016-10-01T06:30:00Z');
    expect(iso('2016-10-01 12:00:00', 'UTC')).toBe('2016-10-01T12:00:00Z');
    // an explicit offset wins over the zone
    expect(iso('2016-10-01T12:00:00Z', 'America/New_York')).toBe('2016-10-01T12:00:00Z');
    expect(zonedToUtc(Date.UTC(2016, 2, 13, 12), 'America/Los_Angeles')).toBe(
      Date.UTC(2016, 2, 13, 19),
    );
  });
});
