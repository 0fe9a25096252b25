import { describe, expect, it } from 'vitest';
import { dayOf, memoryRows, mergeMemory } from '../../../src/core/memory/index.ts';
import type { MemoryRow } from '../../../src/core/memory/index.ts';
import type { Edge } from '../../../src/core/types.ts';

const DAY = 86_400;
const T = 1_700_006_400; // a UTC midnight
const edge = (a: string, b: string, weight: number, t: number, kind: Edge['kind'] = 'co_link'): Edge => ({
  a,
  b,
  kind,
  weight,
  strength: weight * 0.5,
  evidence: [{ a_post: `${a}#${t}`, b_post: `${b}#${t}`, dt: 10, object: 'u' }],
});
const times = (k: string) => Number(k.split('#')[1]);
const params = { halfLifeDays: 14, horizonDays: 28 };
const two = () => 2;

describe('long-horizon pair memory', () => {
  it('remembers each edge on the day its evidence starts, pair ordered', () => {
    const rows = memoryRows([edge('x:b', 'x:a', 1, T + 5 * DAY + 3600)], times);
    expect(rows).toEqual([{ a: 'x:a', b: 'x:b', kind: 'co_link', day: T + 5 * DAY, weight: 1, strength: 0.5 }]);
    expect(dayOf(T + 5 * DAY + 3600)).toBe(T + 5 * DAY);
  });

  it('a weekly pair reaches the minimum weight in its third week, not before', () => {
    const start = T + 28 * DAY;
    const week = (n: number): MemoryRow => ({ a: 'x:a', b: 'x:b', kind: 'co_link', day: start - n * 7 * DAY, weight: 1, strength: 0.5 });
    const now = [edge('x:a', 'x:b', 1, start + 3600)];
    expect(mergeMemory(now, [week(1)], start, params, two).edges).toEqual([]);
    const m = mergeMemory(now, [week(1), week(2)], start, params, two);
    expect(m.lifted).toBe(1);
    expect(m.edges).toHaveLength(1);
    expect(m.edges[0]!.weight).toBe(2);
    // strength carries the decayed remembered strength, not a whole unit
    expect(m.edges[0]!.strength).toBeCloseTo(0.5 + 0.5 * (2 ** -0.5 + 2 ** -1), 9);
    // a month later the same two remembered weeks no longer lift it (⌊2^(−5/2) + 2^(−3)⌋ = 0)
    expect(mergeMemory(now, [week(5), week(6)].map((r) => ({ ...r, day: r.day })), start, { ...params, horizonDays: 60 }, two).edges).toEqual([]);
    // the window's own evidence stays (memory adds weight, never posts)
    expect(m.edges[0]!.evidence).toEqual(now[0]!.evidence);
  });

  it('never makes a pair out of nothing, ignores days inside the window and beyond the horizon, and keeps kinds apart', () => {
    const start = T + 60 * DAY;
    const many = [1, 2, 3, 4, 5].map((d): MemoryRow => ({ a: 'x:a', b: 'x:b', kind: 'co_link', day: start - d * DAY, weight: 1, strength: 1 }));
    // no co-action in the window: nothing, however much is remembered
    expect(mergeMemory([], many, start, params, two).edges).toEqual([]);
    // remembered rows of another kind do not lift a co_link edge
    const other = many.map((r) => ({ ...r, kind: 'co_repost' as const }));
    expect(mergeMemory([edge('x:a', 'x:b', 1, start + 60)], other, start, params, two).edges).toEqual([]);
    // rows on the window's own days are the window's edges already; rows past the horizon are forgotten
    const inside = many.map((r) => ({ ...r, day: start + DAY }));
    expect(mergeMemory([edge('x:a', 'x:b', 1, start + 60)], inside, start, params, two).edges).toEqual([]);
    const old = many.map((r) => ({ ...r, day: start - 40 * DAY }));
    expect(mergeMemory([edge('x:a', 'x:b', 1, start + 60)], old, start, params, two).edges).toEqual([]);
    // edges already at the minimum pass unchanged when nothing is remembered
    const strong = edge('x:a', 'x:c', 3, start + 60);
    expect(mergeMemory([strong], [], start, params, two).edges).toEqual([strong]);
  });
});
