import type { CanonicalAccount, CorePost } from '../types.ts';
import type { SignalParams } from './params.ts';

export type AccountSignalId = 'A1' | 'A2' | 'A3' | 'A4' | 'A5' | 'A6' | 'A7';

/** One account signal: how suspicious (0..1) and why, in words with numbers. */
export interface SignalResult {
  id: AccountSignalId;
  /** 0 = nothing suspicious (or nothing to judge), 1 = as suspicious as this signal gets */
  value: number;
  /**
   * false when the input carries too little to judge (no created_at, too few posts, no
   * sightings…); the value is then 0 and the reason says what was missing. Scorers should
   * not read "not applicable" as "looks authentic".
   */
  applicable: boolean;
  reason: string;
  details?: Record<string, unknown>;
}

/** A snapshot of an account's profile as seen at some earlier time (for A5). */
export interface AccountSighting {
  /** ISO-8601 UTC */
  seen_at: string;
  handle: string | null;
  display_name: string | null;
  bio: string | null;
  /** main posting language at that time, where known */
  lang: string | null;
  location: string | null;
  followers: number | null;
  following: number | null;
}

export interface AccountSignalInput {
  account: CanonicalAccount;
  /** the account's posts in the window (other accounts' posts are ignored) */
  posts: readonly CorePost[];
  /** earlier profile snapshots, any order */
  sightings?: readonly AccountSighting[];
  /** epoch seconds of earlier activity known from outside the window (A5 dormancy) */
  prior_activity?: readonly number[];
  /** epoch seconds; the reference time when there are no posts */
  now: number;
  /** epoch seconds, [start, end) of the window the posts come from */
  window?: { start: number; end: number };
  /** result of creationBursts() over the accounts seen together with this one (A1) */
  bursts?: ReadonlyMap<string, readonly string[]>;
  /** A7, computed over all the accounts seen together (personaGroups → personaGroupSignal) */
  persona?: SignalResult;
}

export interface AccountSignals {
  account_id: string;
  A1: SignalResult;
  A2: SignalResult;
  A3: SignalResult;
  A4: SignalResult;
  A5: SignalResult;
  A6: SignalResult;
  /** persona across platforms (absent from records made before A7) */
  A7: SignalResult;
  /** noisy-OR of the weighted signals, 0..1 (see combineSignals) */
  suspicion: number;
  /** signals in order of their weighted contribution, strongest first, for explanations */
  top: AccountSignalId[];
}

export type { SignalParams };
