/**
 * Defensive helpers: account and post fields come from hostile input, and the typed shapes
 * are only a promise. Every signal goes through these so it stays total on junk.
 */
import type { CorePost } from '../types.ts';

export const DAY = 86_400;

export function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

export function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Linear ramp: 0 at or below `start`, 1 at or above `full`. */
export function ramp(x: number, start: number, full: number): number {
  if (!(full > start)) return x >= full ? 1 : 0;
  return clamp01((x - start) / (full - start));
}

export function pct(x: number): string {
  return `${Math.round(clamp01(x) * 100)}%`;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// Dates outside ±100M days throw in toISOString; keep well inside.
const MAX_EPOCH_S = 8.64e12;

/** 'YYYY-MM-DD' of an epoch-seconds time in UTC, or null when out of range. */
export function utcDay(t: number): string | null {
  if (!Number.isFinite(t) || Math.abs(t) > MAX_EPOCH_S) return null;
  return new Date(t * 1000).toISOString().slice(0, 10);
}

export function utcStamp(t: number): string {
  if (!Number.isFinite(t) || Math.abs(t) > MAX_EPOCH_S) return 'an unreadable time';
  return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** ISO-8601 string to epoch seconds, or null. */
export function parseIso(x: unknown): number | null {
  if (typeof x !== 'string' || x.length > 64) return null;
  const ms = Date.parse(x);
  if (!Number.isFinite(ms)) return null;
  const t = ms / 1000;
  return Math.abs(t) > MAX_EPOCH_S ? null : t;
}

/** The posts that are objects at all; everything else in the list is ignored. */
export function realPosts(posts: unknown): CorePost[] {
  if (!Array.isArray(posts)) return [];
  const out: CorePost[] = [];
  for (const p of posts) if (p !== null && typeof p === 'object') out.push(p as CorePost);
  return out;
}

/** Finite post times (epoch seconds), sorted ascending. */
export function postTimes(posts: readonly CorePost[]): number[] {
  const ts: number[] = [];
  for (const p of posts) {
    const t = num(p.t);
    if (t !== null && Math.abs(t) <= MAX_EPOCH_S) ts.push(t);
  }
  return ts.sort((a, b) => a - b);
}

// Control, format (zero-width, bidi overrides), surrogates, private use, unassigned.
const UNSAFE = /[\p{C}]/gu;

/**
 * A user-supplied string made safe to show inside a reason: no control or bidi characters
 * (a handle must not reorder the analyst's text), at most `max` code points, quoted.
 */
export function quote(x: unknown, max = 40): string {
  const s = str(x);
  if (s === null) return 'none';
  const clean = s.slice(0, max * 4).replace(UNSAFE, '');
  const cps = Array.from(clean);
  const shown = cps.length > max ? cps.slice(0, max).join('') + '…' : clean;
  return `"${shown}"`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Integer with thousands separators, without Intl. */
export function int(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
