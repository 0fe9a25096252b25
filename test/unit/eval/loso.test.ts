import { describe, expect, it } from 'vitest';
import { bestPoint, leaveOneSetOut, losoTable, positivePredicate } from '../../../src/core/eval/index.ts';
import type { HarnessGrid, LabelRow, SetRuns, SlimCluster } from '../../../src/core/eval/index.ts';

function cluster(id: string, members: string[], score: number): SlimCluster {
  return { id, members, size: members.length, score: { total: score }, memberDetails: members.map((account) => ({ account, cohesion: 0.5 })) };
}

/** A set whose labels make one threshold best; its clusters are the same at both analyses. */
function set(name: string, positives: string[], negatives: string[], clusters: SlimCluster[]): SetRuns {
  const labels = new Map<string, LabelRow>();
  for (const a of positives) labels.set(a, { label: 'ira', group: null });
  for (const a of negatives) labels.set(a, { label: 'organic', group: null });
  return { name, kind: 'labelled', posts: 100, labels, isPositive: positivePredicate('ira'), ceiling: positives.length, runs: [clusters, clusters] };
}

const GRID: HarnessGrid = { analysis: [{ label: 'w1', minWeight: 1 }, { label: 'w2', minWeight: 2 }], thresholds: [40, 60], flagMinCohesion: 0.05 };

// A and B reward the lower cut-off: their positives score 50
const A = set('A', ['a1', 'a2', 'a3'], ['a4'], [cluster('ca', ['a1', 'a2', 'a3'], 50), cluster('cn', ['a4', 'x', 'y'], 20)]);
const B = set('B', ['b1', 'b2', 'b3'], ['b4'], [cluster('cb', ['b1', 'b2', 'b3'], 50)]);

describe('leave-one-set-out', () => {
  it('chooses on the other sets only, most conservative on ties', () => {
    const X = set('X', ['x1', 'x2', 'x3'], ['x4', 'x5', 'x6'], [cluster('cx', ['x1', 'x2', 'x3'], 70), cluster('cy', ['x4', 'x5', 'x6'], 45)]);
    const rows = losoTable([A, B, X], GRID);
    const x = rows.find((r) => r.set === 'X')!;
    expect(x.trainedOn).toEqual(['A', 'B']);
    expect(x.point).toEqual({ analysis: 1, threshold: 40 }); // A and B need 40; w2 before w1 on the tie
    // at 40 X flags its organic cluster too: that is the honest held-out result
    expect(x.metrics).toMatchObject({ tp: 3, fp: 3 });
  });

  it("never sees the held-out set: X's choice is the same whatever X's labels say", () => {
    const clusters = [cluster('cx', ['x1', 'x2', 'x3'], 70), cluster('cy', ['x4', 'x5', 'x6'], 45)];
    const honest = set('X', ['x1', 'x2', 'x3'], ['x4', 'x5', 'x6'], clusters);
    // perturbed labels that would make 60 far better for X if X's labels were read
    const flipped = set('X', ['x1', 'x2', 'x3', 'x7'], ['x4', 'x5', 'x6', 'x8'], clusters);
    const inverted = set('X', ['x4', 'x5', 'x6'], ['x1', 'x2', 'x3'], clusters);
    const choice = (x: SetRuns) => losoTable([A, B, x], GRID).find((r) => r.set === 'X')!.point;
    expect(choice(flipped)).toEqual(choice(honest));
    expect(choice(inverted)).toEqual(choice(honest));
    // …while the choices for A and B do move with X's labels, as they should
    const forA = (x: SetRuns) => losoTable([A, B, x], GRID).find((r) => r.set === 'A')!.point;
    expect(forA(honest)).not.toBeNull();
  });

  it('leaves agreement sets (CooRnet output) out of every choice', () => {
    const ct: SetRuns = { ...set('ct', ['c1', 'c2', 'c3'], [], [cluster('cc', ['c1', 'c2', 'c3'], 65)]), kind: 'agreement' };
    const rows = losoTable([A, B, ct], GRID);
    expect(rows.find((r) => r.set === 'A')!.trainedOn).toEqual(['B']);
    expect(rows.find((r) => r.set === 'ct')!.trainedOn).toEqual(['A', 'B']);
  });

  it('generic form: the mean over the other sets decides, the earliest point on ties', () => {
    const seen: string[][] = [];
    const choices = leaveOneSetOut(['p', 'q', 'r'], 3, (s, g) => {
      if (g === 0) seen[seen.length - 1]?.push(s);
      return s === 'r' ? 2 - g : g;
    });
    // p held out: q (prefers 2) and r (prefers 0) tie → 0; the same for q; r held out: p and q → 2
    expect(choices.map((c) => c.point)).toEqual([0, 0, 2]);
    expect(choices.map((c) => c.trainedOn)).toEqual([['q', 'r'], ['p', 'r'], ['p', 'q']]);
    expect(bestPoint([], 3, () => 1)).toEqual({ point: null, mean: null });
    expect(bestPoint(['p'], 2, () => null)).toEqual({ point: null, mean: null });
  });
});
