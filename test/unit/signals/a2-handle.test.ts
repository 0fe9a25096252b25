import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNAL_PARAMS as P,
  handleShape,
  handleSignal,
} from '../../../src/core/signals/index.ts';
import { account } from './helpers.ts';

const score = (handle: string | null) =>
  handleSignal({ account: account({ handle }), posts: [], now: 0 }, P);

describe('A2 default-looking handle', () => {
  it.each(['fo29904619', 'Jessica12345678', 'MaryJ84920183', 'user123456789'])(
    'flags auto-assigned shape %s',
    (h) => {
      const r = score(h);
      expect(r.value).toBeGreaterThanOrEqual(0.9);
      expect(r.reason).toContain('auto-assigned');
    },
  );

  it('says what it saw, with numbers', () => {
    expect(score('fo29904619').reason).toBe(
      'handle "fo29904619" is letters + a 8-digit run (digits 80%), the shape of an auto-assigned handle',
    );
  });

  it.each([
    'john_smith',
    'mike1985',
    'JaneDoe',
    'BGarner2107',
    'Aiden7757',
    '4ever1937',
    'the_real_bob',
    'ab12cd',
    'x',
  ])('leaves ordinary handle %s at zero', (h) => {
    expect(score(h).value).toBe(0);
  });

  it('scores 6–7 digit runs in between and halves runs after a separator', () => {
    const six = score('alice123456').value;
    expect(six).toBeGreaterThan(0.3);
    expect(six).toBeLessThan(0.9);
    expect(score('alice_123456').value).toBeCloseTo(six / 2, 2);
    // the debate panel's synthetic handles (pitt_<n>) stay low
    expect(score('pitt_11344').value).toBeLessThan(0.2);
  });

  it('catches digit-heavy handles without a single long run', () => {
    expect(score('a1b2c3d4e5f6g7').value).toBe(0);
    expect(score('1a2345b6789').value).toBeGreaterThan(0.2);
  });

  it('strips a leading @ and is not applicable without a handle', () => {
    expect(score('@fo29904619').value).toBeGreaterThanOrEqual(0.9);
    expect(score(null)).toMatchObject({ value: 0, applicable: false, reason: 'no handle' });
    expect(score('   ')).toMatchObject({ value: 0, applicable: false });
  });

  it('counts digits in other scripts and never puts control characters into the reason', () => {
    expect(handleShape('user١٢٣٤٥٦٧٨', P.a2).digit_run).toBe(8);
    const r = score('\u202eevil12345678\u200b');
    expect(r.reason).not.toMatch(/[\u202e\u200b]/);
  });
});
