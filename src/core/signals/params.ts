import type { AccountSignalId } from './types.ts';

/** Thresholds for the account signals. Plain data so it can live in versioned config. */
export interface SignalParams {
  a1: {
    /** an account this young (days) at its first post in the window scores 1 */
    young_days: number;
    /** an account this old (days) scores 0; log-linear in between */
    old_days: number;
    /** a creation day needs at least this many accounts to be a burst */
    burst_min_accounts: number;
    /** …and must be this unlikely under a Poisson model of the set's creation rate (Bonferroni over days) */
    burst_alpha: number;
    /** half-width (days) of the neighbourhood used for the local creation rate */
    burst_local_days: number;
  };
  a2: {
    /** digit run at which a handle looks auto-assigned (Twitter appends 8 digits) */
    strong_digit_run: number;
    /** shortest digit run that counts at all (4-digit runs are usually years or PINs) */
    min_digit_run: number;
  };
  a3: {
    /** fewer posts than this say nothing about a daily rhythm */
    min_posts: number;
    /** distinct UTC days with posts; a 90-minute debate window is not a rhythm */
    min_days: number;
    /** alternative offsets must be at least this many hours from the claimed zone */
    min_offset_gap_hours: number;
    /** mean log-likelihood ratio per post (office day elsewhere vs human day at home) at which the value starts / saturates */
    llr_start: number;
    llr_full: number;
  };
  a4: {
    /** share of latin-script posts with CJK artefacts at which the artefact part saturates */
    artefact_share_full: number;
    /** artefact posts needed before the artefact part can reach 1 */
    artefact_count_full: number;
    /** posts with a known language needed to judge switching */
    min_lang_posts: number;
    /** share of posts outside the main language at which the switch part saturates */
    switch_share_full: number;
    /** ceiling of the switch part: bilingual people are common */
    switch_max: number;
  };
  a5: {
    /** a silence this long (days) followed by activity is a dormancy */
    dormancy_days: number;
    /** posts after the silence needed to call it a reactivation */
    reactivation_min_posts: number;
    /** per-kind weights of a profile change (noisy-OR) */
    change_weights: {
      handle: number;
      display_name: number;
      bio: number;
      lang: number;
      location: number;
    };
    /** value of a dormancy followed by reactivation, and of a reactivation in another language */
    dormancy_value: number;
    dormancy_new_lang_value: number;
  };
  a6: {
    /** following must be at least this before the ratio means anything */
    min_following: number;
    /** following/followers ratio where the ratio part starts and saturates */
    ratio_start: number;
    ratio_full: number;
    /** posts per day (sustained) where the rate part reaches 0.5; it starts at half and saturates at double */
    rate_per_day: number;
    /** shortest span (days, window or activity) over which a daily rate is measured */
    min_rate_days: number;
    /** own posts (not reposts) in one minute that count as a burst minute */
    same_minute_posts: number;
    /** burst minutes needed before bursts count */
    min_burst_minutes: number;
  };
  /** weight of each signal in the noisy-OR combination */
  weights: Record<AccountSignalId, number>;
}

export const DEFAULT_SIGNAL_PARAMS: SignalParams = {
  a1: {
    young_days: 7,
    old_days: 365,
    burst_min_accounts: 5,
    burst_alpha: 0.01,
    burst_local_days: 45,
  },
  a2: { strong_digit_run: 8, min_digit_run: 5 },
  a3: { min_posts: 10, min_days: 3, min_offset_gap_hours: 5, llr_start: 0.6, llr_full: 1.1 },
  a4: {
    artefact_share_full: 0.3,
    artefact_count_full: 3,
    min_lang_posts: 5,
    switch_share_full: 0.5,
    switch_max: 0.5,
  },
  a5: {
    dormancy_days: 90,
    reactivation_min_posts: 5,
    change_weights: { handle: 0.35, display_name: 0.2, bio: 0.1, lang: 0.35, location: 0.25 },
    dormancy_value: 0.5,
    dormancy_new_lang_value: 0.8,
  },
  a6: {
    min_following: 100,
    ratio_start: 3,
    ratio_full: 100,
    rate_per_day: 100,
    min_rate_days: 1,
    same_minute_posts: 6,
    min_burst_minutes: 3,
  },
  // A3 and A4 are the most specific to foreign operations; A1/A2 are common among real users.
  // A7 is the weakest: one person cross-posting to two platforms is a persona group too, so a
  // persona group alone (0.3 at most) never reaches the corroboration bar of a mean suspicion of
  // 0.5; it adds to other tells, and carries a verdict on one member to its other platforms.
  weights: { A1: 0.35, A2: 0.4, A3: 0.6, A4: 0.6, A5: 0.5, A6: 0.45, A7: 0.3 },
};

export type SignalParamsOverrides = {
  [K in keyof SignalParams]?: Partial<SignalParams[K]>;
};

/** Defaults with per-section overrides (one level deep; change_weights replaced whole). */
export function withSignalParams(overrides: SignalParamsOverrides = {}): SignalParams {
  const d = DEFAULT_SIGNAL_PARAMS;
  return {
    a1: { ...d.a1, ...overrides.a1 },
    a2: { ...d.a2, ...overrides.a2 },
    a3: { ...d.a3, ...overrides.a3 },
    a4: { ...d.a4, ...overrides.a4 },
    a5: { ...d.a5, ...overrides.a5 },
    a6: { ...d.a6, ...overrides.a6 },
    weights: { ...d.weights, ...overrides.weights },
  };
}
