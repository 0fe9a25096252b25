import { describe, expect, it } from 'vitest';
import {
  CalibrationError,
  calibrationToJson,
  compareRuns,
  fitCalibration,
  parseCalibration,
  poolAdjacentViolators,
  probabilityOf,
  reliabilityBins,
  severityOfProbability,
} from '../../../src/core/calibration/index.ts';
import type { LabelledScore } from '../../../src/core/calibration/index.ts';
import { createRng } from '../../../src/core/null-model/prng.ts';

function noisy(seed: number, n: number): LabelledScore[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const score = Math.round(rng() * 100);
    return { score, y: rng() < 1 / (1 + Math.exp(-(score - 55) / 8)) ? 1 : 0 };
  });
}

describe('calibration', () => {
  it('pool-adjacent-violators gives non-decreasing steps', () => {
    const blocks = poolAdjacentViolators([
      { score: 10, y: 1 },
      { score: 20, y: 0 },
      { score: 30, y: 0 },
      { score: 40, y: 1 },
    ]);
    const means = blocks.map((b) => b.positives / b.n);
    expect(means).toEqual([...means].sort((a, b) => a - b));
    expect(blocks[0]).toMatchObject({ lo: 10, hi: 30, n: 3, positives: 1 });
  });

  it('is monotone in score, within [0, 1], never certain with a prior', () => {
    const cal = fitCalibration(noisy(1, 400));
    let last = -1;
    for (let s = 0; s <= 100; s += 0.5) {
      const p = probabilityOf(cal, s);
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      last = p;
    }
    expect(probabilityOf(cal, 95)).toBeGreaterThan(0.8);
    expect(probabilityOf(cal, 10)).toBeLessThan(0.15);
  });

  it('is deterministic: the same clusters in any order give the same JSON', () => {
    const pts = noisy(2, 200);
    const a = calibrationToJson(fitCalibration(pts, { sources: ['x'] }));
    const b = calibrationToJson(fitCalibration([...pts].reverse(), { sources: ['x'] }));
    expect(b).toBe(a);
  });

  it('round-trips through JSON and rejects what is not a calibration', () => {
    const cal = fitCalibration(noisy(3, 100), { detectorVersion: 'v1', sources: ['debate-d1'] });
    const back = parseCalibration(calibrationToJson(cal));
    expect(back).toEqual(cal);
    expect(() => parseCalibration('{"format":"other"}')).toThrow(CalibrationError);
    expect(() => parseCalibration('nope')).toThrow(/not JSON/);
    const broken = { ...cal, knots: [{ score: 10, p: 0.9 }, { score: 20, p: 0.1 }] };
    expect(() => parseCalibration(JSON.stringify(broken))).toThrow(/non-decreasing/);
    expect(() => fitCalibration([])).toThrow(/no labelled clusters/);
  });

  it('maps probability to severity by policy bands and bins predictions', () => {
    expect([0.2, 0.5, 0.85, 0.97].map((p) => severityOfProbability(p))).toEqual(['low', 'medium', 'high', 'critical']);
    const bins = reliabilityBins([{ score: 15, p: 0.1, y: 0 }, { score: 85, p: 0.9, y: 1 }, { score: 100, p: 0.9, y: 0 }], [0, 50, 101]);
    expect(bins).toEqual([
      { lo: 0, hi: 50, clusters: 1, predicted: 0.1, observed: 0 },
      { lo: 50, hi: 101, clusters: 2, predicted: 0.9, observed: 0.5 },
    ]);
  });
});

describe('compareRuns (shadow mode)', () => {
  const verdicts = [
    { alertId: 1, members: ['a', 'b', 'c'], verdict: 'confirmed' as const, memberDecisions: { a: 'coordinated' as const, c: 'bystander' as const } },
    { alertId: 2, members: ['x', 'y', 'z'], verdict: 'dismissed' as const },
  ];
  it('scores each run on reviewed alerts and lists where they disagree', () => {
    const live = [
      { id: 'L1', members: ['a', 'b', 'c'], score: 70 },
      { id: 'L2', members: ['x', 'y', 'z', 'w'], score: 55 },
    ];
    const candidate = [
      { id: 'C1', members: ['a', 'b'], score: 65 },
      { id: 'C2', members: ['x', 'y', 'z'], score: 20 },
    ];
    const r = compareRuns(live, candidate, verdicts, { overlap: 0.5, alertAt: 40 });
    expect(r.reviewed).toBe(2);
    expect(r.live).toMatchObject({ confirmedAlerted: 1, dismissedAlerted: 1, agreement: 0.5, coordinatedKept: 1, bystandersKept: 1 });
    expect(r.candidate).toMatchObject({ confirmedAlerted: 1, dismissedQuiet: 1, agreement: 1, coordinatedKept: 1, bystandersKept: 0 });
    expect(r.changed).toEqual([{ alertId: 2, verdict: 'dismissed', live: { cluster: 'L2', score: 55 }, candidate: { cluster: 'C2', score: 20 }, liveAlerts: true, candidateAlerts: false }]);
  });
});
