import { describe, expect, it } from 'vitest';
import { accountMetrics, clusterPurity, groupRecall, parseLabelsCsv, positivePredicate, toolkitFlagged } from '../../../src/core/eval/index.ts';
import type { Edge } from '../../../src/core/types.ts';

const LABELS = parseLabelsCsv('\uFEFFaccount_id,label,category\r\na,ira,RightTroll\nb,ira,HashtagGamer\nc,ira,RightTroll\nd,organic,\ne,organic,\n"f,1",organic,\n');

describe('labels', () => {
  it('reads account_id,label[,group] with BOM, CRLF and quotes', () => {
    expect(LABELS.size).toBe(6);
    expect(LABELS.get('a')).toEqual({ label: 'ira', group: 'RightTroll' });
    expect(LABELS.get('d')).toEqual({ label: 'organic', group: null });
    expect(LABELS.get('f,1')?.label).toBe('organic');
  });

  it('needs the two columns', () => {
    expect(() => parseLabelsCsv('id,kind\n1,x\n')).toThrow(/account_id and label/);
  });

  it('treats anything but organic as positive unless told', () => {
    expect(positivePredicate(null)('campaign')).toBe(true);
    expect(positivePredicate(null)('organic')).toBe(false);
    expect(positivePredicate('ira')('campaign')).toBe(false);
  });
});

describe('metrics', () => {
  const pos = positivePredicate('ira');

  it('computes precision, recall, F1 and FPR, leaving unlabelled accounts out', () => {
    const m = accountMetrics(['a', 'b', 'd', 'zz'], LABELS, pos);
    expect(m).toMatchObject({ flagged: 4, unlabeled: 1, tp: 2, fp: 1, fn: 1 });
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
    expect(m.fpr).toBeCloseTo(1 / 3);
  });

  it('says "no precision" when nothing is flagged rather than inventing one', () => {
    expect(accountMetrics([], LABELS, pos)).toMatchObject({ precision: null, recall: 0, f1: null, fpr: 0 });
  });

  it('gives per-cluster purity and the majority group', () => {
    const [c] = clusterPurity([{ id: 'c1', members: ['a', 'c', 'd', 'q'], score: { total: 70, severity: 'high' } }], LABELS, pos);
    expect(c).toMatchObject({ size: 4, positives: 2, negatives: 1, unlabeled: 1, group: 'RightTroll' });
    expect(c.purity).toBeCloseTo(2 / 3);
  });

  it('breaks recall down by group', () => {
    expect(groupRecall(['a'], LABELS, pos)).toEqual([
      { group: 'RightTroll', positives: 2, flagged: 1, recall: 0.5 },
      { group: 'HashtagGamer', positives: 1, flagged: 0, recall: 0 },
    ]);
  });

  it("applies the toolkit's rule: any edge of its four kinds", () => {
    const e = (a: string, b: string, kind: Edge['kind']): Edge => ({ a, b, kind, weight: 2, strength: 1, evidence: [] });
    expect([...toolkitFlagged([e('a', 'b', 'co_repost'), e('c', 'd', 'co_hashtag_seq')])].sort()).toEqual(['a', 'b']);
  });
});
