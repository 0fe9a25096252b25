import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sharedDataDir } from '../../src/shared-data.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DATA = sharedDataDir(ROOT);
const LOG_DIR = path.join(ROOT, 'test-logs');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child process: only what the test says, plus PATH. Logs go to a file. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DOTENV_CONFIG_QUIET: 'true', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env };
}

/** Run the coordwatch command to completion. */
export function runCli(args: string[], env: Record<string, string | undefined>, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/coordwatch.js'), ...args], { cwd: ROOT, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      fs.mkdirSync(LOG_DIR, { recursive: true });
      fs.appendFileSync(path.join(LOG_DIR, 'cli.log'), `$ coordwatch ${args.join(' ')}\n${stderr}\n`);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

/** Start a long-running process (a worker); its stderr goes to a log file. */
export function startProcess(script: string, args: string[], env: Record<string, string | undefined>): ChildProcess & { exited: Promise<number | null> } {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const out = fs.openSync(path.join(LOG_DIR, `${path.basename(script)}.log`), 'a');
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', out, out],
  }) as ChildProcess & { exited: Promise<number | null> };
  p.exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
  return p;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Kill whatever the test left running (SIGKILL: a test that needs a clean stop does it itself) and wait. */
export async function killAll(children: { exitCode: number | null; kill(sig?: NodeJS.Signals): boolean; exited: Promise<unknown> }[]): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) c.kill('SIGKILL');
    await c.exited;
  }
}
