/**
 * Timestamp parsing for every input format, strict about impossible dates (Date.UTC silently rolls
 * 2016-13-45 into 2017; we refuse it). Naive wall-clock times are placed in a caller-given IANA
 * zone with Intl — no time-zone package.
 */

const ZONE_ABBREVIATIONS: Record<string, number> = {
  Z: 0,
  UT: 0,
  UTC: 0,
  GMT: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  CET: 60,
  CEST: 120,
  MSK: 180,
};

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$/;
// 10/1/17 19:58 (spreadsheet-mangled FiveThirtyEight), 09/26/2016 21:00:00 EDT (Pitt panel), 10/1/2017 7:58:00 PM
const US_RE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$/;
// Wed Oct 10 20:19:24 +0000 2018 (Twitter API v1.1)
const TWITTER_RE =
  /^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (\d{4})$/;
// Sun, 21 Feb 2021 14:32:19 +0000 (RFC 2822)
const RFC2822_RE =
  /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** NaN unless every component is in range */
function utcMs(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  if (h > 23 || mi > 59 || s > 59) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** minutes east of UTC; NaN for an unknown zone, null when absent */
function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === '') return null;
  const c = zone.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) {
    const digits = zone.slice(1).replace(':', '');
    const h = Number(digits.slice(0, 2));
    const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (h > 14 || m > 59) return NaN;
    return (c === 0x2d ? -1 : 1) * (h * 60 + m);
  }
  const known = ZONE_ABBREVIATIONS[zone.toUpperCase()];
  return known === undefined ? NaN : known;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** true if Intl knows the zone */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** local time minus UTC, in ms, at instant `at`. Zone rules change on quarter hours, so results are cached per quarter hour. */
function zoneOffsetAt(tz: string, at: number): number {
  let cache = offsetCache.get(tz);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(tz, cache);
  }
  const bucket = Math.floor(at / QUARTER_HOUR);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const t = bucket * QUARTER_HOUR;
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of formatterFor(tz).formatToParts(new Date(t))) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
    }
  }
  const off = Date.UTC(y, mo - 1, d, h, mi, s) - t;
  if (cache.size > 100_000) cache.clear();
  cache.set(bucket, off);
  return off;
}

/** A wall-clock time in `tz` (given as if it were UTC) → the UTC instant. */
export function zonedToUtc(localAsUtc: number, tz: string): number {
  const o1 = zoneOffsetAt(tz, localAsUtc);
  let utc = localAsUtc - o1;
  const o2 = zoneOffsetAt(tz, utc);
  if (o2 !== o1) utc = localAsUtc - o2;
  return utc;
}

function place(local: number, zone: string | undefined, tz: string | null): number {
  if (Number.isNaN(local)) return NaN;
  const off = zoneOffsetMinutes(zone);
  if (off === null) return tz === null || tz === 'UTC' ? local : zonedToUtc(local, tz);
  return Number.isNaN(off) ? NaN : local - off * 60_000;
}

function fractionMs(frac: string | undefined): number {
  if (frac === undefined) return 0;
  return Number((frac + '00').slice(0, 3));
}

function twoDigitYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  // Spreadsheet pivot: 00–29 → 2000s, 30–99 → 1900s (then rejected as before 2000).
  return n < 30 ? 2000 + n : 1900 + n;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** `YYYY-MM-DDTHH:MM:SSZ` exactly, the canonical form: parsed without a regex. NaN otherwise. */
export function parseCanonicalIso(s: string): number {
  if (s.length !== 20 || s.charCodeAt(19) !== 0x5a) return NaN;
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54) return NaN;
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return NaN;
  const y = num4(s, 0);
  const mo = num2(s, 5);
  const d = num2(s, 8);
  const h = num2(s, 11);
  const mi = num2(s, 14);
  const sec = num2(s, 17);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return NaN;
  return utcMs(y, mo, d, h, mi, sec, 0);
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 0x30;
  return c >= 0 && c <= 9 ? c : -1000;
}

function num2(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

function num4(s: string, i: number): number {
  return digit(s, i) * 1000 + digit(s, i + 1) * 100 + digit(s, i + 2) * 10 + digit(s, i + 3);
}

/**
 * Epoch ms of a timestamp in any supported form, NaN if unparseable or impossible.
 * Numbers (and digit strings) are epoch seconds, or epoch ms when ≥ 1e11.
 * `tz` places naive wall-clock times; an explicit offset or zone abbreviation wins over it.
 */
export function parseTimestamp(value: unknown, tz: string | null): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NaN;
    return Math.abs(value) < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string') return NaN;
  const fast = parseCanonicalIso(value);
  if (!Number.isNaN(fast)) return fast;
  const s = value.trim();
  if (s.length === 0 || s.length > 64) return NaN;
  if (isDigits(s)) return parseTimestamp(Number(s), tz);
  const dot = s.indexOf('.');
  if (dot > 0 && isDigits(s.slice(0, dot)) && isDigits(s.slice(dot + 1)))
    return parseTimestamp(Number(s), tz);
  let m = ISO_RE.exec(s);
  if (m !== null) {
    const local = utcMs(
      +m[1],
      +m[2],
      +m[3],
      m[4] === undefined ? 0 : +m[4],
      m[5] === undefined ? 0 : +m[5],
      m[6] === undefined ? 0 : +m[6],
      fractionMs(m[7]),
    );
    return place(local, m[8], tz);
  }
  m = US_RE.exec(s);
  if (m !== null) {
    let h = m[4] === undefined ? 0 : +m[4];
    if (m[7] !== undefined) {
      if (h < 1 || h > 12) return NaN;
      const pm = m[7].toLowerCase() === 'pm';
      h = (h % 12) + (pm ? 12 : 0);
    }
    const local = utcMs(
      twoDigitYear(m[3]),
      +m[1],
      +m[2],
      h,
      m[5] === undefined ? 0 : +m[5],
      m[6] === undefined ? 0 : +m[6],
      0,
    );
    return place(local, m[8], tz);
  }
  m = TWITTER_RE.exec(s);
  if (m !== null) {
    const mo = MONTHS[m[1].toLowerCase()];
    if (mo === undefined) return NaN;
    return place(utcMs(+m[7], mo, +m[2], +m[3], +m[4], +m[5], 0), m[6], tz);
  }
  m = RFC2822_RE.exec(s);
  if (m !== null) {
    const mo = MONTHS[m[2].toLowerCase()];
    if (mo === undefined) return NaN;
    return place(
      utcMs(+m[3], mo, +m[1], +m[4], +m[5], m[6] === undefined ? 0 : +m[6], 0),
      m[7],
      tz,
    );
  }
  return NaN;
}

const PAD2: string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const DAY_MS = 86_400_000;
// Date#toISOString costs more than the rest of a CSV row; the date part is cached (records come
// roughly in time order) and the time part is assembled from a table.
let cachedDay = Number.NaN;
let cachedPrefix = '';

/** Canonical ISO-8601 UTC: `YYYY-MM-DDTHH:MM:SSZ`, milliseconds only when not zero. */
export function formatIso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    // years outside 0000–9999 have a longer form: leave those to Date entirely
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedPrefix = iso.slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  const base = `${cachedPrefix}${PAD2[hour]}:${PAD2[min]}:${PAD2[sec]}`;
  return milli === 0 ? `${base}Z` : `${base}.${String(milli).padStart(3, '0')}Z`;
}
