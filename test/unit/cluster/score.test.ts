import { describe, expect, it } from 'vitest';
import { analyze, analyzeEdges } from '../../../src/core/analyze.ts';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CanonicalAccount, CorePost } from '../../../src/core/types.ts';
import { post } from './helpers.ts';

const DAY = 86400;

function account(id: string): CanonicalAccount {
  return { id, handle: id, display_name: null, bio: null, created_at: null, followers: 100, following: 100, location: null, avatar_hash: null };
}

/**
 * A copy-paste ring of 6 (12 waves, within 20 s, plus some cover) among 600 ordinary
 * accounts; 8 viral posts are each reposted within seconds by a random quarter of them
 * (a debate night: the same crowd never moves as one twice), who otherwise post their own things.
 */
function world(): { posts: CorePost[]; ring: string[]; crowd: string[] } {
  const rng = createRng('world');
  const ring = Array.from({ length: 6 }, (_, i) => `ring${i}`);
  const crowd = Array.from({ length: 600 }, (_, i) => `user${i}`);
  const posts: CorePost[] = [];
  for (let w = 0; w < 12; w++) {
    const t0 = Math.floor(rng() * DAY);
    const text = `Wave ${w}: the vote count is rigged and they are hiding the ballots number ${w * 7}`;
    for (const a of ring) posts.push(post(a, t0 + rng.int(20), { text, urls: [`https://push.example/${w}`] }));
  }
  for (const a of ring) for (let j = 0; j < 4; j++) posts.push(post(a, Math.floor(rng() * DAY), { text: `cover post ${a} ${j} nice weather today` }));
  for (let v = 0; v < 8; v++) {
    const t0 = Math.floor(rng() * DAY);
    for (const a of crowd) if (rng() < 0.25) posts.push(post(a, t0 + rng.int(40), { repost_of: `viral${v}`, text: `RT viral ${v}` }));
  }
  for (const a of crowd) for (let j = 0; j < 8; j++) posts.push(post(a, Math.floor(rng() * DAY), { text: `${a} says thing ${j} about the game tonight` }));
  return { posts: posts.sort((x, y) => x.t - y.t), ring, crowd };
}

const accountsOf = (posts: CorePost[]) => new Map([...new Set(posts.map((p) => p.account))].map((id) => [id, account(id)]));

describe('scored clusters', () => {
  const w = world();
  const res = analyze({ posts: w.posts, accounts: accountsOf(w.posts), now: DAY }, DEFAULT_DETECTION);

  it('flags the ring and not the viral crowd', () => {
    expect(res.flagged).toEqual(w.ring);
    const ring = res.clusters.find((c) => c.members.includes('ring0'))!;
    expect(ring.members).toEqual(w.ring);
    expect(ring.score.total).toBeGreaterThanOrEqual(DEFAULT_DETECTION.flagThreshold);
    for (const c of res.clusters.filter((c) => c.members.some((m) => m.startsWith('user')))) expect(c.score.total).toBeLessThan(DEFAULT_DETECTION.flagThreshold);
  });

  it('explains the score: parts add up, every part has a reason, the verdict says why', () => {
    const ring = res.clusters[0];
    const sum = ring.score.parts.reduce((a, p) => a + p.contribution, 0);
    expect(Math.abs(Math.min(100, Math.round(sum)) - ring.score.total)).toBeLessThanOrEqual(1);
    for (const p of ring.score.parts) {
      expect(p.value).toBeGreaterThanOrEqual(0);
      expect(p.value).toBeLessThanOrEqual(1);
      expect(p.contribution).toBeCloseTo(p.value * p.weight, 1);
      expect(p.reason.length).toBeGreaterThan(5);
    }
    expect(ring.score.verdict).toMatch(/^6 accounts .*posted the same 12 texts/);
    expect(ring.score.severity).not.toBe('low');
  });

  it('keeps the evidence: posts side by side, shared links, Δt statistics', () => {
    const ev = res.clusters[0].score.evidence;
    expect(ev.texts.length).toBeGreaterThan(0);
    expect(ev.texts[0].a.text).toBe(ev.texts[0].b.text);
    expect(ev.texts[0].a.account).not.toBe(ev.texts[0].b.account);
    expect(ev.links[0]).toMatchObject({ members: 6, sharers: 6 });
    expect(ev.dt.median).toBeLessThanOrEqual(20);
    expect(ev.dt.count).toBeGreaterThan(0);
  });

  it('is deterministic for the same input', () => {
    const again = analyze({ posts: [...w.posts].reverse(), accounts: accountsOf(w.posts), now: DAY }, DEFAULT_DETECTION);
    expect(JSON.stringify(again.clusters)).toBe(JSON.stringify(res.clusters));
    expect(again.flagged).toEqual(res.flagged);
  });

  it('raises a cluster with watchlisted members and reports it', () => {
    const watched = analyzeEdges({ posts: w.posts, accounts: accountsOf(w.posts), now: DAY, watchlist: ['ring0', 'ring1'] }, res.edges, DEFAULT_DETECTION);
    const before = res.clusters[0];
    const after = watched.clusters.find((c) => c.id === before.id)!;
    expect(after.score.total).toBeGreaterThan(before.score.total);
    expect(after.score.parts.find((p) => p.name === 'watchlist')).toMatchObject({ value: 1 });
    expect(after.memberDetails.filter((m) => m.watchlisted).map((m) => m.account)).toEqual(['ring0', 'ring1']);
  });

  it('lets the threshold decide what is flagged', () => {
    const strict = analyzeEdges({ posts: w.posts, accounts: accountsOf(w.posts), now: DAY }, res.edges, detectionParams({ flagThreshold: 101 }));
    expect(strict.flagged).toEqual([]);
    expect(strict.stats.flaggedClusters).toBe(0);
  });

  it('handles empty input', () => {
    const empty = analyze({ posts: [], accounts: new Map(), now: 0 }, DEFAULT_DETECTION);
    expect(empty.clusters).toEqual([]);
    expect(empty.flagged).toEqual([]);
  });
});
