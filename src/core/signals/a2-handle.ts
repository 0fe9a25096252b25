import type { SignalParams } from './params.ts';
import type { AccountSignalInput, SignalResult } from './types.ts';
import { pct, quote, ramp, round, str } from './util.ts';

export interface HandleShape {
  /** longest run of decimal digits */
  digit_run: number;
  digit_ratio: number;
  /** letters immediately followed by the long digit run, nothing else: Twitter's auto-assigned form */
  default_shape: boolean;
  /** a separator (_ . -) right before the digit run, as people write name_1234 */
  separated: boolean;
  value: number;
}

const MAX_HANDLE = 64;

/** Shape of a handle: how much it looks auto-assigned (letters + a long digit run). */
export function handleShape(handle: string, p: SignalParams['a2']): HandleShape {
  const cps = Array.from(handle.replace(/^@+/, '').slice(0, MAX_HANDLE * 2)).slice(0, MAX_HANDLE);
  let digits = 0;
  let run = 0;
  let best = 0;
  let bestEnd = -1;
  for (let i = 0; i < cps.length; i++) {
    if (/^\p{Nd}$/u.test(cps[i])) {
      digits++;
      run++;
      if (run > best) {
        best = run;
        bestEnd = i;
      }
    } else run = 0;
  }
  const ratio = cps.length === 0 ? 0 : digits / cps.length;
  const s = cps.join('');
  const defaultShape = best >= p.strong_digit_run && /^[A-Za-z]{1,15}[0-9]+$/.test(s);
  const before = bestEnd >= 0 ? cps[bestEnd - best] : undefined;
  const separated = before === '_' || before === '.' || before === '-';

  let runValue = 0;
  if (best >= p.min_digit_run) {
    runValue =
      best >= p.strong_digit_run
        ? 0.9
        : 0.25 + 0.65 * ramp(best, p.min_digit_run, p.strong_digit_run);
    if (defaultShape) runValue = 0.95;
    // Auto-assigned handles never contain separators; people who add numbers often do.
    if (separated) runValue = best > p.min_digit_run ? runValue * 0.5 : 0;
  }
  // Digits scattered through a handle (a1b2c3d4) with no long run.
  const ratioValue =
    digits >= p.min_digit_run && ratio >= 0.6 ? 0.2 + 0.6 * ramp(ratio, 0.6, 1) : 0;
  return {
    digit_run: best,
    digit_ratio: ratio,
    default_shape: defaultShape,
    separated,
    value: Math.max(runValue, ratioValue),
  };
}

/** A2: default-looking handle. */
export function handleSignal(input: AccountSignalInput, params: SignalParams): SignalResult {
  const handle = str(input.account?.handle);
  if (handle === null || handle.trim() === '') {
    return { id: 'A2', value: 0, applicable: false, reason: 'no handle' };
  }
  const shape = handleShape(handle, params.a2);
  const q = quote(handle, 30);
  let reason: string;
  if (shape.default_shape) {
    reason = `handle ${q} is letters + a ${shape.digit_run}-digit run (digits ${pct(shape.digit_ratio)}), the shape of an auto-assigned handle`;
  } else if (shape.value > 0) {
    const parts = [`a ${shape.digit_run}-digit run`];
    if (shape.separated) parts.push('after a separator, as people write them');
    reason = `handle ${q} has ${parts.join(' ')} (digits ${pct(shape.digit_ratio)})`;
  } else {
    reason = `handle ${q} looks chosen (longest digit run ${shape.digit_run}, digits ${pct(shape.digit_ratio)})`;
  }
  return {
    id: 'A2',
    value: round(shape.value, 3),
    applicable: true,
    reason,
    details: {
      digit_run: shape.digit_run,
      digit_ratio: round(shape.digit_ratio, 3),
      default_shape: shape.default_shape,
      separated: shape.separated,
    },
  };
}
