import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchNarratives,
  narrativesForPosts,
} from '../../../src/core/narratives/index.ts';
import type { NarrativeMatch } from '../../../src/core/narratives/index.ts';

const compiled = compileNarratives(loadNarrativeLexicons());

// 3,000 real posts of the IRA set (many match the election narratives), plus hostile texts.
function realPosts(): { text: string; key: string }[] {
  const lines = gunzipSync(readFileSync('../shared/data/ira-2016q4/posts.ndjson.gz'))
    .toString('utf8')
    .split('\n');
  const out: { text: string; key: string }[] = [];
  for (let i = 0; i < lines.length && out.length < 3000; i += 37) {
    if (!lines[i]) continue;
    const p = JSON.parse(lines[i]) as { text: string | null; post_id: string };
    out.push({ text: p.text ?? '', key: p.post_id });
  }
  out.push({ text: '', key: 'empty' }, { text: 'RIGGED #StopTheSteal rigged', key: 'dup1' });
  out.push(
    { text: 'RIGGED #StopTheSteal rigged', key: 'dup2' },
    { text: '\u200b中文', key: 'cjk' },
  );
  return out;
}

describe('narrativesForPosts with the caller’s known matches', () => {
  it('gives the same summaries as matching every text itself', () => {
    const posts = realPosts();
    const known = new Map<string, NarrativeMatch[]>();
    // as clusterNarratives does: its memo holds every text it matched, most of them here
    for (const p of posts.slice(0, 2500)) known.set(p.text, matchNarratives(p.text, compiled));
    const plain = narrativesForPosts(posts, compiled);
    expect(plain.length).toBeGreaterThan(0);
    expect(narrativesForPosts(posts, compiled, known)).toEqual(plain);
    expect(narrativesForPosts(posts, compiled, new Map())).toEqual(plain);
  });

  it('reads the known matches instead of matching again', () => {
    const fake: NarrativeMatch = {
      id: 'fake',
      score: 0.9,
      terms: ['t'],
      phrases: [],
      similarity: 0,
    };
    const known = new Map([['nothing narrative here', [fake]]]);
    const out = narrativesForPosts([{ text: 'nothing narrative here', key: 'k' }], compiled, known);
    expect(out.map((s) => [s.id, s.posts, s.sample_posts])).toEqual([['fake', 1, ['k']]]);
  });
});
