import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareKeys, loadCorePosts } from '../../../src/ingest/core-posts.ts';
import { buildKindEdges, CNT_KIND_NAMES, edgesToCsv, preparePosts, resolveOptions } from '../../../src/core/edges/index.ts';
import type { CoActionKind } from '../../../src/core/edges/index.ts';
import { sharedDataDir } from '../../../src/shared-data.ts';

/**
 * The correctness bar of issue 3: with --compat cnt, window 60, the edges equal
 * coordination-network-toolkit's reference output (../shared/data/reference/cnt, computed by the
 * toolkit at commit daa0e11 with its empty-URL bug corrected) — co_retweet, co_tweet and co_link
 * exactly, co_similar_tweet at ≥ 0.95 precision and recall (we are exact there too: the check
 * below is the bar, the equality assertion after it is what we actually reach).
 */
const DATA = sharedDataDir(path.resolve(__dirname, '../../..'));
const KINDS: CoActionKind[] = ['co_repost', 'co_text', 'co_link', 'co_similar'];

function rows(csv: string): Set<string> {
  return new Set(csv.split(/\r?\n/).filter((l) => l.length > 0).slice(1));
}

const cases: { set: string; ref: string; minWeight: number }[] = [
  { set: 'ira-2016q4', ref: 'ira-2016q4', minWeight: 2 },
  { set: 'debate-d1', ref: 'debate-d1/minw1', minWeight: 1 },
  { set: 'debate-d1', ref: 'debate-d1/minw2', minWeight: 2 },
  { set: 'debate-d2', ref: 'debate-d2/minw1', minWeight: 1 },
  { set: 'debate-d2', ref: 'debate-d2/minw2', minWeight: 2 },
];

describe.skipIf(!fs.existsSync(path.join(DATA, 'reference/cnt')))('--compat cnt against the toolkit reference', () => {
  const loaded = new Map<string, Awaited<ReturnType<typeof loadCorePosts>>>();
  const load = async (set: string) => {
    let l = loaded.get(set);
    if (!l) {
      l = await loadCorePosts(path.join(DATA, set, 'posts.cnt.csv.gz'));
      loaded.set(set, l);
    }
    return l;
  };

  for (const c of cases) {
    it(`${c.ref}: co_retweet, co_tweet, co_link exact; co_similar_tweet ≥ 0.95 precision and recall`, async () => {
      const { posts, rejected, platforms } = await load(c.set);
      // keys are platform:id; the files show bare ids, as `coordwatch networks` writes them
      const bare = bareKeys(platforms);
      expect(rejected).toBe(0);
      const prep = preparePosts(posts);
      const ro = resolveOptions({ kinds: KINDS, window: 60, minWeight: c.minWeight, similarity: 0.8, compat: 'cnt' });
      for (const kind of KINDS) {
        const name = CNT_KIND_NAMES[kind]!;
        const edges = buildKindEdges(prep, kind, ro).map((e) => ({ ...e, a: bare(e.a), b: bare(e.b) }));
        const csv = edgesToCsv(edges, { compat: true, minWeight: c.minWeight, edgeType: name });
        const reference = fs.readFileSync(path.join(DATA, 'reference/cnt', c.ref, `${name}.csv`), 'utf8');
        const mine = rows(csv);
        const ref = rows(reference);
        if (kind === 'co_similar') {
          const common = [...mine].filter((r) => ref.has(r)).length;
          expect(common / Math.max(1, mine.size), `${name} precision`).toBeGreaterThanOrEqual(0.95);
          expect(common / Math.max(1, ref.size), `${name} recall`).toBeGreaterThanOrEqual(0.95);
        }
        expect([...mine].sort(), name).toEqual([...ref].sort());
        // byte for byte, as the toolkit writes it (quoted fields, CRLF, SQLite key order)
        expect(csv, name).toBe(reference);
      }
    }, 180_000);
  }
});
