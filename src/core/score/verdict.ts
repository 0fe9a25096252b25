import type { ClusterFeatures } from './features.ts';
import { quantile } from './features.ts';
import type { ClusterEvidence, ScorePart, Severity } from './types.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** "the same post" / "the same 6 posts" */
const same = (n: number, one: string) => (n === 1 ? `the same ${one}` : `the same ${n} ${one}s`);

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** One sentence saying why: what they shared, how tightly, how much of their activity it is, and how unlikely by chance. */
export function verdictOf(
  size: number,
  f: ClusterFeatures,
  ev: ClusterEvidence,
  parts: ScorePart[],
  total: number,
  severity: Severity,
  similarPairs: number,
): string {
  const count = (prefix: string) => f.shared.filter((s) => s.key.startsWith(prefix)).length;
  const what: string[] = [];
  const rp = count('r:');
  const tx = count('t:');
  const ln = count('u:');
  const hs = count('h:');
  const medSharers = quantile(
    f.shared.map((s) => s.sharers).sort((a, b) => a - b),
    0.5,
  );
  if (rp) what.push(`reposted ${same(rp, 'post')}`);
  if (tx) what.push(`posted ${same(tx, 'text')}`);
  if (similarPairs && !tx) what.push(`posted near-same texts (${plural(similarPairs, 'pair')})`);
  if (ln) what.push(`pushed ${same(ln, 'link')}`);
  if (hs) what.push(`used ${same(hs, 'hashtag sequence')}`);
  if (!what.length) what.push('acted alike');
  const rarity = f.shared.length ? ` (a median of ${medSharers} accounts in all acted on each)` : '';
  const timing = ev.dt.count
    ? ev.dt.median <= 120
      ? `, a median ${duration(ev.dt.median)} apart`
      : ev.span
        ? ` over ${duration(ev.span.end - ev.span.start)}`
        : ''
    : '';
  const part = (n: string) => parts.find((p) => p.name === n);
  const coh = quantile(
    [...f.cohesion].sort((a, b) => a - b),
    0.5,
  );
  const cohText = coh >= 0.1 ? `; for the median member that is ${Math.round(coh * 100)}% of what it posts` : '';
  const nm = part('null_model');
  const nmText = nm && nm.value >= 0.3 ? `, far more often than their shuffled timelines give` : '';
  return `${plural(size, 'account')} ${what.join(', ')}${rarity}${timing}${nmText}${cohText} — score ${total} (${severity}).`;
}
