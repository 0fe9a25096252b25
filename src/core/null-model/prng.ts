/**
 * Seeded pseudo-random numbers for the pure core (null model, Louvain, simulation).
 * sfc32 seeded from a string/number hash: fast, small state, and good enough for
 * Monte-Carlo shuffles; never used for anything security-related.
 */
import { fmix32, fnv1a32 } from '../text/hash.ts';

export interface Rng {
  /** uniform in [0, 1) */
  (): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** standard normal (Box–Muller) */
  normal(): number;
  /** exponential with the given mean */
  exp(mean: number): number;
  /** pick one element */
  pick<T>(xs: readonly T[]): T;
  /** an independent stream derived from this seed and a label (does not advance this one) */
  fork(label: string | number): Rng;
}

/** 32-bit FNV-1a, then avalanche: turns any seed into well-spread state words. */
export function hashSeed(seed: string | number): number {
  return fmix32(fnv1a32(String(seed)));
}

export function createRng(seed: string | number): Rng {
  let a = hashSeed(`${seed}:a`);
  let b = hashSeed(`${seed}:b`);
  let c = hashSeed(`${seed}:c`);
  let d = hashSeed(`${seed}:d`) | 1;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // warm up: the first outputs of sfc32 are correlated with the seed words
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const rng = next as Rng;
  rng.int = (n) => Math.floor(next() * n);
  rng.normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  rng.exp = (mean) => {
    let u = 0;
    while (u === 0) u = next();
    return -Math.log(u) * mean;
  };
  rng.pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  rng.fork = (label) => createRng(`${seed}/${label}`);
  return rng;
}
