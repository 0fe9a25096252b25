import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, runCli } from '../../helpers/cli.ts';

// `coordwatch networks` with no services: edges and, in default mode, scored clusters.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-networks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('coordwatch networks', () => {
  it('writes clusters.json with scores, verdicts and parts; the flagged accounts of debate-d1 are IRA accounts', async () => {
    const r = await runCli(['networks', path.join(DATA, 'debate-d1/posts.ndjson.gz'), '--out', dir], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/clusters: \d+ \(\d+ at or above 45, \d+ accounts flagged\)/);
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'clusters.json'), 'utf8'));
    expect(out.detector_version).toMatch(/^\d{4}\./);
    const labels = new Map(
      fs
        .readFileSync(path.join(DATA, 'debate-d1/labels.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',') as [string, string]),
    );
    expect(out.flagged_accounts.length).toBeGreaterThanOrEqual(15);
    for (const a of out.flagged_accounts) expect(labels.get(a)).toBe('ira');
    const top = out.clusters[0];
    expect(top.score).toBeGreaterThanOrEqual(45);
    expect(typeof top.verdict).toBe('string');
    const sum = top.parts.reduce((s: number, p: { contribution: number }) => s + p.contribution, 0);
    expect(Math.min(100, sum)).toBeCloseTo(top.score, 0);
    expect(fs.readFileSync(path.join(dir, 'edges.graphml'), 'utf8')).toContain('<graphml');
  }, 60_000);

  it('--compat cnt writes the toolkit file names and no clusters', async () => {
    const out = path.join(dir, 'cnt');
    const r = await runCli(['networks', path.join(DATA, 'debate-d1/posts.cnt.csv.gz'), '--compat', 'cnt', '--out', out], {});
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(
      expect.arrayContaining(['co_link.csv', 'co_retweet.csv', 'co_similar_tweet.csv', 'co_tweet.csv']),
    );
    expect(fs.existsSync(path.join(out, 'clusters.json'))).toBe(false);
  }, 60_000);

  it('--memory-mb with --compat cnt spills to temp files and writes the same files; without --compat cnt it is a usage error', async () => {
    const file = path.join(DATA, 'debate-d1/posts.cnt.csv.gz');
    const mem = path.join(dir, 'cnt-mem');
    const spilled = path.join(dir, 'cnt-spilled');
    const a = await runCli(['networks', file, '--compat', 'cnt', '--out', mem], {});
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['networks', file, '--compat', 'cnt', '--memory-mb', '1', '--out', spilled], {});
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/memory: \d+ partitions per kind, [\d,]+ MB spilled to temp files/);
    for (const f of ['co_retweet.csv', 'co_tweet.csv', 'co_link.csv', 'co_similar_tweet.csv', 'edges.graphml']) {
      expect(fs.readFileSync(path.join(spilled, f), 'utf8'), f).toBe(fs.readFileSync(path.join(mem, f), 'utf8'));
    }
    const c = await runCli(['networks', file, '--memory-mb', '100', '--out', path.join(dir, 'x')], {});
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--memory-mb needs --compat cnt/);
  }, 120_000);
});
