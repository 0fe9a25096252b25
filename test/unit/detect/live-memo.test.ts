import { describe, expect, it } from 'vitest';
import { GenerationalMap } from '../../../src/detect/live-memo.ts';

describe('the generational cache of a live window', () => {
  it('keeps what the last pass saw when a pass holds more than the limit, and holds at most twice the limit', () => {
    const m = new GenerationalMap<string, number>(3);
    for (const k of ['a', 'b', 'c', 'd']) m.set(k, k.charCodeAt(0));
    // 'd' started a new generation: 'a'…'c' are still found, and move forward when they are
    expect(m.size).toBe(1);
    expect(m.get('a')).toBe(97);
    expect(m.has('b')).toBe(true);
    expect(m.size).toBe(2);
    // a second pass over the same keys finds every one of them
    for (const k of ['a', 'b', 'c', 'd']) expect(m.get(k)).toBe(k.charCodeAt(0));
    // bounded: of many keys only the last two generations remain
    for (let i = 0; i < 100; i++) m.set(`k${i}`, i);
    expect(m.get('a')).toBeUndefined();
    expect(m.get('k99')).toBe(99);
    expect(m.get('k95')).toBe(95);
    let held = 0;
    for (let i = 0; i < 100; i++) if (m.has(`k${i}`)) held++;
    expect(held).toBeLessThanOrEqual(6);
    m.clear();
    expect(m.has('k99')).toBe(false);
  });
});
