import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import { compileNarratives, narrativesForPosts } from '../../../src/core/narratives/index.ts';

const compiled = compileNarratives(loadNarrativeLexicons());

describe('narrativesForPosts', () => {
  it('gives each narrative its share of posts, top terms and best posts', () => {
    const posts = [
      { key: 'a', text: 'The election was RIGGED, millions of illegal ballots' },
      { key: 'b', text: 'Rigged voting machines flipped votes in Georgia #StopTheSteal' },
      { key: 'c', text: 'Stop funding Ukraine! Not one more dollar for this proxy war' },
      { key: 'd', text: 'Nice weather for a walk today' },
      { key: 'e', text: 'The election was RIGGED, millions of illegal ballots' },
      { key: 'f', text: '' },
    ];
    const out = narrativesForPosts(posts, compiled);
    expect(out.map((n) => n.id)).toEqual(['election-fraud', 'ukraine-aid']);
    const ef = out[0];
    expect(ef).toMatchObject({ title: 'Election fraud and rigging claims', posts: 3, share: 0.5 });
    expect(ef.top_terms[0]).toEqual({ term: 'rigged', posts: 3 });
    expect(ef.sample_posts).toEqual(expect.arrayContaining(['a', 'b', 'e']));
    expect(ef.max_score).toBeGreaterThanOrEqual(ef.mean_score);
    expect(out[1]).toMatchObject({ posts: 1, share: round(1 / 6), sample_posts: ['c'] });
  });

  it('uses indexes when posts carry no key, and skips junk entries', () => {
    const out = narrativesForPosts(
      [null, { text: 'Stop the steal! The election was rigged' }] as never,
      compiled,
    );
    expect(out[0]).toMatchObject({ id: 'election-fraud', posts: 1, share: 1, sample_posts: ['1'] });
  });

  it('returns nothing for no posts', () => {
    expect(narrativesForPosts([], compiled)).toEqual([]);
  });
});

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
