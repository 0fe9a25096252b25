import { INDEX_KINDS } from '../edges/kinds/index.ts';
import { same } from '../edges/kinds/types.ts';
import type { ClusterFeatures } from './features.ts';
import { quantile } from './features.ts';
import type { ClusterEvidence, ScorePart, Severity } from './types.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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
  extra: { exclusive: number; capped: number | null } = { exclusive: 0, capped: null },
): string {
  const count = (prefix: string) => f.shared.filter((s) => s.key.startsWith(prefix) && !s.template).length;
  const what: string[] = [];
  const tx = count('t:');
  const templates = f.shared.filter((s) => s.template).length;
  // each kind with objects in the index says what its shared objects were (edges/kinds/)
  for (const { index } of INDEX_KINDS) {
    const k = count(index.prefix);
    if (k) what.push(index.describe(k));
    if (index.prefix === 't:') {
      if (similarPairs && !tx) what.push(`posted near-same texts (${plural(similarPairs, 'pair')})`);
      if (templates) what.push(`posted ${same(templates, 'template text')} (share-button style, each at its own time)`);
    }
  }
  const medSharers = quantile(
    f.shared.map((s) => s.sharers).sort((a, b) => a - b),
    0.5,
  );
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
  const who =
    size === 2 && extra.exclusive > 0
      ? `a pair: 2 accounts sharing ${plural(extra.exclusive, 'object')} no one else shared;`
      : plural(size, 'account');
  const cap = extra.capped !== null ? `; nothing corroborates the sharing (timing within chance, common objects, plain accounts), so ${extra.capped} points are held below medium` : '';
  return `${who} ${what.join(', ')}${rarity}${timing}${nmText}${cohText}${cap} — score ${total} (${severity}).`;
}
