import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const COMPOSE = path.join(ROOT, 'docker-compose.yml');
const text = fs.readFileSync(COMPOSE, 'utf8');

/** The services of the compose file as raw text blocks (two-space keys under `services:`). */
function serviceBlocks(src: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = src.split('\n');
  const start = lines.indexOf('services:');
  let name: string | null = null;
  let buf: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // next top-level key (volumes:)
    const m = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (m) {
      if (name) out.set(name, buf.join('\n'));
      name = m[1]!;
      buf = [];
    } else buf.push(line);
  }
  if (name) out.set(name, buf.join('\n'));
  return out;
}

/** Every worker role with an entry point in workers/ (run-role.ts is their shared body). */
const roles = fs
  .readdirSync(path.join(ROOT, 'workers'))
  .filter((f) => f.endsWith('.ts') && f !== 'run-role.ts')
  .map((f) => f.replace(/\.ts$/, ''));
/** Live streams in workers/stream/<source>.ts, run as `coordwatch stream <source>`. */
const streams = fs.existsSync(path.join(ROOT, 'workers/stream'))
  ? fs
      .readdirSync(path.join(ROOT, 'workers/stream'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
  : [];

const services = serviceBlocks(text);
const commandOf = (block: string) => /\n\s*command: (\[.*\])/.exec('\n' + block)?.[1];

describe('docker-compose.yml is the whole monitor', () => {
  it('runs every role of workers/ as a service, with a health check and a restart policy', () => {
    expect(roles).toEqual(expect.arrayContaining(['api', 'ingest', 'detect', 'scan', 'notify']));
    for (const role of roles) {
      const cmd = role === 'api' ? ['serve', '--host', '0.0.0.0'] : ['worker', role];
      const svc = [...services].find(([, b]) => commandOf(b) && JSON.stringify(JSON.parse(commandOf(b)!)) === JSON.stringify(cmd));
      expect(svc, `no service runs workers/${role}.ts (command ${JSON.stringify(cmd)})`).toBeDefined();
      const block = svc![1];
      expect(block, `${svc![0]} has no health check`).toMatch(/\n\s+healthcheck:/);
      expect(block, `${svc![0]} has no restart policy`).toMatch(/\n\s+restart: unless-stopped/);
      expect(block, `${svc![0]} does not wait for the migration`).toMatch(/depends_on: \*aftermigrate/);
    }
  });

  it('runs every stream of workers/stream/ as a service, opt-in under the stream profile', () => {
    for (const source of streams) {
      const svc = [...services].find(([, b]) => commandOf(b) && JSON.stringify(JSON.parse(commandOf(b)!)) === JSON.stringify(['stream', source]));
      expect(svc, `no service runs workers/stream/${source}.ts`).toBeDefined();
      expect(svc![1]).toMatch(/\n\s+healthcheck:/);
      expect(svc![1]).toMatch(/\n\s+restart: unless-stopped/);
      expect(svc![1]).toContain('profiles: ["stream"]');
    }
  });

  it('publishes only the API: no host port for Postgres or Redis', () => {
    const published = [...services].filter(([, b]) => /\n\s+ports:/.test('\n' + b)).map(([n]) => n);
    expect(published).toEqual(['api']);
    // and the API only on loopback unless the operator says otherwise
    expect(services.get('api')).toContain('"${API_PUBLISH:-127.0.0.1:8080}:8080"');
  });

  it('names in .env.example every variable the compose file interpolates', () => {
    const used = new Set([...text.matchAll(/\$\{([A-Z_]+)(?::-[^}]*)?\}/g)].map((m) => m[1]!));
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !listed.has(v))).toEqual([]);
  });

  const bin = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  const haveBin = !bin.error && bin.status === 0;
  it.skipIf(!haveBin)('passes `docker-compose config` (needs the docker-compose binary)', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
    const r = spawnSync('docker-compose', ['-f', COMPOSE, '--project-directory', ROOT, 'config', '--services'], { encoding: 'utf8', env });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual([...services.keys()].sort());
    // with the example .env too
    const withEnv = spawnSync('docker-compose', ['-f', COMPOSE, '--env-file', path.join(ROOT, '.env.example'), 'config', '-q'], { encoding: 'utf8', env });
    expect(withEnv.stderr).toBe('');
    expect(withEnv.status).toBe(0);
  });
  if (!haveBin) console.warn('compose.test: docker-compose is not installed, `docker-compose config` not checked (apt-get install -y docker-compose)');
});
