import type { AccountCluster } from '../cluster/index.ts';
import type { NullModelResult } from '../null-model/index.ts';
import type { ClusterFeatures } from './features.ts';
import { quantile } from './features.ts';
import type { PartName, ScoreParams, ScorePart } from './types.ts';

export interface PartInputs {
  cluster: AccountCluster;
  features: ClusterFeatures;
  nullModel: NullModelResult;
  kinds: string[];
  /** members' suspicion (0..1) where computed */
  suspicion: number[];
  /** share of the cluster's posts that match a narrative, null when narratives were not given */
  narrativeShare: number | null;
  topNarrative: string | null;
  /** members on the watchlist, null when no watchlist was given */
  watchlisted: number | null;
}

const clamp = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const r2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Rarity of an object shared by n accounts: 1 for a pair, ~0.1 for a thousand. */
export function rarityOf(n: number): number {
  return n <= 2 ? 1 : 1 / Math.log2(n);
}

export function computeParts(x: PartInputs, params: ScoreParams): ScorePart[] {
  const w = params.weights;
  const f = x.features;
  const n = x.cluster.members.length;
  const parts: ScorePart[] = [];
  const push = (name: PartName, value: number, reason: string) => {
    const v = r2(clamp(value) * 1000) / 1000;
    parts.push({ name, value: v, weight: w[name], contribution: r2(v * w[name]), reason });
  };

  // Ordinary people who happen to co-repost spend most of their time on other things;
  // accounts that exist to amplify spend much of theirs on the shared work. The typical
  // (median) member decides, so a few tight pairs do not carry a crowd; half of one's
  // activity is full evidence, since campaigns mix in cover posts.
  const coh = quantile(
    [...f.cohesion].sort((a, b) => a - b),
    0.5,
  );
  push(
    'cohesion',
    coh / params.cohesionFull,
    `the median member spends ${pct(coh)} of its posts on work shared with the members it is tied to (full evidence at ${pct(params.cohesionFull)}); ${Math.round(f.posts / Math.max(1, n))} posts per member`,
  );

  // Repetition across distinct objects: one co-action is a coincidence, ten are a habit.
  const sorted = [...f.sharedPerMember].sort((a, b) => a - b);
  const k = quantile(sorted, 0.5);
  push('repetition', k <= 1 ? 0 : (k - 1) / (k + 2), `the median member acted on ${k} distinct objects that other members also acted on (${f.shared.length} shared objects in all)`);

  // Rarity: what they share is not what everyone shares (a viral post says nothing).
  // a template weighs like a popular object: its sharers did not need each other to post it
  const rar = f.shared.length ? mean(f.shared.map((s) => (s.template ? 0 : Math.max(rarityOf(s.sharers), s.members / s.sharers)))) : 0;
  const templates = f.shared.filter((s) => s.template).length;
  const medSharers = quantile(
    f.shared.map((s) => s.sharers).sort((a, b) => a - b),
    0.5,
  );
  const medMembers = quantile(
    f.shared.map((s) => s.members).sort((a, b) => a - b),
    0.5,
  );
  push(
    'rarity',
    rar,
    f.shared.length
      ? `the shared objects were acted on by a median of ${medSharers} accounts in all, ${medMembers} of them in the group${templates ? `; ${templates} of them ${templates === 1 ? 'is a template text' : 'are template texts'} (share-button style, posted independently), weighed as popular` : ''}`
      : 'nothing shared by two members',
  );

  // two accounts in one cluster are linked by construction: density says something from three on
  push(
    'density',
    n > 2 ? x.cluster.density : 0,
    n > 2 ? `${x.cluster.pairs} of ${(n * (n - 1)) / 2} member pairs are linked (${pct(x.cluster.density)})` : 'a pair: linked by construction, no density evidence',
  );

  const within = f.gaps.length ? f.gaps.filter((g) => g <= params.window).length / f.gaps.length : 0;
  push(
    'tightness',
    within,
    f.gaps.length
      ? `${pct(within)} of the members' actions on shared objects came within ${params.window} s of another member's (median gap ${Math.round(quantile(f.gaps, 0.5))} s)`
      : 'no timed co-actions',
  );

  // Significance against timestamp-shuffled timelines, scaled by how large the excess is:
  // a z of 5 on two co-actions is not the same evidence as on two hundred.
  const nm = x.nullModel;
  const sig = nm.rounds ? clamp(Math.log10(1 / nm.p) / Math.log10(nm.rounds + 1)) : 0;
  const excess = clamp((nm.ratio - 1) / 3);
  push(
    'null_model',
    sig * excess,
    nm.rounds
      ? `${r2(nm.observed)} weighted co-actions within ${params.window} s against ${r2(nm.expected)} ± ${r2(nm.sd)} with each member's timeline shuffled (p = ${r2(nm.p)}, ${nm.rounds} rounds)`
      : 'no shared objects to test',
  );

  const kindCount = x.kinds.length;
  push('kinds', (kindCount - 1) / 2, `${kindCount} kind${kindCount === 1 ? '' : 's'} of co-action: ${x.kinds.join(', ')}`);

  push('size', 1 - Math.exp(-(n - 2) / 8), `${n} accounts`);

  const susp = mean(x.suspicion);
  push(
    'account_signals',
    susp,
    x.suspicion.length ? `members' mean account-signal suspicion is ${r2(susp)}` : 'account signals not computed',
  );

  if (x.narrativeShare !== null) {
    push(
      'narratives',
      x.narrativeShare * 2,
      x.topNarrative ? `${pct(x.narrativeShare)} of the posts match a narrative (mostly ${x.topNarrative})` : 'no narrative matched',
    );
  }
  if (x.watchlisted !== null) {
    push('watchlist', x.watchlisted / 2, `${x.watchlisted} member${x.watchlisted === 1 ? ' is' : 's are'} on the watchlist of confirmed accounts`);
  }
  return parts;
}
