/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of score
 * that fits the 0/1 labels best in squared error. Non-parametric (no shape assumed beyond
 * "a higher score is never less likely coordinated"), deterministic, O(n log n).
 */
export interface LabelledScore {
  score: number;
  /** 1 coordinated, 0 not */
  y: 0 | 1;
  /** default 1 */
  weight?: number;
}

export interface IsotonicBlock {
  /** lowest and highest score in the block */
  lo: number;
  hi: number;
  /** total weight and weighted positives */
  n: number;
  positives: number;
}

export function poolAdjacentViolators(points: readonly LabelledScore[]): IsotonicBlock[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.score)).sort((a, b) => a.score - b.score || a.y - b.y);
  const blocks: IsotonicBlock[] = [];
  for (const p of sorted) {
    const w = p.weight ?? 1;
    if (!(w > 0)) continue;
    const last = blocks[blocks.length - 1];
    // ties in score share one block: a step function cannot tell them apart
    if (last && last.hi === p.score) {
      last.n += w;
      last.positives += w * p.y;
    } else blocks.push({ lo: p.score, hi: p.score, n: w, positives: w * p.y });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      // violators are pooled, and so are equal neighbours: the fit is the same, and a step of
      // many clusters is shrunk toward the base rate less than many steps of one
      if (a.positives / a.n < b.positives / b.n) break;
      blocks.splice(blocks.length - 2, 2, { lo: a.lo, hi: b.hi, n: a.n + b.n, positives: a.positives + b.positives });
    }
  }
  return blocks;
}
