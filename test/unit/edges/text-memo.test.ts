import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import { buildEdges } from '../../../src/core/edges/index.ts';
import type { EdgeOptions, TextFacts } from '../../../src/core/edges/index.ts';
import { canonicalOrder, toCorePost } from '../../../src/core/posts.ts';
import { simulate } from '../../../src/core/simulate/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { GenerationalMap } from '../../../src/detect/live-memo.ts';

// A live window's runs keep what the text kinds derive from each text (text-memo.ts) between
// runs: every run must give the edges (evidence included) a run without the memo gives, as the
// window fills in chunks, early posts land late, old posts leave, and the memo turns over.
function stream(n: number): CorePost[] {
  const sim = simulate({
    seed: 9,
    days: 1,
    organicAccounts: 400,
    posts: n,
    campaigns: 3,
    campaignSize: 6,
    wavesPerDay: 48,
  });
  const out: CorePost[] = [];
  for (const p of sim.posts()) {
    // squeezed into ~4 minutes, whole seconds: posts crowd each window as a busy stream's do
    out.push(
      toCorePost({
        ...p,
        posted_at: new Date(
          Date.UTC(2026, 10, 2, 12) + Math.floor(out.length / 20) * 1000,
        ).toISOString(),
      }),
    );
    if (out.length === n) break;
  }
  return out;
}

describe('the text memo of a live window', () => {
  it('changes no edge across chunked arrivals, late posts, expiry and a memo that turns over', () => {
    const all = stream(3000);
    const late = new Set(all.filter((_, i) => i % 9 === 4 && i < 2000));
    const arrivals = [...all.filter((p) => !late.has(p)), ...late];
    const options: EdgeOptions[] = [
      DEFAULT_DETECTION.edges,
      {
        ...DEFAULT_DETECTION.edges,
        perKind: { co_similar: { shingleSize: 3 }, co_reply: { shingleSize: 1 } },
      },
    ];
    for (const limit of [100_000, 300]) {
      const memo = new GenerationalMap<string, TextFacts>(limit);
      let held: CorePost[] = [];
      let runs = 0;
      for (let i = 0; i < arrivals.length; i += 500) {
        held = [...held, ...arrivals.slice(i, i + 500)].sort(canonicalOrder);
        // the window slides: posts over two minutes older than the newest leave it
        const newest = held[held.length - 1]!.t;
        held = held.filter((p) => p.t > newest - 120);
        // two option sets alternate over one memo: facts of another shingle size are re-derived
        const opts = options[runs++ % 2]!;
        const kept = buildEdges(held, opts, memo);
        const fresh = buildEdges(held, opts);
        expect(kept.length).toBeGreaterThan(0);
        expect(kept).toEqual(fresh);
      }
      expect(memo.size).toBeGreaterThan(0);
    }
  });
});
