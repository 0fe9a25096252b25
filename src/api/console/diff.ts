import { html } from './html.ts';
import type { SafeHtml } from './html.ts';

const MAX_TOKENS = 400;

/**
 * Two near-same texts side by side with the words that differ marked: an LCS over
 * whitespace-separated tokens (texts are post-sized; longer ones are cut).
 */
export function wordDiff(a: string, b: string): [SafeHtml, SafeHtml] {
  const ta = a.split(/(\s+)/).slice(0, MAX_TOKENS * 2);
  const tb = b.split(/(\s+)/).slice(0, MAX_TOKENS * 2);
  const wa = ta.filter((_, i) => i % 2 === 0);
  const wb = tb.filter((_, i) => i % 2 === 0);
  const n = wa.length;
  const m = wb.length;
  const L: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[i]![j] = wa[i] === wb[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    }
  }
  const keepA = new Array<boolean>(n).fill(false);
  const keepB = new Array<boolean>(m).fill(false);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (wa[i] === wb[j]) {
      keepA[i++] = true;
      keepB[j++] = true;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) i++;
    else j++;
  }
  const paint = (tokens: string[], keep: boolean[]) =>
    html`${tokens.map((t, k) => (k % 2 === 1 ? t : keep[k / 2] ? t : html`<mark>${t}</mark>`))}`;
  return [paint(ta, keepA), paint(tb, keepB)];
}
