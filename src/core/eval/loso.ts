/**
 * Leave-one-set-out choice of tunable parameters. For each held-out set, the grid point
 * with the best mean objective over the OTHER tuning sets is chosen; the held-out set's own
 * objective is never read for its choice. Ties go to the earliest grid point, so the
 * caller orders the grid from the most conservative setting to the least.
 *
 * `objective(set, point)` is e.g. account-level F1 of the set at that grid point; null
 * means the set says nothing at that point (no positives) and is left out of that mean.
 */
export interface LosoChoice {
  /** the held-out set */
  set: string;
  /** index of the chosen grid point, or null when no other set could choose */
  point: number | null;
  /** mean objective of the chosen point over the other tuning sets */
  trainObjective: number | null;
  /** the sets the choice was made on */
  trainedOn: string[];
}

export function leaveOneSetOut(
  sets: readonly string[],
  gridSize: number,
  objective: (set: string, point: number) => number | null,
  opts: { tuneOn?: (set: string) => boolean } = {},
): LosoChoice[] {
  const tuneOn = opts.tuneOn ?? (() => true);
  return sets.map((held) => {
    const others = sets.filter((s) => s !== held && tuneOn(s));
    const { point, mean } = bestPoint(others, gridSize, objective);
    return { set: held, point, trainObjective: mean, trainedOn: others };
  });
}

/** The grid point with the highest mean objective over `sets` (first on ties). */
export function bestPoint(sets: readonly string[], gridSize: number, objective: (set: string, point: number) => number | null): { point: number | null; mean: number | null } {
  let best: number | null = null;
  let bestMean = -Infinity;
  for (let g = 0; g < gridSize; g++) {
    let sum = 0;
    let n = 0;
    for (const s of sets) {
      const v = objective(s, g);
      if (v === null || !Number.isFinite(v)) continue;
      sum += v;
      n++;
    }
    if (n === 0) continue;
    const mean = sum / n;
    // a strict improvement (with a little slack for float noise) is needed to move off the earlier point
    if (mean > bestMean + 1e-12) {
      bestMean = mean;
      best = g;
    }
  }
  return { point: best, mean: best === null ? null : bestMean };
}
