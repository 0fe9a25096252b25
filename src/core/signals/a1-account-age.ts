import type { CanonicalAccount } from '../types.ts';
import { DEFAULT_SIGNAL_PARAMS } from './params.ts';
import type { SignalParams } from './params.ts';
import type { AccountSignalInput, SignalResult } from './types.ts';
import { DAY, clamp01, int, parseIso, postTimes, realPosts, round, str, utcDay } from './util.ts';

type BurstParams = Pick<
  SignalParams['a1'],
  'burst_min_accounts' | 'burst_alpha' | 'burst_local_days'
>;

// A random set of accounts has creation dates spread over years; a tiny set all made on one
// day must not look "normal" just because its own span is one day.
const MIN_SPAN_DAYS = 365;
// Neighbouring days excluded from the local rate, so a burst spread over a few days does
// not raise its own baseline.
const LOCAL_GAP_DAYS = 3;

/** ln P(X >= k) for X ~ Poisson(lambda), summed in log space (k small, lambda small). */
function logPoissonTail(k: number, lambda: number): number {
  if (k <= 0) return 0;
  if (!(lambda > 0)) return -Infinity;
  let logFact = 0;
  for (let i = 2; i <= k; i++) logFact += Math.log(i);
  let logTerm = -lambda + k * Math.log(lambda) - logFact;
  let acc = logTerm;
  for (let i = k + 1; i < k + 400; i++) {
    logTerm += Math.log(lambda) - Math.log(i);
    const next = Math.max(acc, logTerm) + Math.log1p(Math.exp(-Math.abs(acc - logTerm)));
    if (next - acc < 1e-12) break;
    acc = next;
  }
  return Math.min(0, acc);
}

/**
 * Days on which unusually many of the given accounts were created: at least
 * `burst_min_accounts`, and a count that a Poisson model of the set's creation rate
 * (the larger of the global rate and the rate in the surrounding weeks) makes unlikely
 * after a Bonferroni correction over the days spanned. Keys are UTC days (YYYY-MM-DD) in
 * order; values the account ids created that day, sorted.
 */
export function creationBursts(
  accounts: readonly Pick<CanonicalAccount, 'id' | 'created_at'>[],
  params: BurstParams = DEFAULT_SIGNAL_PARAMS.a1,
): Map<string, string[]> {
  const dayOf = new Map<string, number>();
  for (const a of Array.isArray(accounts) ? accounts : []) {
    if (a === null || typeof a !== 'object') continue;
    const id = str(a.id);
    const t = parseIso(a.created_at);
    if (id === null || t === null || dayOf.has(id)) continue;
    dayOf.set(id, Math.floor(t / DAY));
  }
  const byDay = new Map<number, string[]>();
  for (const [id, d] of dayOf) {
    const list = byDay.get(d);
    if (list) list.push(id);
    else byDay.set(d, [id]);
  }
  const out = new Map<string, string[]>();
  const n = dayOf.size;
  if (n === 0) return out;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const span = Math.max(MIN_SPAN_DAYS, days[days.length - 1] - days[0] + 1);
  const globalRate = n / span;
  const minAccounts = Math.max(2, params.burst_min_accounts);
  const localDays = Math.max(LOCAL_GAP_DAYS + 1, params.burst_local_days);
  const logAlpha = Math.log(params.burst_alpha) - Math.log(span);
  for (const d of days) {
    const ids = byDay.get(d)!;
    if (ids.length < minAccounts) continue;
    let near = 0;
    for (let e = d - localDays; e <= d + localDays; e++) {
      if (Math.abs(e - d) <= LOCAL_GAP_DAYS) continue;
      near += byDay.get(e)?.length ?? 0;
    }
    const localRate = near / (2 * (localDays - LOCAL_GAP_DAYS));
    const lambda = Math.max(globalRate, localRate);
    if (logPoissonTail(ids.length, lambda) > logAlpha) continue;
    const key = utcDay(d * DAY);
    if (key !== null) out.set(key, [...ids].sort());
  }
  return out;
}

/** The burst (day and size) an account belongs to, if any. */
export function accountBurst(
  account: Pick<CanonicalAccount, 'id' | 'created_at'>,
  bursts: ReadonlyMap<string, readonly string[]> | undefined,
): { day: string; size: number } | null {
  if (!bursts || !account) return null;
  const t = parseIso(account.created_at);
  if (t === null) return null;
  const day = utcDay(t);
  if (day === null) return null;
  const ids = bursts.get(day);
  if (!ids || !ids.includes(account.id)) return null;
  return { day, size: ids.length };
}

function ageValue(ageDays: number, p: SignalParams['a1']): number {
  if (ageDays <= p.young_days) return 1;
  if (ageDays >= p.old_days) return 0;
  return clamp01(1 - Math.log(ageDays / p.young_days) / Math.log(p.old_days / p.young_days));
}

/** A1: young accounts at posting time, and membership of a creation burst. */
export function accountAgeSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const p = params.a1;
  const account = input.account ?? ({} as CanonicalAccount);
  const created = parseIso(account.created_at);
  if (created === null) {
    return { id: 'A1', value: 0, applicable: false, reason: 'no readable creation date' };
  }
  const times = postTimes(realPosts(input.posts));
  const at = times.length > 0 ? times[0] : Number.isFinite(input.now) ? input.now : created;
  const atWhat = times.length > 0 ? 'its first post in the window' : 'now';
  const ageDays = (at - created) / DAY;
  const createdDay = utcDay(created) ?? 'an unreadable date';
  if (ageDays < -1) {
    return {
      id: 'A1',
      value: 0,
      applicable: false,
      reason: `creation date ${createdDay} is after ${atWhat}; the profile data is inconsistent`,
      details: { created_at: createdDay, age_days: round(ageDays, 1) },
    };
  }
  const age = Math.max(0, ageDays);
  const av = ageValue(age, p);
  const burst = accountBurst(account, input.bursts);
  const bv = burst
    ? 0.6 + 0.4 * clamp01((burst.size - p.burst_min_accounts) / (3 * p.burst_min_accounts))
    : 0;
  const value = clamp01(1 - (1 - av) * (1 - bv));
  const ageWords = age < 2 ? `${round(age * 24, 0)} hours` : `${int(age)} days`;
  let reason = `created ${createdDay}, ${ageWords} before ${atWhat}`;
  if (av >= 1) reason += ` (at most ${p.young_days} days old)`;
  if (burst)
    reason += `; one of ${burst.size} accounts in this set created that day (creation burst)`;
  return {
    id: 'A1',
    value: round(value, 3),
    applicable: true,
    reason,
    details: { created_at: createdDay, age_days: round(age, 2), age_value: round(av, 3), burst },
  };
}
