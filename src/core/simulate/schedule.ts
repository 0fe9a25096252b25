import type { Rng } from '../null-model/prng.ts';
import { hashSeed } from '../null-model/prng.ts';
import { fmix32 } from '../text/hash.ts';
import type { Schedule } from './accounts.ts';

export const HOUR = 3600;
export const DAY = 86400;

/** Relative posting intensity by local hour for people (mean 1): quiet nights, busy evenings. */
const DIURNAL_RAW = [0.35, 0.2, 0.1, 0.06, 0.05, 0.08, 0.25, 0.55, 0.8, 0.9, 0.95, 1.0, 1.1, 1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 1.4, 1.5, 1.45, 1.1, 0.7];
const DIURNAL_MEAN = DIURNAL_RAW.reduce((a, b) => a + b, 0) / 24;
export const DIURNAL = DIURNAL_RAW.map((x) => x / DIURNAL_MEAN);

/** Intensity (mean ≈ 1 over a week) of a schedule in the UTC hour starting at t. */
export function intensity(s: Schedule, t: number): number {
  const local = t + s.tz * HOUR;
  const hour = Math.floor(local / HOUR) % 24;
  if (s.kind === 'human') return DIURNAL[(hour + 24) % 24];
  const weekday = (Math.floor(local / DAY) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const working = weekday >= 1 && weekday <= 5 && hour >= 9 && hour < 18;
  // 45 working hours a week carry the whole week's activity, plus a trickle off-hours
  return working ? (168 / 45) * 0.97 : 0.03;
}

/** A random moment inside the schedule's active hours, within [from, to). */
export function activeMoment(rng: Rng, s: Schedule, from: number, to: number): number {
  for (let tries = 0; tries < 200; tries++) {
    const t = from + rng() * (to - from);
    const w = intensity(s, Math.floor(t / HOUR) * HOUR);
    if (rng() * 4 < w) return Math.floor(t);
  }
  return Math.floor(from + rng() * (to - from));
}

export function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}

/** Pareto weight ≥ 1 with tail index alpha: a few posts get most of the attention. */
export function pareto(rng: Rng, alpha: number): number {
  return Math.pow(1 - rng(), -1 / alpha);
}

/** 64-bit-ish post id from a namespace and counters: unique, neutral, deterministic. */
export function postId(...parts: (string | number)[]): string {
  const k = parts.join(':');
  return hashSeed(`p1:${k}`).toString(16).padStart(8, '0') + hashSeed(`p2:${k}`).toString(16).padStart(8, '0');
}

const mix32 = fmix32;

/** The same kind of id for the millions of ambient posts, without building strings to hash. */
export function counterId(salt: number, n: number): string {
  const hi = mix32(n ^ salt);
  const lo = mix32((n + 0x9e3779b9) ^ Math.imul(salt, 31));
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

let isoDay = NaN;
let isoPrefix = '';
const pad2 = (x: number) => (x < 10 ? `0${x}` : String(x));

/** ISO-8601 UTC to the second; the date part is cached because posts come in time order. */
export function iso(t: number): string {
  const s = Math.floor(t);
  const day = Math.floor(s / DAY);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = new Date(day * DAY * 1000).toISOString().slice(0, 11);
  }
  const r = s - day * DAY;
  return `${isoPrefix}${pad2(Math.floor(r / 3600))}:${pad2(Math.floor((r % 3600) / 60))}:${pad2(r % 60)}Z`;
}
