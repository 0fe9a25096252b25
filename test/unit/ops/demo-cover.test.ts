import { describe, expect, it } from 'vitest';
import { plantedCampaign, withRealCover } from '../../../src/cli/commands/demo.ts';
import type { CanonicalPost } from '../../../src/core/types.ts';

const REAL = Array.from({ length: 500 }, (_, i) => `A real voter's post number ${i} about the debate tonight, nothing shared`);

async function planted(cover: string[]): Promise<CanonicalPost[]> {
  const out: CanonicalPost[] = [];
  for await (const batch of plantedCampaign(7, cover)) for (const r of batch) if (r.ok) out.push(r.post);
  return out;
}

describe('the demo campaign’s cover posts are real organic posts', () => {
  it('replaces only posts that share nothing with another planted post, each real post used once', async () => {
    const plain = await planted([]);
    const covered = await planted(REAL);
    expect(covered).toHaveLength(plain.length);
    const used = covered.filter((p) => REAL.includes(p.text));
    expect(used.length).toBeGreaterThan(10);
    expect(new Set(used.map((p) => p.text)).size).toBe(used.length);
    // what the ring shares (reposts, links, copied texts) is untouched
    for (const [i, p] of covered.entries()) {
      if (REAL.includes(p.text)) {
        expect(plain[i]!.repost_of).toBeNull();
        expect(plain[i]!.urls).toEqual([]);
        expect(p.hashtags).toEqual([]);
      } else expect(p).toEqual(plain[i]);
    }
    const shared = plain.filter((p, _i, all) => all.filter((q) => q.text === p.text).length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const p of shared) expect(covered.find((q) => q.post_id === p.post_id)!.text).toBe(p.text);
  });

  it('leaves the posts as they are without a cover set', () => {
    const posts = [{ text: 'a b c d', repost_of: null, urls: [] }] as unknown as CanonicalPost[];
    expect(withRealCover(posts, [])).toBe(posts);
  });
});
