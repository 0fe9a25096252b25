import type { SignalParams } from './params.ts';
import { claimedZone, formatOffset, formatZone } from './timezones.ts';
import type { ClaimedZone } from './timezones.ts';
import type { AccountSignalInput, SignalResult } from './types.ts';
import { DAY, pct, postTimes, quote, ramp, realPosts, round } from './util.ts';

/**
 * A3 compares two stories for an account's posting times:
 *  - it lives where it says: a human waking day (or an office day) in the claimed zone;
 *  - it works elsewhere: an office day (weekdays 09:00–18:00) or a human day at an offset
 *    far from the claimed one.
 * The mean log-likelihood ratio per post says how much better the second story fits.
 */

// Share of a person's posts by local hour (evening peak, 03–05 trough), from published
// diurnal Twitter activity curves, rounded.
const HUMAN_HOURLY = [
  0.04, 0.027, 0.018, 0.012, 0.009, 0.009, 0.014, 0.024, 0.035, 0.042, 0.046, 0.048, 0.05, 0.05,
  0.05, 0.05, 0.051, 0.053, 0.056, 0.06, 0.064, 0.066, 0.063, 0.053,
];
const HUMAN_SUM = HUMAN_HOURLY.reduce((a, b) => a + b, 0);
// Individuals vary far more than the population curve (night owls, shift workers): a
// uniform share keeps any one person's odd hours from looking impossible.
const HUMAN_UNIFORM = 0.1;
const LOG_HUMAN = HUMAN_HOURLY.map((h) =>
  Math.log(((1 - HUMAN_UNIFORM) * (h / HUMAN_SUM) + HUMAN_UNIFORM / 24) / 7),
);

const OFFICE_START = 9;
const OFFICE_END = 18; // exclusive
const OFFICE_MASS = 0.85;
const OFFICE_SLOTS = 5 * (OFFICE_END - OFFICE_START);
const LOG_OFFICE_IN = Math.log(OFFICE_MASS / OFFICE_SLOTS);
const LOG_OFFICE_OUT = Math.log((1 - OFFICE_MASS) / (168 - OFFICE_SLOTS));

const SHRINK_POSTS = 3;
const NIGHT_END = 7; // 00:00–06:59 local counts as night

const CANDIDATE_OFFSETS: number[] = [];
for (let o = -12; o <= 14; o++) CANDIDATE_OFFSETS.push(o);
CANDIDATE_OFFSETS.push(3.5, 4.5, 5.5);

interface Slot {
  /** 0 = Sunday */
  weekday: number;
  hour: number;
}

function slotAt(t: number, offsetHours: number): Slot {
  const local = t + offsetHours * 3600;
  const days = Math.floor(local / DAY);
  // 1970-01-01 was a Thursday.
  const weekday = (((days + 4) % 7) + 7) % 7;
  const hour = Math.floor((local - days * DAY) / 3600);
  return { weekday, hour: hour < 0 ? 0 : hour > 23 ? 23 : hour };
}

function isOffice(s: Slot): boolean {
  return s.weekday >= 1 && s.weekday <= 5 && s.hour >= OFFICE_START && s.hour < OFFICE_END;
}

interface Fit {
  offset: number;
  profile: 'office' | 'day';
  ll: number;
}

function fitsAt(times: readonly number[], offset: number): Fit[] {
  let human = 0;
  let office = 0;
  for (const t of times) {
    const s = slotAt(t, offset);
    human += LOG_HUMAN[s.hour];
    office += isOffice(s) ? LOG_OFFICE_IN : LOG_OFFICE_OUT;
  }
  return [
    { offset, profile: 'day', ll: human },
    { offset, profile: 'office', ll: office },
  ];
}

function best(fits: Fit[]): Fit | null {
  let b: Fit | null = null;
  for (const f of fits) if (!b || f.ll > b.ll) b = f;
  return b;
}

function hh(h: number): string {
  const m = ((h % 24) + 24) % 24;
  const whole = Math.floor(m);
  return `${String(whole).padStart(2, '0')}:${String(Math.round((m - whole) * 60)).padStart(2, '0')}`;
}

function share(times: readonly number[], offset: number, pred: (s: Slot) => boolean): number {
  if (times.length === 0) return 0;
  let n = 0;
  for (const t of times) if (pred(slotAt(t, offset))) n++;
  return n / times.length;
}

/** A3: posting hours against the claimed location's time zone. */
export function activityHoursSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const p = params.a3;
  const zone: ClaimedZone | null = claimedZone(input.account?.location);
  if (!zone) {
    const loc = input.account?.location;
    return {
      id: 'A3',
      value: 0,
      applicable: false,
      reason:
        typeof loc === 'string' && loc.trim() !== ''
          ? `location ${quote(loc)} names no known time zone`
          : 'no location',
    };
  }
  const times = postTimes(realPosts(input.posts));
  const days = new Set(times.map((t) => Math.floor(t / DAY))).size;
  const claim = `claims ${zone.place} (${formatZone(zone)})`;
  if (times.length < p.min_posts || days < p.min_days) {
    return {
      id: 'A3',
      value: 0,
      applicable: false,
      reason: `${claim}; ${times.length} posts on ${days} days are too few to show a daily rhythm (needs ${p.min_posts} posts on ${p.min_days} days)`,
      details: { claimed: zone.place, posts: times.length, days },
    };
  }
  const claimFit = best(zone.offsets.flatMap((o) => fitsAt(times, o)))!;
  const far = CANDIDATE_OFFSETS.filter((o) =>
    zone.offsets.every((c) => Math.abs(o - c) >= p.min_offset_gap_hours),
  );
  const altFit = best(far.flatMap((o) => fitsAt(times, o)).filter((f) => f.profile === 'office'));
  const n = times.length;
  // A few pseudo-posts of no evidence shrink the mean for small samples, where the best of
  // ~30 alternative offsets fits noise.
  const meanLlr = altFit ? (altFit.ll - claimFit.ll) / (n + SHRINK_POSTS) : -Infinity;
  const value = ramp(meanLlr, p.llr_start, p.llr_full);

  const homeNight = Math.min(
    ...zone.offsets.map((o) => share(times, o, (s) => s.hour < NIGHT_END)),
  );
  const details: Record<string, unknown> = {
    claimed: zone.place,
    claimed_offsets: zone.offsets,
    posts: n,
    days,
    night_share_claimed: round(homeNight, 3),
  };
  if (!altFit || value <= 0) {
    return {
      id: 'A3',
      value: 0,
      applicable: true,
      reason: `${claim}; ${n} posts on ${days} days fit a day there (${pct(homeNight)} at 00:00–07:00 local)`,
      details: { ...details, mean_llr: Number.isFinite(meanLlr) ? round(meanLlr, 3) : null },
    };
  }
  const alt = formatOffset(altFit.offset);
  const ratio = Math.exp(Math.min(meanLlr, 20));
  let reason: string;
  if (altFit.profile === 'office') {
    const office = share(times, altFit.offset, isOffice);
    const from = hh(OFFICE_START - altFit.offset + zone.primary);
    const to = hh(OFFICE_END - altFit.offset + zone.primary);
    reason =
      `${claim} but ${pct(office)} of ${n} posts fall 09:00–18:00 ${alt} on weekdays ` +
      `(${from}–${to} ${zone.offsets.length > 2 ? 'US Central time' : `in ${zone.place}`}); the hours fit an office day at ${alt} ${round(ratio, 1)}× better per post than a day in ${zone.place}`;
    details.office_share = round(office, 3);
  } else {
    reason =
      `${claim} but ${pct(homeNight)} of ${n} posts fall 00:00–07:00 there; ` +
      `the hours fit a waking day at ${alt} ${round(ratio, 1)}× better per post than one in ${zone.place}`;
  }
  return {
    id: 'A3',
    value: round(value, 3),
    applicable: true,
    reason,
    details: {
      ...details,
      best_offset: altFit.offset,
      profile: altFit.profile,
      mean_llr: round(meanLlr, 3),
    },
  };
}
