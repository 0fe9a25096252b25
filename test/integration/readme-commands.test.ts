import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, ROOT } from '../helpers/cli.ts';

/**
 * The README's commands, run as written: the quickstart's ingest-and-show line and the
 * debate panel's CSV mapping example, copied out of README.md (not retyped here), from the
 * checkout's root on the embedded default (no DATABASE_URL, no REDIS_URL) in a fresh data
 * folder. `coordwatch` in the README is the package's bin: a shell function stands for it.
 */

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The shell command (with its `\` continuations) of a README code block line that starts with `start`. */
function readmeCommand(start: string): string {
  const lines = README.split('\n');
  const i = lines.findIndex((l) => l.startsWith(start));
  if (i < 0) throw new Error(`README.md has no command starting "${start}"`);
  const out = [lines[i]!];
  for (let k = i; lines[k]!.trimEnd().endsWith('\\'); k++) out.push(lines[k + 1]!);
  return out.join('\n');
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-readme-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function sh(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const script = `coordwatch() { node bin/coordwatch.js "$@"; }\n${command}`;
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, COORDWATCH_SHARED_DATA: DATA };
    const p = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hasData = fs.existsSync(path.join(ROOT, '../shared/data/debate-d1/posts.ndjson.gz')) && fs.existsSync(path.join(ROOT, '../shared/data/formats/pitt-debates/tweets_debate1.csv'));

describe.skipIf(!hasData)('README commands, as written', () => {
  it('quickstart: ingests the first debate on the embedded default and shows the batch', async () => {
    const cmd = readmeCommand('node bin/coordwatch.js ingest ../shared/data/debate-d1/posts.ndjson.gz');
    const r = await sh(cmd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accepted\s+24,650\n/);
    expect(r.stdout).toMatch(/rejected\s+0\n/);
    // the summary says what detection did
    expect(r.stdout).toMatch(/windows\s+\d[\d,]*/);
    expect(r.stdout).toMatch(/alerts\s+\d+ opened, \d+ updated/);
    // quiet: no log lines (the progress line and warnings only)
    expect(r.stderr).not.toMatch(/window detected/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('{')).length).toBe(0);
    // and `batches 1` lists it
    expect(r.stdout).toMatch(/batch 1\s+completed\n[\s\S]*accepted\s+24,650\n/);
    // the windows the embedded run detected, and the alerts they opened (the debate's IRA networks)
    const windows = Number(/windows\s+([\d,]+)/.exec(r.stdout)![1]!.replace(/,/g, ''));
    expect(windows).toBeGreaterThan(0);
    expect(Number(/alerts\s+(\d+) opened/.exec(r.stdout)![1])).toBeGreaterThan(0);
    console.log(r.stdout);
  }, 600_000);

  it('the panel CSV mapping example loads the same tweets under the same ids (all duplicates, no twins)', async () => {
    const cmd = readmeCommand('coordwatch ingest ../shared/data/formats/pitt-debates/tweets_debate1.csv --format csv');
    expect(cmd).toContain('--map test/fixtures/ingest/pitt-debate1.mapping.json');
    const r = await sh(cmd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accepted\s+0\n/);
    const dup = Number(/duplicates\s+([\d,]+)/.exec(r.stdout)![1]!.replace(/,/g, ''));
    expect(dup).toBe(23_247);
    expect(r.stdout).toMatch(/alerts\s+0 opened, 0 updated/);
    console.log(r.stdout);
  }, 600_000);
});
