import { accountAgeSignal } from './a1-account-age.ts';
import { handleSignal } from './a2-handle.ts';
import { activityHoursSignal } from './a3-activity-hours.ts';
import { languageSignal } from './a4-language.ts';
import { personaDriftSignal } from './a5-persona-drift.ts';
import { audienceSignal } from './a6-audience.ts';
import { DEFAULT_SIGNAL_PARAMS } from './params.ts';
import type { SignalParams } from './params.ts';
import type { AccountSignalId, AccountSignalInput, AccountSignals, SignalResult } from './types.ts';
import { clamp01, round, str } from './util.ts';

const IDS: AccountSignalId[] = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'];

/**
 * Noisy-OR of the weighted signals: suspicion = 1 − Π (1 − w_i · v_i).
 * Independent tells accumulate (two moderate ones beat one), a single weak tell stays low,
 * and no signal alone reaches 1: a weight is the most one signal can contribute (A3 at 1
 * gives 0.6). Signals that are not applicable have value 0 and add nothing.
 */
export function combineSignals(
  signals: Record<AccountSignalId, SignalResult>,
  weights: Record<AccountSignalId, number>,
): number {
  let keep = 1;
  for (const id of IDS) keep *= 1 - clamp01(weights[id] ?? 0) * clamp01(signals[id]?.value ?? 0);
  return clamp01(1 - keep);
}

function guarded(id: AccountSignalId, fn: () => SignalResult): SignalResult {
  // Signals are written to be total; this is the last line so one bad record cannot stop a scan.
  try {
    return fn();
  } catch (err) {
    const msg = err instanceof Error ? err.name : 'error';
    return { id, value: 0, applicable: false, reason: `could not be computed (${msg})` };
  }
}

/** All seven account signals for one account, and their combination. */
export function computeAccountSignals(
  input: AccountSignalInput,
  params: SignalParams = DEFAULT_SIGNAL_PARAMS,
): AccountSignals {
  const safe: AccountSignalInput =
    input && typeof input === 'object'
      ? input
      : ({ posts: [], now: 0 } as unknown as AccountSignalInput);
  const s: Record<AccountSignalId, SignalResult> = {
    A1: guarded('A1', () => accountAgeSignal(safe, params)),
    A2: guarded('A2', () => handleSignal(safe, params)),
    A3: guarded('A3', () => activityHoursSignal(safe, params)),
    A4: guarded('A4', () => languageSignal(safe, params)),
    A5: guarded('A5', () => personaDriftSignal(safe, params)),
    A6: guarded('A6', () => audienceSignal(safe, params)),
    // A7 needs the other platforms' accounts: the caller computes it over all of them
    A7: safe.persona ?? { id: 'A7', value: 0, applicable: false, reason: 'no accounts of other platforms were seen with it' },
  };
  const top = IDS.filter((id) => s[id].value > 0).sort(
    (a, b) => params.weights[b] * s[b].value - params.weights[a] * s[a].value || (a < b ? -1 : 1),
  );
  return {
    account_id: str(safe.account?.id) ?? '',
    ...s,
    suspicion: round(combineSignals(s, params.weights), 4),
    top,
  };
}
