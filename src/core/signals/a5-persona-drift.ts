import type { SignalParams } from './params.ts';
import type { AccountSighting, AccountSignalInput, SignalResult } from './types.ts';
import {
  DAY,
  clamp01,
  int,
  num,
  parseIso,
  postTimes,
  quote,
  realPosts,
  round,
  str,
  utcDay,
} from './util.ts';

type Field = 'handle' | 'display_name' | 'bio' | 'lang' | 'location';
const FIELDS: Field[] = ['handle', 'display_name', 'bio', 'lang', 'location'];
const FIELD_WORDS: Record<Field, string> = {
  handle: 'handle',
  display_name: 'display name',
  bio: 'bio',
  lang: 'language',
  location: 'location',
};
// Beyond this many changes of one kind, more say nothing new.
const MAX_COUNTED_CHANGES = 3;

interface Snapshot {
  t: number;
  values: Record<Field, string | null>;
  shown: Record<Field, string | null>;
}

// norm() is pure and profile fields repeat on every post of an account: a bounded memo per field.
const NORM_MEMO_LIMIT = 100_000;
const normMemo = new Map<Field, Map<string, string | null>>();

function norm(field: Field, x: unknown): string | null {
  const s = str(x);
  if (s === null) return null;
  let memo = normMemo.get(field);
  if (!memo) normMemo.set(field, (memo = new Map()));
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  const v = normUncached(field, s);
  if (memo.size >= NORM_MEMO_LIMIT) memo.clear();
  memo.set(s, v);
  return v;
}

function normUncached(field: Field, s: string): string | null {
  let v = s
    .slice(0, 2000)
    .normalize('NFKC')
    .replace(/[\p{C}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (field === 'handle') v = v.replace(/^@+/, '').toLowerCase(); // handles are case-insensitive
  if (field === 'lang') v = v.toLowerCase().split(/[-_]/)[0];
  if (field === 'location') v = v.toLowerCase();
  return v === '' || (field === 'lang' && v === 'und') ? null : v;
}

function snapshot(t: number, src: Partial<Record<Field, unknown>>): Snapshot {
  const values = {} as Record<Field, string | null>;
  const shown = {} as Record<Field, string | null>;
  for (const f of FIELDS) {
    values[f] = norm(f, src[f]);
    shown[f] = str(src[f]);
  }
  return { t, values, shown };
}

function mainLang(langs: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const l of langs) {
    const v = norm('lang', l);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best: string | null = null;
  let n = 0;
  for (const [k, c] of counts)
    if (c > n || (c === n && best !== null && k < best)) [best, n] = [k, c];
  return best;
}

/** A5: profile changes between sightings, and dormancy followed by reactivation. */
export function personaDriftSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const p = params.a5;
  const posts = realPosts(input.posts);
  const times = postTimes(posts);
  const rawSightings: AccountSighting[] = Array.isArray(input.sightings)
    ? input.sightings.filter((s): s is AccountSighting => s !== null && typeof s === 'object')
    : [];
  const snaps: Snapshot[] = [];
  for (const s of rawSightings) {
    const t = parseIso(s.seen_at);
    if (t !== null) snaps.push(snapshot(t, s));
  }
  snaps.sort((a, b) => a.t - b.t);
  const account = input.account ?? null;
  const nowT = times.length
    ? times[times.length - 1]
    : (num(input.now) ?? (snaps.length ? snaps[snaps.length - 1].t : 0));
  const past = [...snaps];
  const hasAccount = account !== null && typeof account === 'object';
  if (hasAccount) {
    snaps.push(
      snapshot(Math.max(nowT, snaps.length ? snaps[snaps.length - 1].t : nowT), {
        ...account,
        lang: mainLang(posts.map((x) => str(x.lang))),
      }),
    );
  }

  // Profile changes between consecutive snapshots; a field that is missing on one side is
  // missing data, not a change.
  const changes: Record<Field, { count: number; from: string | null; to: string | null }> = {
    handle: { count: 0, from: null, to: null },
    display_name: { count: 0, from: null, to: null },
    bio: { count: 0, from: null, to: null },
    lang: { count: 0, from: null, to: null },
    location: { count: 0, from: null, to: null },
  };
  const lastSeen: Partial<Record<Field, { v: string; shown: string | null }>> = {};
  for (const s of snaps) {
    for (const f of FIELDS) {
      const v = s.values[f];
      if (v === null) continue;
      const prev = lastSeen[f];
      if (prev && prev.v !== v) {
        const c = changes[f];
        if (c.count === 0) c.from = prev.shown;
        c.count++;
        c.to = s.shown[f];
      }
      lastSeen[f] = { v, shown: s.shown[f] };
    }
  }
  let keep = 1;
  const parts: string[] = [];
  for (const f of FIELDS) {
    const c = changes[f];
    if (c.count === 0) continue;
    keep *= (1 - p.change_weights[f]) ** Math.min(c.count, MAX_COUNTED_CHANGES);
    const times_ = c.count === 1 ? 'once' : `${c.count} times`;
    const fromTo = f === 'bio' ? '' : ` (${quote(c.from, 30)} → ${quote(c.to, 30)})`;
    parts.push(`${FIELD_WORDS[f]} changed ${times_}${fromTo}`);
  }
  const driftValue = 1 - keep;

  // Dormancy: the longest silence of at least dormancy_days in everything we know of the
  // account's activity, followed by enough posts in the window.
  const activity: number[] = [...times];
  for (const s of past) activity.push(s.t);
  if (Array.isArray(input.prior_activity)) {
    for (const a of input.prior_activity) {
      const t = num(a);
      if (t !== null && Math.abs(t) <= 8.64e12) activity.push(t);
    }
  }
  activity.sort((a, b) => a - b);
  let gapStart = 0;
  let gapEnd = 0;
  for (let i = 1; i < activity.length; i++) {
    if (activity[i] - activity[i - 1] > gapEnd - gapStart) {
      gapStart = activity[i - 1];
      gapEnd = activity[i];
    }
  }
  const gapDays = (gapEnd - gapStart) / DAY;
  let dormancyValue = 0;
  let dormancy: Record<string, unknown> | null = null;
  if (gapDays >= p.dormancy_days) {
    const after = posts.filter((x) => num(x.t) !== null && x.t >= gapEnd);
    if (after.length >= p.reactivation_min_posts) {
      const langAfter = mainLang(after.map((x) => str(x.lang)));
      const beforeLangs = posts
        .filter((x) => num(x.t) !== null && x.t <= gapStart)
        .map((x) => str(x.lang));
      for (const s of past) if (s.t <= gapStart) beforeLangs.push(s.values.lang);
      const langBefore = mainLang(beforeLangs);
      const newLang = langAfter !== null && langBefore !== null && langAfter !== langBefore;
      dormancyValue = newLang ? p.dormancy_new_lang_value : p.dormancy_value;
      const lang = newLang ? `, now in ${quote(langAfter, 8)} (was ${quote(langBefore, 8)})` : '';
      parts.push(
        `silent ${int(gapDays)} days (${utcDay(gapStart) ?? '?'} → ${utcDay(gapEnd) ?? '?'}), then ${after.length} posts${lang}`,
      );
      dormancy = {
        gap_days: round(gapDays, 1),
        from: utcDay(gapStart),
        to: utcDay(gapEnd),
        posts_after: after.length,
        lang_before: langBefore,
        lang_after: langAfter,
      };
    }
  }

  const sightings = past.length;
  const spanDays = activity.length > 1 ? (activity[activity.length - 1] - activity[0]) / DAY : 0;
  const applicable = sightings > 0 || spanDays >= p.dormancy_days;
  const value = clamp01(1 - (1 - driftValue) * (1 - dormancyValue));
  let reason: string;
  if (parts.length) reason = parts.join('; ');
  else if (!applicable)
    reason = 'no earlier sightings and too short a history to judge drift or dormancy';
  else
    reason = `no profile change across ${snaps.length} sightings and no silence of ${p.dormancy_days}+ days followed by a burst`;
  return {
    id: 'A5',
    value: round(value, 3),
    applicable,
    reason,
    details: {
      sightings,
      changes: Object.fromEntries(FIELDS.map((f) => [f, changes[f].count])),
      longest_gap_days: round(gapDays, 1),
      dormancy,
    },
  };
}
