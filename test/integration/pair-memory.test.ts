import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { closeEngines, openMigratedDb, runScanHere } from '../../src/app/index.ts';
import { createLogger } from '../../src/logger.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * A slow ring: three accounts, otherwise ordinary, that push the same rare link seconds apart
 * once a week, each in words of its own. No 7-day deep scan sees a pair of them co-act twice,
 * so no scan alone links them (checked below without memory); the pair
 * memory of the earlier deep scans does, in the third week. Without memory
 * (SCAN_MEMORY_DAYS=0) the same scans never find them. Real Postgres, through the CLI.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2024-09-02T00:00:00Z'); // a Monday
const RING = ['ring:1', 'ring:2', 'ring:3'];

function fixture(): string {
  const lines: string[] = [];
  const post = (id: string, account: string, handle: string, t: number, text: string, urls: string[]) =>
    lines.push(JSON.stringify({ platform: 'x', post_id: id, posted_at: new Date(t).toISOString(), text, urls, account: { id: account, handle, location: 'Ohio, USA', created_at: '2024-08-20T00:00:00Z', followers: 3, following: 900 } }));
  let n = 0;
  const words = ['ballots', 'truth', 'media', 'vote', 'fraud', 'count', 'machines', 'county', 'poll', 'watch', 'election', 'secret'];
  for (let w = 0; w < 4; w++) {
    // the one co-action of the week: the same rare link, seconds apart, each in words of its own
    const t = T0 + (7 * w + 2) * DAY + 14 * 3_600_000;
    RING.forEach((a, i) => {
      const text = `${words[(i * 5 + w) % 12]} ${words[(i * 7 + w * 3 + 1) % 12]} ${words[(i * 3 + w * 5 + 2) % 12]} ${i} ${w} https://rare.example/w${w}`;
      post(`r${n++}`, a, `patriot${48291 + i}`, t + i * 20_000, text, [`https://rare.example/w${w}`]);
    });
    // otherwise ordinary: links of their own every day
    for (let d = 0; d < 7; d++) {
      RING.forEach((a, i) => {
        const own = `https://own.example/${a}/${w}/${d}`;
        post(`r${n++}`, a, `patriot${48291 + i}`, T0 + (7 * w + d) * DAY + (9 + i) * 3_600_000 + d * 97_000, `note ${w} ${d} ${i} ${own}`, [own]);
      });
    }
  }
  // ordinary accounts: their own links every day, and a popular one many share over the days
  for (let d = 0; d < 28; d++) {
    for (let k = 0; k < 30; k++) {
      const t = T0 + d * DAY + (8 + (k % 12)) * 3_600_000 + k * 61_000;
      const own = `https://news.example/${d}/${k}`;
      post(`o${n++}`, `org:${k}`, `reader_${k}`, t, `my take on today ${d} ${k} ${own}`, [own]);
      if ((d + k) % 5 === 0) post(`o${n++}`, `org:${k}`, `reader_${k}`, t + 600_000, `everyone is talking about this https://popular.example/story`, ['https://popular.example/story']);
    }
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-memory-')), 'slow-ring.ndjson');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function ringClusters(url: string): Promise<{ window_end: Date; members: string[] }[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ window_end: Date; members: string[] }>(`select window_end, members from clusters where members && $1::text[] order by window_end`, [RING.map((a) => `x:${a}`)]);
    return r.rows;
  } finally {
    await c.end();
  }
}

describe('deep scans remember pairs across weeks', () => {
  let withMemory: TestDatabase;
  let without: TestDatabase;
  let file: string;

  beforeAll(async () => {
    file = fixture();
    [withMemory, without] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    for (const t of [withMemory, without]) {
      const r = await runCli(['ingest', file, '--no-progress'], { DATABASE_URL: t.url, DETECT_STREAMING: 'false' });
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await withMemory?.drop();
    await without?.drop();
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  /** Four weekly deep scans in this process, through the composition root (the engine on its worker thread). */
  async function weeklyDeepScans(url: string, env: Record<string, string>): Promise<void> {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...env });
    const log = createLogger(config);
    const db = await openMigratedDb(config, log);
    try {
      for (let w = 0; w < 4; w++) {
        const r = await runScanHere(config, db, log, 'deep', { start: new Date(T0 + 7 * w * DAY), end: new Date(T0 + 7 * (w + 1) * DAY) });
        expect(r.status).toBe('completed');
      }
    } finally {
      await closeEngines();
      await db.close();
    }
  }

  it('finds the weekly ring from its third week on, and only with memory', async () => {
    await weeklyDeepScans(withMemory.url, {});
    await weeklyDeepScans(without.url, { SCAN_MEMORY_DAYS: '0' });

    const found = await ringClusters(withMemory.url);
    const byWeek = found.map((c) => Math.round((new Date(c.window_end).getTime() - T0) / (7 * DAY)));
    // weeks 1 and 2 see one co-action per pair; week 3 adds two remembered weeks (⌊2^-½ + 2^-1⌋ = 1)
    expect(byWeek).not.toContain(1);
    expect(byWeek).not.toContain(2);
    expect(byWeek).toContain(3);
    const week3 = found[byWeek.indexOf(3)]!;
    expect([...week3.members].sort()).toEqual(RING.map((a) => `x:${a}`));

    expect(await ringClusters(without.url)).toEqual([]);

    // what was remembered: each ring pair on each week's day, nothing of the window's own days twice
    const c = new pg.Client({ connectionString: withMemory.url });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(`select count(distinct day)::text as n from pair_memory where account_a = 'x:ring:1' and account_b = 'x:ring:2' and kind = 'co_link'`);
      expect(Number(r.rows[0]!.n)).toBe(4);
    } finally {
      await c.end();
    }
  }, 300_000);
});
