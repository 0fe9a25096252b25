import { describe, expect, it } from 'vitest';
import { detectionParams } from '../../../config/detection.ts';
import { analyze } from '../../../src/core/analyze.ts';
import { combineSignals, DEFAULT_SIGNAL_PARAMS } from '../../../src/core/signals/index.ts';
import type { CanonicalAccount } from '../../../src/core/types.ts';
import { corePost } from '../../helpers/posts.ts';

const acct = (id: string, handle: string, bio: string, name = 'Patriot Mom'): CanonicalAccount => ({ id, handle, display_name: name, bio, created_at: '2024-01-01T00:00:00Z', followers: 10, following: 500, location: 'Ohio, USA', avatar_hash: null });

describe('A7 in the analysis', () => {
  const bio = 'Proud mother of three, telling the truth they hide from you';
  const accounts = new Map([
    ['x:1', acct('1', 'truthmom1776', bio)],
    ['bluesky:did:plc:abc', acct('did:plc:abc', 'truthmom1776.bsky.social', bio)],
    ['x:2', acct('2', 'someone_else', 'just here for the games', 'Sam')],
  ]);
  const posts = [...accounts.keys()].map((k, i) => corePost({ key: `${k}#${i}`, account: k, t: 1_727_000_000 + i * 60, text: `hello ${i}` }));
  const params = detectionParams({ signalsFor: 'all' });

  it('links one persona across platforms, and only across them', () => {
    const r = analyze({ posts, accounts, now: 1_727_100_000 }, params);
    const x = r.accountSignals.get('x:1')!.A7;
    expect(x.value).toBeGreaterThan(0.5);
    expect(x.reason).toMatch(/one persona with 1 account on bluesky \(shared: .*handle/);
    expect(r.accountSignals.get('bluesky:did:plc:abc')!.A7.value).toBe(x.value);
    expect(r.accountSignals.get('x:2')!.A7.value).toBe(0);
    // it adds to the account's other tells…
    const s = r.accountSignals.get('x:1')!;
    expect(s.top).toContain('A7');
    // …but alone, at its strongest, stays below the corroboration bar (mean suspicion 0.5)
    const zero = { id: 'A1' as const, value: 0, applicable: true, reason: '' };
    const only = { A1: zero, A2: zero, A3: zero, A4: zero, A5: zero, A6: zero, A7: { ...zero, id: 'A7' as const, value: 1 } };
    expect(combineSignals(only, DEFAULT_SIGNAL_PARAMS.weights)).toBeCloseTo(0.3, 10);
  });

  it('costs nothing and says why with one platform in play', () => {
    const one = new Map([...accounts].filter(([k]) => k.startsWith('x:')));
    const r = analyze({ posts: posts.filter((p) => p.account.startsWith('x:')), accounts: one, now: 1_727_100_000 }, params);
    expect(r.accountSignals.get('x:1')!.A7).toMatchObject({ value: 0, applicable: false });
  });
});
